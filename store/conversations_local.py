"""Conversation state for a single process without Redis: in memory, written through to a
small SQLite file so a restart resumes every conversation where it was.

Each write is a plain ``sqlite3`` upsert in WAL mode, done inline (no thread hop); the turns
that finish in the same pass of the event loop share one transaction (group commit: a
transaction's locks and WAL commit cost more than its upserts), and each turn's reply waits
until its state is written, so nothing is lost when the process stops.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import OrderedDict
from pathlib import Path

from domain.ports import Claim
from store.wal import NO_AUTOCHECKPOINT, Checkpointer

SEEN_MAX = 100_000


class LocalConversationStore:
    """``ConversationStore`` for one process: asyncio locks, a bounded dedupe memory, SQLite."""

    def __init__(
        self,
        path: Path,
        *,
        state_ttl_s: int = 7 * 86400,
        seen_ttl_s: int = 86400,
        processing_ttl_s: int = 60,
        checkpoint_every_s: float | None = None,
    ) -> None:
        """With ``checkpoint_every_s`` the WAL is checkpointed by a thread of the store's own
        (``store.wal.Checkpointer``) instead of inside a commit; ``close`` stops it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._checkpointer: Checkpointer | None = None
        if checkpoint_every_s is not None:
            self._db.execute(NO_AUTOCHECKPOINT)
            self._checkpointer = Checkpointer(path, checkpoint_every_s).start()
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS conversations (key TEXT PRIMARY KEY, "
            "state BLOB NOT NULL, expires_at REAL NOT NULL)"
        )
        self._db.execute("DELETE FROM conversations WHERE expires_at < ?", (time.time(),))
        self._states: dict[str, bytes] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._seen: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self.state_ttl_s = state_ttl_s
        self.seen_ttl_s = seen_ttl_s
        self.processing_ttl_s = processing_ttl_s
        self._pending: dict[str, tuple[bytes, float, asyncio.Future[None]]] = {}

    def close(self) -> None:
        if self._pending:
            self._flush()
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self._db.close()

    async def begin(
        self, channel: str, user_id: str, message_id: str, rate_window: int | None = None
    ) -> Claim:
        """Claim the message and take the lock (``rate_window`` is for stores that can count
        in the same step; here the engine's in-memory limiter counts)."""
        key, seen_key = f"{channel}:{user_id}", f"{channel}:{user_id}:{message_id}"
        now = time.time()
        seen = self._seen.get(seen_key)
        if seen is not None and seen[1] > now:
            return Claim("duplicate")
        self._seen[seen_key] = ("processing", now + self.processing_ttl_s)
        self._prune(now)
        lock = self._locks.setdefault(key, asyncio.Lock())
        await lock.acquire()
        return Claim("ok", self._load(key), key)

    async def commit(
        self, channel: str, user_id: str, message_id: str, token: str, state: bytes
    ) -> None:
        key = f"{channel}:{user_id}"
        self._states[key] = state
        try:
            await self._written(key, state)
        except BaseException:
            self._states.pop(key, None)  # read back from the file: what is really stored
            raise
        self._seen[f"{key}:{message_id}"] = ("done", time.time() + self.seen_ttl_s)
        self._release(key)

    async def _written(self, key: str, state: bytes) -> None:
        """Queue ``key``'s state for the next group commit and wait until it is written."""
        loop = asyncio.get_running_loop()
        if not self._pending:
            loop.call_soon(self._flush)
        done = loop.create_future()  # one per turn: a cancelled turn must not cancel the rest
        self._pending[key] = (state, time.time() + self.state_ttl_s, done)
        await done  # cancelled before the write: not written (see _flush)

    def _flush(self) -> None:
        # turns cancelled while they waited are left out: for them the turn never happened
        pending = [(k, s, e, done) for k, (s, e, done) in self._pending.items() if not done.done()]
        self._pending = {}
        if not pending:
            return
        error: BaseException | None = None
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT INTO conversations (key, state, expires_at) VALUES (?, ?, ?) ON CONFLICT "
                "(key) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at",
                [(key, state, expires) for key, state, expires, _ in pending],
            )
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            error = exc
        for *_, done in pending:
            if error is None:
                done.set_result(None)
            else:
                done.set_exception(error)

    async def abort(self, channel: str, user_id: str, message_id: str, token: str) -> None:
        key = f"{channel}:{user_id}"
        self._seen.pop(f"{key}:{message_id}", None)
        self._release(key)

    async def get(self, channel: str, user_id: str) -> bytes | None:
        return self._load(f"{channel}:{user_id}")

    def _load(self, key: str) -> bytes | None:
        if key in self._states:
            return self._states[key]
        row = self._db.execute(
            "SELECT state FROM conversations WHERE key = ? AND expires_at > ?", (key, time.time())
        ).fetchone()
        return bytes(row[0]) if row else None

    def _release(self, key: str) -> None:
        lock = self._locks.get(key)
        if lock is not None and lock.locked():
            lock.release()
            if not lock._waiters:  # noqa: SLF001 - drop idle locks so the dict stays small
                self._locks.pop(key, None)

    def _prune(self, now: float) -> None:
        while len(self._seen) > SEEN_MAX:
            self._seen.popitem(last=False)
        while self._seen:
            oldest_key, (_, expires) = next(iter(self._seen.items()))
            if expires > now:
                break
            self._seen.popitem(last=False)
