"""Wiring of the chat path: the engine with metrics around it, and the messenger that sends
to a person outside a conversation turn."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from conversations.engine import Engine, Handled
from conversations.events import Inbound
from conversations.replies import Reply
from domain.errors import DeliveryFailed
from domain.privacy import loggable_traceback
from webhooks.metrics import Metrics

Deliver = Callable[[str, list[Reply], dict[str, Any] | None, int, str], Awaitable[None]]
"""(user id, replies, WeChat template message or None, parts already sent, language)."""

log = logging.getLogger(__name__)


class Chat:
    """``handle`` runs one inbound event and counts it (``daojia_messages_total``)."""

    def __init__(self, engine: Engine, metrics: Metrics, messenger: Messenger) -> None:
        self.engine = engine
        self.metrics = metrics
        self.messenger = messenger

    async def handle(self, event: Inbound) -> Handled:
        started = time.perf_counter()
        handled = await self.engine.handle(event)
        self.metrics.message(event.channel, handled.status)
        if handled.status == "rejected" and handled.replies:
            await self._warn(event, handled)
            handled = Handled("rejected", [], handled.lang)
        self.metrics.replied(event.channel, time.perf_counter() - started)
        return handled

    async def _warn(self, event: Inbound, handled: Handled) -> None:
        """Send the rate-limit warning (once per window) as a message of its own: the bots
        answer on the webhook only for ``handled`` turns. Best effort: a failed warning must
        not fail the webhook (the platform would only retry a message already done)."""
        try:
            await self.messenger.send(event.channel, event.user_id, handled.replies)
        except Exception as exc:
            log.warning(
                "rate-limit warning to %s:%s not sent\n%s",
                event.channel,
                event.user_id,
                loggable_traceback(exc),
            )

    def rejected(self, channel: str) -> None:
        self.metrics.message(channel, "rejected")


class Messenger:
    """Sends replies to (channel, user id) through whichever bot serves that channel (the
    outbox's ``Sender``); raises ``DeliveryFailed`` when the platform did not take them."""

    def __init__(self) -> None:
        self._senders: dict[str, Deliver] = {}

    def register(self, channel: str, deliver: Deliver) -> None:
        self._senders[channel] = deliver

    async def send(
        self,
        channel: str,
        user_id: str,
        replies: list[Reply],
        template: dict[str, Any] | None = None,
        skip: int = 0,
        lang: str = "zh",
    ) -> None:
        deliver = self._senders.get(channel)
        if deliver is None:  # the channel may be configured again: retried, not dropped
            raise DeliveryFailed(f"channel {channel} is not configured", sent=skip)
        await deliver(user_id, replies, template, skip, lang)
