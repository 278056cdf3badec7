"""What a chat turn needs from persistence; ``store`` implements these Protocols.

A turn is one platform message from one person: it is claimed in the conversation store, runs
its commands in one database transaction, and ends by committing that transaction together with
a checkpoint of the person's new conversation state (when the turn wrote anything), then the
state in the conversation store. A process that dies between the two commits leaves the
database ahead of the conversation store; the next turn for that person finds it so
(``Claim.recovering``) and goes on from the checkpoint, answering a retry of the same message
with what the first attempt answered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

CONVERSATION_KEEP = timedelta(days=7)
"""How long an idle conversation is remembered (state, checkpoint): a person who comes back
later starts afresh."""


@dataclass(frozen=True, slots=True)
class Nonce:
    """A signed webhook request to remember while its timestamp is fresh, checked with the
    claim of the message it carries (``NonceMemory.admit``'s arguments): the same round trip
    to the store as the claim."""

    channel: str
    key: str
    """What the request's signature covers (``bots.wechat_replay``)."""
    fingerprint: str
    """A hash of everything else in the request."""
    keep_s: int
    at: datetime
    """The app's clock when the request was checked."""


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of ``ConversationStore.begin``: ``ok`` (with the saved state, if any),
    ``duplicate`` (this message was already answered), ``busy`` (a live turn holds the
    person's lock) or ``replayed`` (the claim's ``Nonce`` was seen with other content:
    nothing was claimed)."""

    status: str
    state: bytes | None = None
    token: str = ""
    count: int | None = None
    """The message's count in the sender's rate window, when ``begin`` was asked to count it
    and could in the same step (else None: the caller counts with its ``RateLimiter``)."""
    recovering: bool = False
    """A turn for this person began and never ended (its process died, or the store lost its
    memory): the database may hold a newer checkpoint than ``state``."""
    replies: bytes | None = None
    """For ``duplicate``: the answer the first attempt gave, while it is remembered."""
    sent: int = 0
    """For ``duplicate``: how many of the answer's parts the channel said it pushed, in its
    own count (``sent`` of ``ConversationStore.commit``, or ``delivered`` since): a retry
    sends only the others."""


class ConversationStore(Protocol):
    """Keeps each person's conversation (opaque bytes, sealed at rest), claims messages once,
    and serialises each person's messages under a leased lock.

    ``begin`` takes the person's lock for ``lease_s`` seconds (``renew`` extends it while the
    turn runs, so the lock of a process that died is free again within ``lease_s``) unless the
    message was already answered (``duplicate``). Given ``rate_window`` it may also count a
    claimed message against the sender's rate limit; given a ``nonce``, it first admits the
    signed request as ``NonceMemory.admit`` would, and claims nothing when that refuses it
    (``replayed``). ``commit`` saves the new state, marks the
    message answered (keeping the answer a while, and ``sent``: how many of its parts the
    channel pushed before the commit) and releases the lock — only while the lock is still
    this turn's (else it returns False and saves nothing); ``abort`` releases the lock
    of a turn that changed nothing, so that a platform retry is processed; ``release`` that of
    a turn whose state is only in the database; ``remember`` marks another message answered;
    ``delivered`` notes how many parts of an answered message's answer went out by push (the
    API calls a channel makes besides its webhook response) after its commit — a retry that
    pushed the rest; the count is handed back with a duplicate.
    """

    lease_s: float

    async def begin(
        self,
        channel: str,
        user_id: str,
        message_id: str,
        rate_window: int | None = None,
        nonce: Nonce | None = None,
    ) -> Claim: ...

    async def renew(self, channel: str, user_id: str, token: str) -> bool: ...

    async def commit(
        self,
        channel: str,
        user_id: str,
        message_id: str,
        token: str,
        state: bytes,
        replies: bytes,
        sent: int = 0,
    ) -> bool: ...

    async def remember(
        self, channel: str, user_id: str, message_id: str, replies: bytes
    ) -> None: ...

    async def delivered(self, channel: str, user_id: str, message_id: str, sent: int) -> None:
        """Note that the first ``sent`` parts of the message's answer went out by push, in
        the channel's own count (``Claim.sent`` of its retries); nothing when the message is
        not marked answered (its retry is processed, or recovered, afresh)."""
        ...

    async def abort(self, channel: str, user_id: str, message_id: str, token: str) -> None: ...

    async def release(self, channel: str, user_id: str, token: str) -> None:
        """End a turn whose state here may be behind the database (it committed there but
        could not save here, lost its lock, was fenced off, or failed while recovering): free
        the lock if it is still the turn's, and make the person's next turn recover."""
        ...

    async def get(self, channel: str, user_id: str) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A person's conversation as a turn that wrote to the database left it."""

    version: int
    message_id: str
    state: bytes
    replies: bytes
    at: datetime


