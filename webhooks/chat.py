"""Wiring of the chat path: the engine with metrics around it, and the messenger that sends
to a person outside a conversation turn through the channel serving them."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import Any, Protocol

from aiohttp import web

from conversations.engine import Deliver, Engine, Handled
from conversations.events import Inbound
from conversations.replies import Reply
from conversations.services.notices import Notice
from domain.errors import DeliveryFailed
from domain.privacy import loggable_traceback
from webhooks.channels import Channels
from webhooks.metrics import Metrics

log = logging.getLogger(__name__)
TURN_GRACE_S = 10.0
"""How long a stopping process lets the chat turns in flight finish before cancelling them."""
ABORT_WAIT_S = 5.0
"""How long it then waits for the cancelled turns to hand their messages back."""


class Turns:
    """The chat turns running now, so that a stopping process can let them finish.

    ``finish`` (at shutdown) refuses new turns, waits up to ``grace_s`` for those in flight
    and cancels the rest. The engine aborts a cancelled turn: its message is released, not
    marked done, so the platform's retry is processed by another process (or this one after a
    restart) instead of being dropped as a duplicate.
    """

    def __init__(self, grace_s: float = TURN_GRACE_S, abort_wait_s: float = ABORT_WAIT_S) -> None:
        self.grace_s = grace_s
        self.abort_wait_s = abort_wait_s
        self.stopping = asyncio.Event()
        self._running: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> asyncio.Task[Any]:
        """Count the current task as a turn; refused (503: the platform retries, elsewhere)
        once the process is stopping."""
        if self.stopping.is_set():
            raise web.HTTPServiceUnavailable(text="shutting down")
        task = asyncio.current_task()
        assert task is not None, "a turn runs in a task"
        self._running.add(task)
        self._idle.clear()
        return task

    def leave(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if not self._running:
            self._idle.set()

    async def finish(self) -> None:
        """Refuse new turns; let those in flight finish within ``grace_s``, then cancel the
        rest and wait (at most ``abort_wait_s``) for them to abort."""
        self.stopping.set()
        if not self._running:
            return
        log.info(
            "stopping: waiting up to %.0f s for the turns in flight (%d)",
            self.grace_s,
            len(self._running),
        )
        if await _within(self._idle.wait(), self.grace_s):
            log.info("stopping: the turns in flight finished")
            return
        log.warning("stopping: cancelling %d turns still running", len(self._running))
        for task in self._running:
            task.cancel()
        if not await _within(self._idle.wait(), self.abort_wait_s):
            log.error("stopping: %d cancelled turns did not end", len(self._running))


async def _within(waiting: Awaitable[Any], seconds: float) -> bool:
    """Whether ``waiting`` ended within ``seconds`` (it is cancelled otherwise)."""
    task = asyncio.ensure_future(waiting)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
    return bool(done)


class Chat:
    """``handle`` runs one inbound event and counts it (``daojia_messages_total``: a turn
    refused as ``replayed`` is ``rejected``). A turn that raises is not counted here: the
    channel that carried the message counts it ``rejected``, once per message (WeChat tries a
    failed turn again within one request)."""

    def __init__(self, engine: Engine, metrics: Metrics, messenger: Messenger) -> None:
        self.engine = engine
        self.metrics = metrics
        self.messenger = messenger
        self.turns = Turns()

    async def handle(self, event: Inbound, deliver: Deliver | None = None) -> Handled:
        started = time.perf_counter()
        turn = self.turns.enter()
        try:
            handled = await self.engine.handle(event, deliver)
        finally:
            self.turns.leave(turn)
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

    async def delivered(self, event: Inbound, sent: int) -> None:
        """Note how many parts of ``event``'s answer a retry pushed (``Engine.delivered``).
        Best effort: the answer went out; a retry of it would only send those parts again."""
        try:
            await self.engine.delivered(event, sent)
        except Exception as exc:
            log.warning(
                "delivery of %s:%s's answer not noted: %s",
                event.channel,
                event.user_id,
                type(exc).__name__,
            )

    def rejected(self, channel: str) -> None:
        self.metrics.message(channel, "rejected")


EMAIL = "email"
SMS = "sms"


class EmailSender(Protocol):
    async def send(self, user_id: str, replies: list[Reply]) -> None: ...


class SmsSender(Protocol):
    """``webhooks.sms.SmsDelivery``: ``user_id`` names the SOS and the person, not a number."""

    async def send(self, user_id: str, replies: list[Reply]) -> None: ...


class Messenger:
    """The outbox's ``Sender``: sends replies to (channel, user id) through the channel that
    serves it (``webhooks.channels``); raises ``DeliveryFailed`` when the platform did not
    take them."""

    def __init__(self, channels: Channels) -> None:
        self.channels = channels
        self.mail: EmailSender | None = None
        """The email delivery (``DAOJIA_SMTP_URL``), for the outbox's ``email`` messages."""
        self.sms: SmsSender | None = None
        """The SMS delivery (``DAOJIA_SMS_API_BASE``; the sandbox in the demo), for the
        outbox's ``sms`` messages (an SOS told to an emergency contact)."""

    def prepare(
        self, channel: str, notice: Notice, user_id: str, lang: str
    ) -> dict[str, Any] | None:
        """What the channel keeps with a notice for its delivery (``Channel.prepare``): a
        WeChat template message, Telegram's "send it quietly"; most keep nothing."""
        serving = self.channels.get(channel)
        return serving.prepare(notice, user_id, lang) if serving is not None else None

    async def send(
        self,
        channel: str,
        user_id: str,
        replies: list[Reply],
        *,
        extra: dict[str, Any] | None = None,
        skip: int = 0,
        lang: str = "zh",
    ) -> None:
        if channel == EMAIL:
            if self.mail is None:  # mail may be configured again: retried, not dropped
                raise DeliveryFailed("email is not configured", sent=skip)
            await self.mail.send(user_id, replies)
            return
        if channel == SMS:
            if self.sms is None:  # SMS may be configured again: retried, not dropped
                raise DeliveryFailed("SMS is not configured", sent=skip)
            await self.sms.send(user_id, replies)
            return
        serving = self.channels.get(channel)
        if serving is None:  # the channel may be configured again: retried, not dropped
            raise DeliveryFailed(f"channel {channel} is not configured", sent=skip)
        await serving.send(user_id, replies, skip=skip, lang=lang, extra=extra)
