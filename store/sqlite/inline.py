"""aiosqlite's connection API run on the event loop's own thread.

aiosqlite hands every call to a worker thread and back: a queue, a thread switch and a loop
wake-up each way. In WAL mode the SQLite call itself takes tens of microseconds, so the
hand-off costs more than the work (the webhook benchmark served 1.7× the messages without it).

Run inline, a call must never sleep in SQLite's busy handler: that would stop the whole loop,
including the transaction holding the lock. So connections open with a zero busy timeout and a
busy database is waited for here, asynchronously. Each engine keeps one connection
(``store.db``), so a process never competes with itself; the wait is for another process (or
another engine on the same file).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Generator
from functools import partial
from typing import Any, Self

import aiosqlite

FIRST_WAIT_S = 0.001
LONGEST_WAIT_S = 0.05


class InlineConnection(aiosqlite.Connection):
    """An ``aiosqlite.Connection`` whose calls run on the caller's thread.

    Args:
        connector: opens the ``sqlite3`` connection (with ``timeout=0``).
        busy_timeout_s: how long a call waits for another writer before SQLite's "database is
            locked" reaches the caller.
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection], busy_timeout_s: float) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self.busy_timeout_s = busy_timeout_s

    def __await__(self) -> Generator[Any, None, Self]:
        return self._connect().__await__()

    async def _connect(self) -> Self:
        if self._connection is None:
            self._connection = self._connector()
        return self

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        deadline: float | None = None
        wait = FIRST_WAIT_S
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                # plain SQLITE_BUSY only: the call did nothing and may be retried. A stale
                # snapshot (SQLITE_BUSY_SNAPSHOT) never clears by waiting.
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                    raise
                now = time.monotonic()
                deadline = deadline or now + self.busy_timeout_s
                if now >= deadline:
                    raise
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT_S)

    async def call(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        """``fn(connection)`` for the raw ``sqlite3`` connection, waiting out another writer
        as every other call does; ``fn`` runs again after a busy database, so it must be a
        single statement (with its fetch)."""
        return await self._execute(fn, self._connection)

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open (False once closed, where aiosqlite's raises)."""
        return self._connection is not None and self._connection.in_transaction

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


def inline_creator(path: str, busy_timeout_s: float) -> Callable[[], Awaitable[InlineConnection]]:
    """An ``async_creator`` for ``create_async_engine`` opening ``path`` inline."""

    async def create() -> InlineConnection:
        connector = partial(sqlite3.connect, path, timeout=0, check_same_thread=False)
        return await InlineConnection(connector, busy_timeout_s)

    return create
