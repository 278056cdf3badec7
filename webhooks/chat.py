"""Wiring of the chat path: the engine with metrics around it, and the messenger that sends
to a person outside a conversation turn."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from conversations.engine import Engine, Handled
from conversations.events import Inbound
from conversations.replies import Reply
from webhooks.metrics import Metrics

log = logging.getLogger(__name__)

Sender = Callable[[str, list[Reply]], Awaitable[None]]


class Chat:
    """``handle`` runs one inbound event and counts it (``daojia_messages_total``)."""

    def __init__(self, engine: Engine, metrics: Metrics) -> None:
        self.engine = engine
        self.metrics = metrics

    async def handle(self, event: Inbound) -> Handled:
        started = time.perf_counter()
        handled = await self.engine.handle(event)
        self.metrics.messages.labels(event.channel, handled.status).inc()
        self.metrics.reply_seconds.labels(event.channel).observe(time.perf_counter() - started)
        return handled

    def rejected(self, channel: str) -> None:
        self.metrics.messages.labels(channel, "rejected").inc()


class Messenger:
    """Sends replies to (channel, user id) through whichever bot serves that channel."""

    def __init__(self) -> None:
        self._senders: dict[str, Sender] = {}

    def register(self, channel: str, sender: Sender) -> None:
        self._senders[channel] = sender

    async def send(self, channel: str, user_id: str, replies: list[Reply]) -> None:
        sender = self._senders.get(channel)
        if sender is None:
            log.warning(
                "no sender for channel %s; %d replies to %s dropped",
                channel,
                len(replies),
                user_id,
            )
            return
        await sender(user_id, replies)
