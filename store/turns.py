"""A chat turn's database transaction, and the conversation checkpoint committed with it.

The commands of one turn (``conversations.engine``) each open units of work as they always
have; inside ``Turns.transaction()`` those units of work (opened by the turn's own task) are
*members* of one shared transaction instead. A member's ``commit()`` keeps its writes for the
turn; a member that ends without committing rolls back its own writes only (to a SAVEPOINT
taken when it began, if the turn had written before it; else the transaction so far, which
held nothing to keep). The turn then commits everything at once, together with a checkpoint of
the person's new conversation state (``conversation_checkpoints``), so a process that dies
mid-turn leaves either all of the turn in the database or none of it.

What must only happen after the writes are committed — delivering notices, asking a payment
provider for a refund — is queued with ``after_commit`` and run by the engine once the turn has
committed (the outbox and refund sweeps pick up whatever a crash interrupts).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

from sqlalchemy.exc import OperationalError

from domain.turns import Checkpoint, Deferred, StaleTurn
from store.orders_repo import ConcurrentUpdate
from store.uow import CURRENT_TURN, Database, Savepoint, SqlUnitOfWork

log = logging.getLogger(__name__)


class TurnBroken(Exception):
    """A member that took no SAVEPOINT (``TurnTransaction.unguarded``) failed after the turn
    had written: its writes went with the rollback, so the turn commits nothing."""


class TurnTransaction:
    """One turn's shared transaction (see the module docstring)."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._task = asyncio.current_task()
        self._uow: SqlUnitOfWork | None = None
        self._open = True
        self.wrote = False
        """Whether a member committed: the turn has writes to keep."""
        self.open_members = 0
        self._deferred: list[Deferred] = []
        self.guarded = True
        """Whether a writing member that joins after the turn's writes takes a SAVEPOINT
        (``unguarded``)."""
        self.broken = False
        """A member with no SAVEPOINT failed after the turn had written: the transaction was
        rolled back whole, and the turn must not commit."""

    def member(self, reads: bool = False) -> TurnMember | None:
        if not self._open or asyncio.current_task() is not self._task:
            return None  # another task (a spawned one) or after the turn: its own transaction
        return TurnMember(self, reads)

    @asynccontextmanager
    async def unguarded(self) -> AsyncIterator[None]:
        """Members opened inside join without a SAVEPOINT (and its RELEASE): one of them that
        fails rolls the whole turn back, and the turn then refuses to commit (``TurnBroken``)
        — for the turn's last writes, whose failure fails the turn anyway. A member here must
        commit or raise: one that ends without committing also rolls the turn back."""
        self.guarded = False
        try:
            yield
        finally:
            self.guarded = True

    def defer(self, action: Deferred) -> bool:
        if not self._open or asyncio.current_task() is not self._task:
            return False
        self._deferred.append(action)
        return True

    async def shared(self) -> SqlUnitOfWork:
        if self._uow is None:
            uow = SqlUnitOfWork(self._database)
            await uow.__aenter__()
            self._uow = uow
        return self._uow

    async def commit(
        self, channel: str, user_id: str, checkpoint: Checkpoint, base_version: int
    ) -> bool:
        self._open = False  # nothing joins the transaction once it is being committed
        if self.broken:
            raise TurnBroken(f"{channel} turn rolled back by a failed unguarded member")
        if self._uow is None or not self.wrote:
            return False
        uow = self._uow
        if not await uow.checkpoints.save(channel, user_id, checkpoint, base_version):
            raise StaleTurn(f"{channel} conversation moved on past version {base_version}")
        await uow.commit()
        return True

    async def after_commit(self) -> None:
        deferred, self._deferred = self._deferred, []
        for action in deferred:
            try:
                await action()
            except Exception:  # the sweeps retry what this did not finish
                log.exception("an action after a turn's commit failed")

    async def close(self, exc: BaseException | None) -> None:
        self._open = False
        if self._uow is not None:
            uow, self._uow = self._uow, None
            tb = exc.__traceback__ if exc is not None else None
            await uow.__aexit__(type(exc) if exc is not None else None, exc, tb)


class TurnMember:
    """A unit of work inside a turn's transaction (``Database.uow`` during a turn).

    A reading member (``Database.reads``: views, the caches of admins and prices, the
    checkpoint) has nothing of its own to roll back, so it takes no SAVEPOINT and, when it
    ends without an error, leaves the transaction open for the turn's writes: a turn that
    reads before it writes is still one transaction.
    """

    def __init__(self, turn: TurnTransaction, reads: bool = False) -> None:
        self._turn = turn
        self._reads = reads
        self._uow: SqlUnitOfWork | None = None
        self._savepoint: Savepoint | None = None
        self._committed = False

    async def __aenter__(self) -> TurnMember:
        self._uow = await self._turn.shared()
        # keep what the turn's earlier commands wrote, or what an enclosing member is writing
        turn = self._turn
        if not self._reads and turn.guarded and (turn.wrote or turn.open_members):
            self._savepoint = await self._uow.savepoint()
        self._turn.open_members += 1
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        uow = self._uow
        assert uow is not None
        self._turn.open_members -= 1
        if self._reads and not self._committed:
            if exc is not None and not self._turn.wrote:
                await uow.rollback()  # a failed statement may have ended the transaction
            elif not self._turn.open_members:
                uow.forget()  # what it read is not the next command's to trust
        elif not self._committed:
            if self._savepoint is not None:
                if self._savepoint.is_active:
                    await self._savepoint.rollback()
                uow.forget()
            else:  # nothing of the turn's was written before this member began, or unguarded
                self._turn.broken = self._turn.broken or self._turn.wrote
                await uow.rollback()
        if isinstance(exc, OperationalError) and "locked" in str(exc):
            raise ConcurrentUpdate(0) from exc

    async def commit(self) -> None:
        if self._savepoint is not None and self._savepoint.is_active:
            await self._savepoint.commit()
        self._committed = True
        self._turn.wrote = True

    def collect_new_events(self) -> list[Any]:
        assert self._uow is not None
        return self._uow.collect_new_events()

    def __getattr__(self, name: str) -> Any:
        uow = self.__dict__.get("_uow")
        if uow is None:
            raise AttributeError(name)
        return getattr(uow, name)


class Turns:
    """``TurnJournal`` over a ``Database``: turn transactions and their checkpoints."""

    def __init__(self, database: Database) -> None:
        self._database = database

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[TurnTransaction]:
        turn = TurnTransaction(self._database)
        reset = CURRENT_TURN.set(turn)
        try:
            yield turn
        except BaseException as exc:
            CURRENT_TURN.reset(reset)
            await turn.close(exc)
            raise
        CURRENT_TURN.reset(reset)
        await turn.close(None)

    def after_commit(self, action: Deferred) -> bool:
        turn = CURRENT_TURN.get()
        return isinstance(turn, TurnTransaction) and turn.defer(action)

    async def checkpoint(self, channel: str, user_id: str) -> Checkpoint | None:
        """The person's checkpoint (inside a turn, read in the turn's transaction)."""
        async with self._database.reads() as uow:
            checkpoint: Checkpoint | None = await uow.checkpoints.get(channel, user_id)
        return checkpoint
