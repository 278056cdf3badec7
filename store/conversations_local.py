"""Conversation state for a single process without Redis: in memory, written through to a
small SQLite file so a restart resumes every conversation where it was.

Each write is a plain ``sqlite3`` upsert in WAL mode, done inline (no thread hop); the turns
that finish in the same pass of the event loop share one transaction (group commit: a
transaction's locks and WAL commit cost more than its upserts), and each turn's reply waits
until its state is written, so nothing is lost when the process stops. States are sealed with
the PII key (they hold what people typed: phones, addresses).

A process that stops mid-turn takes its locks with it; what it may have committed to the
database before it stopped is found by the first turn of each person after the restart, which
is marked ``recovering`` (one checkpoint read per person per process).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import OrderedDict
from pathlib import Path

from domain.turns import CONVERSATION_KEEP, Claim, Nonce, NonceMemory
from store.crypto import STATE_FIELD as STATE
from store.crypto import PiiCipher
from store.sqlite.wal import NO_AUTOCHECKPOINT, Checkpointer

SEEN_MAX = 100_000
ANSWERS_MAX = 10_000


class LocalConversationStore:
    """``ConversationStore`` for one process: asyncio locks, a bounded dedupe memory, SQLite."""

    lease_s = 3600.0  # an in-process lock ends with its process: nothing to renew

    def __init__(
        self,
        path: Path,
        cipher: PiiCipher,
        *,
        state_ttl_s: int = int(CONVERSATION_KEEP.total_seconds()),
        seen_ttl_s: int = 86400,
        answer_ttl_s: int = 600,
        checkpoint_every_s: float | None = None,
        nonces: NonceMemory | None = None,
    ) -> None:
        """With ``checkpoint_every_s`` the WAL is checkpointed by a thread of the store's own
        (``store.sqlite.wal.Checkpointer``) instead of inside a commit; ``close`` stops it.
        ``nonces``: where a claim's signed request is admitted (the replay guard's memory;
        without one, a claim that carries a nonce is refused)."""
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
        self._cipher = cipher
        self._states: dict[str, bytes] = {}
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._answers: OrderedDict[str, tuple[bytes, float, int]] = OrderedDict()
        """Answers kept for retries: (answer, expiry, parts the channel pushed)."""
        self._known: OrderedDict[str, None] = OrderedDict()
        """People whose conversation this process has claimed: their first claim after a
        start is ``recovering``."""
        self.state_ttl_s = state_ttl_s
        self.seen_ttl_s = seen_ttl_s
        self.answer_ttl_s = answer_ttl_s
        self._pending: dict[str, tuple[bytes, float, asyncio.Future[None]]] = {}
        self._nonces = nonces

    def close(self) -> None:
        if self._pending:
            self._flush()
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self._db.close()

    async def begin(
        self,
        channel: str,
        user_id: str,
        message_id: str,
        rate_window: int | None = None,
        nonce: Nonce | None = None,
    ) -> Claim:
        """Claim the message and take the lock, waiting for a turn of the same person in
        progress (``rate_window`` is for stores that can count in the same step; here the
        engine's in-memory limiter counts); ``nonce``'s signed request admitted first."""
        if nonce is not None and not await self._admitted(nonce):
            return Claim("replayed")
        key, seen_key = f"{channel}:{user_id}", f"{channel}:{user_id}:{message_id}"
        now = time.time()
        self._prune(now)
        if self._answered(seen_key, now):
            return self._duplicate(seen_key, now)
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            await lock.acquire()
        except BaseException:
            self._unuse(key)
            raise
        if self._answered(seen_key, time.time()):  # the turn we waited for answered it
            self._release(key)
            return self._duplicate(seen_key, now)
        recovering = key not in self._known
        self._known[key] = None
        self._known.move_to_end(key)
        while len(self._known) > SEEN_MAX:
            self._known.popitem(last=False)
        return Claim("ok", self._load(key), key, recovering=recovering)

    async def _admitted(self, nonce: Nonce) -> bool:
        if self._nonces is None:
            return False
        return await self._nonces.admit(
            nonce.channel, nonce.key, nonce.fingerprint, nonce.keep_s, nonce.at
        )

    def _answered(self, seen_key: str, now: float) -> bool:
        expires = self._seen.get(seen_key)
        return expires is not None and expires > now

    def _duplicate(self, seen_key: str, now: float) -> Claim:
        answer = self._answers.get(seen_key)
        if answer is None or answer[1] <= now:
            return Claim("duplicate")
        return Claim("duplicate", replies=answer[0], sent=answer[2])

    async def renew(self, channel: str, user_id: str, token: str) -> bool:
        return True

    async def commit(
        self,
        channel: str,
        user_id: str,
        message_id: str,
        token: str,
        state: bytes,
        replies: bytes,
        sent: int = 0,
    ) -> bool:
        key = f"{channel}:{user_id}"
        self._states[key] = state
        try:
            await self._written(key, self._cipher.seal(STATE, state))
        except BaseException:
            self._states.pop(key, None)  # read back from the file: what is really stored
            raise
        self._mark(f"{key}:{message_id}", replies, sent)
        self._release(key)
        return True

    async def remember(self, channel: str, user_id: str, message_id: str, replies: bytes) -> None:
        self._mark(f"{channel}:{user_id}:{message_id}", replies)

    def _mark(self, seen_key: str, replies: bytes, sent: int = 0) -> None:
        now = time.time()
        self._seen[seen_key] = now + self.seen_ttl_s
        self._seen.move_to_end(seen_key)
        self._answers[seen_key] = (replies, now + self.answer_ttl_s, sent)
        self._answers.move_to_end(seen_key)

    async def delivered(self, channel: str, user_id: str, message_id: str, sent: int) -> None:
        seen_key = f"{channel}:{user_id}:{message_id}"
        answer = self._answers.get(seen_key)
        if answer is not None and self._answered(seen_key, time.time()):
            self._answers[seen_key] = (answer[0], answer[1], sent)

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
        self._release(f"{channel}:{user_id}")

    async def release(self, channel: str, user_id: str, token: str) -> None:
        key = f"{channel}:{user_id}"
        self._known.pop(key, None)  # its next turn recovers from the checkpoint
        self._release(key)

    async def get(self, channel: str, user_id: str) -> bytes | None:
        return self._load(f"{channel}:{user_id}")

    def _load(self, key: str) -> bytes | None:
        if key in self._states:
            return self._states[key]
        row = self._db.execute(
            "SELECT state FROM conversations WHERE key = ? AND expires_at > ?", (key, time.time())
        ).fetchone()
        if not row:
            return None
        return self._cipher.unseal_state(bytes(row[0]))

    def _release(self, key: str) -> None:
        held = self._locks.get(key)
        if held is not None and held[0].locked():
            held[0].release()
            self._unuse(key)

    def _unuse(self, key: str) -> None:
        """One user fewer of ``key``'s lock; an unused lock is dropped (the dict stays small)."""
        held = self._locks.get(key)
        if held is not None:
            held[1][0] -= 1
            if held[1][0] <= 0:
                self._locks.pop(key, None)

    def _prune(self, now: float) -> None:
        for memory in (self._seen, self._answers):
            limit = SEEN_MAX if memory is self._seen else ANSWERS_MAX
            while len(memory) > limit:
                memory.popitem(last=False)
        while self._seen and next(iter(self._seen.values())) <= now:
            self._seen.popitem(last=False)
        while self._answers and next(iter(self._answers.values()))[1] <= now:
            self._answers.popitem(last=False)
