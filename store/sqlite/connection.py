"""A SQLite engine's one connection, kept checked out, and the units of work taking turns on it.

Checking the connection out of SQLAlchemy's pool and back for every unit of work (a reset,
events, a pool lock) cost about a tenth of the chat path's CPU time per message. Instead the
``Database`` (``store.uow``) keeps it checked out for as long as it is open, and its units of
work take turns on it in order of arrival (an ``asyncio.Lock``): a unit of work's session is
bound to it, and the plans of ``store.sqlite.direct`` run straight on it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from store.sqlite.direct import DirectConnection
from store.sqlite.inline import InlineConnection

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Turn:
    """A unit of work's time on the connection."""

    direct: DirectConnection
    task: asyncio.Task[Any] | None


class NestedUnitOfWork(RuntimeError):
    """A task opened a unit of work inside another one on a one-connection engine."""


class SharedConnection:
    """The engine's one connection (``store.db`` gives SQLite engines a pool of one), held
    checked out; ``take_turn`` waits for it, in order of arrival, for at most
    ``turn_timeout_s`` (then SQLAlchemy's pool ``TimeoutError``). A task that took a turn
    inside its own turn would wait for itself forever, so that raises ``NestedUnitOfWork``
    at once instead. ``close()`` gives the connection back to the pool."""

    def __init__(self, engine: AsyncEngine, turn_timeout_s: float) -> None:
        self.engine = engine
        self.turn_timeout_s = turn_timeout_s
        self.sessions: async_sessionmaker[AsyncSession] | None = None
        """Sessions bound to the held connection (once it was first checked out)."""
        self._turn = asyncio.Lock()
        self._open_in: set[asyncio.Task[Any]] = set()
        self._held: AsyncConnection | None = None
        self._direct: DirectConnection | None = None

    async def take_turn(self) -> Turn:
        """Wait for the connection: ``end_turn`` gives it back."""
        task = asyncio.current_task()
        if task is not None:
            if task in self._open_in:
                raise NestedUnitOfWork(
                    "a unit of work is already open in this task; on SQLite (one connection) "
                    "a second one would wait for the first forever"
                )
            self._open_in.add(task)
        try:
            if self._turn.locked():
                try:
                    async with asyncio.timeout(self.turn_timeout_s):
                        await self._turn.acquire()
                except TimeoutError:
                    raise PoolTimeout(
                        f"no turn on the database connection within {self.turn_timeout_s} s"
                    ) from None
            else:
                await self._turn.acquire()
        except BaseException:
            if task is not None:
                self._open_in.discard(task)
            raise
        try:
            return Turn(await self._connection(), task)
        except BaseException:
            self._give_back(task)
            raise

    def end_turn(self, turn: Turn) -> None:
        self._give_back(turn.task)

    def _give_back(self, task: asyncio.Task[Any] | None) -> None:
        if task is not None:
            self._open_in.discard(task)
        self._turn.release()

    async def _connection(self) -> DirectConnection:
        """The held connection (during a turn), checked out again if it was lost."""
        held = self._held
        if held is not None and not held.closed and not held.invalidated and self._direct:
            if held.in_transaction():  # nothing outside a session should begin one; if it
                await held.rollback()  # did, a session would join it and never commit
            return self._direct
        if held is not None:
            await held.close()
        held = self._held = await self.engine.connect()
        raw = await held.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, InlineConnection), "SQLite engines connect inline (store.db)"
        self.sessions = async_sessionmaker(held, class_=AsyncSession, expire_on_commit=False)
        self._direct = DirectConnection(driver, self.engine.dialect)
        return self._direct

    async def close(self) -> None:
        """Give the held connection back, after the unit of work using it (waiting at most
        ``turn_timeout_s``)."""
        if self._held is None:
            return
        turn = False
        try:
            async with asyncio.timeout(self.turn_timeout_s):
                turn = await self._turn.acquire()
        except TimeoutError:
            log.warning("closing the database connection under a unit of work")
        try:
            await self._held.close()
            self._held = self._direct = None
        finally:
            if turn:
                self._turn.release()
