"""Where a turn goes on from when the conversation store may be behind the database: a turn of
the person's committed there and its process died before the store saved it (``Claim.
recovering``), or the store has no state for them (it expired, or Redis lost its memory).

The database keeps a checkpoint of each person's conversation with every turn that wrote
anything (``TurnJournal.checkpoint``): when it is newer than the store's state, the turn goes
on from it; when it is this very message's, that message was answered before and is answered
again, not redone (the engine pushes and commits that answer like a turn's own).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from conversations.events import Inbound
from conversations.state import Conversation
from domain.turns import CONVERSATION_KEEP, Checkpoint, ConversationStore, TurnJournal

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Resumed:
    conv: Conversation | None
    """What the turn goes on from: the checkpoint's conversation when it is newer than the
    store's, else the store's (None: a fresh one)."""
    version: int = 0
    """The least version the conversation goes on from: one that goes on from the store's
    state (or afresh) is never numbered behind the database's, whose checkpoint it would
    otherwise be fenced off from."""
    again: Checkpoint | None = None
    """This message's own checkpoint: its turn committed before; answered again with it."""


async def resume(
    turns: TurnJournal,
    store: ConversationStore,
    clock: Callable[[], datetime],
    event: Inbound,
    message_id: str,
    conv: Conversation | None,
) -> Resumed:
    """The conversation as the database last saw it, when that is newer than the store's
    ``conv`` and recent (``CONVERSATION_KEEP``); the checkpoint's message, when it is another
    than this one, is marked answered in the store (a retry of it is a duplicate)."""
    saved = await turns.checkpoint(event.channel, event.user_id)
    if saved is None:
        return Resumed(conv)
    resumed = Conversation.loads(saved.state)
    recent = saved.at >= clock() - CONVERSATION_KEEP
    if resumed is None or not recent or (conv is not None and resumed.version <= conv.version):
        return Resumed(conv, saved.version)
    log.info(
        "%s:%s resumes from its checkpoint (version %d)",
        event.channel,
        event.user_id,
        resumed.version,
    )
    if saved.message_id == message_id:  # done before: answer again, do not redo it
        return Resumed(resumed, again=saved)
    await store.remember(event.channel, event.user_id, saved.message_id, saved.replies)
    return Resumed(resumed)