class Checkpoints(Protocol):
    """The checkpoints table, inside a unit of work."""

    async def get(self, channel: str, user_id: str) -> Checkpoint | None: ...

    async def save(
        self, channel: str, user_id: str, checkpoint: Checkpoint, base_version: int
    ) -> bool:
        """Store ``checkpoint`` unless the stored one is newer than ``base_version``."""
        ...

    async def forget_before(self, when: datetime) -> int: ...


class StaleTurn(Exception):
    """The database holds a newer checkpoint than the state this turn began from: another
    process went on with the conversation. The turn's writes are rolled back."""


class TurnTransaction(Protocol):
    """The database transaction the commands of one turn share."""

    async def commit(
        self, channel: str, user_id: str, checkpoint: Checkpoint, base_version: int
    ) -> bool:
        """Commit what the turn wrote together with ``checkpoint`` (only if the stored one is
        not newer than ``base_version``: else ``StaleTurn``); False when nothing was written
        (then no checkpoint is stored)."""
        ...

    async def after_commit(self) -> None:
        """Run what the commands deferred until their writes were committed (deliveries,
        refunds through providers); failures are logged, never raised."""
        ...

    def unguarded(self) -> AbstractAsyncContextManager[None]:
        """Commands run inside this write without a SAVEPOINT of their own: one that fails
        fails the whole turn (it commits nothing) — for the turn's last writes, whose failure
        the turn does not survive anyway. Each must commit its unit of work or raise."""
        ...


class TurnJournal(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[TurnTransaction]:
        """A turn's transaction: units of work opened in it (same task) join it."""
        ...

    async def checkpoint(self, channel: str, user_id: str) -> Checkpoint | None: ...


Deferred = Callable[[], Awaitable[object]]


class AfterCommit(Protocol):
    def __call__(self, action: Deferred) -> bool:
        """Queue ``action`` to run once the current turn's transaction has committed; False
        (and nothing queued) outside a turn: the caller runs it now."""
        ...


class RateLimiter(Protocol):
    """Counts each person's messages per fixed time window (``domain.risk.rate_window``),
    shared by every process that serves them."""

    async def hit(self, channel: str, user_id: str, window: int) -> int:
        """Count one message from the person in ``window``; return how many they have sent
        in it, this one included. Counts of earlier windows may be forgotten."""
        ...


class NonceMemory(Protocol):
    """Remembers signed webhook requests while their timestamps are fresh, shared by every
    process that serves them (``bots.wechat_replay``)."""

    async def admit(
        self, channel: str, key: str, fingerprint: str, keep_s: int, now: datetime
    ) -> bool:
        """Remember request ``key`` (what its signature covers: timestamp, nonce, signature)
        with the ``fingerprint`` of everything else in it, for ``keep_s`` seconds from ``now``.

        Returns:
            True when ``key`` is new, or was seen with the same fingerprint (the identical
            request again: a platform retry); False when it was seen with another fingerprint
            (a replay of the signature with other content).
        """
        ...
