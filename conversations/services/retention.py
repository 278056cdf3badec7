"""How long the product remembers a conversation: checkpoints idle longer than
``domain.turns.CONVERSATION_KEEP`` are dropped by a sweep (their states in Redis or the local
store expire by themselves after the same time), and so are the outbox's sent and dead
messages older than ``NotificationRules.keep_days``, and the link-code windows and lockouts
that are over (``link_limits``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from conversations.events import Result
from conversations.results.sweeps import ConversationsForgotten
from domain import commands as c
from domain.ports import UnitOfWork
from domain.turns import CONVERSATION_KEEP


async def forget_conversations(
    cmd: c.ForgetConversations,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Callable[[], datetime],
    keep_messages: timedelta,
) -> list[Result]:
    now = clock()
    async with uow() as u:
        forgotten = await u.checkpoints.forget_before(now - CONVERSATION_KEEP)
        messages = await u.outbox.forget_before(now - keep_messages)
        await u.link_limits.forget_before(now)
        await u.commit()
    return [ConversationsForgotten(forgotten, messages)]
