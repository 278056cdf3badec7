"""How long the product remembers a conversation: checkpoints idle longer than
``domain.turns.CONVERSATION_KEEP`` are dropped by a sweep (their states in Redis or the local
store expire by themselves after the same time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from conversations.events import Result
from conversations.results.sweeps import ConversationsForgotten
from domain import commands as c
from domain.ports import UnitOfWork
from domain.turns import CONVERSATION_KEEP


async def forget_conversations(
    cmd: c.ForgetConversations, *, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime]
) -> list[Result]:
    async with uow() as u:
        forgotten = await u.checkpoints.forget_before(clock() - CONVERSATION_KEEP)
        await u.commit()
    return [ConversationsForgotten(forgotten)]
