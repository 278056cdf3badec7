"""The channel interface: what a chat platform adapter is to the rest of daojia (errbot's
``backends/base.py`` ``Backend``).

A channel is one module in ``bots/`` with one class deriving from ``Channel``, and one line in
the composition root's registry (``webhooks.channels.ADAPTERS``). Everything about the
platform stays inside the adapter:

- **made from settings**: ``configure(settings, host)`` reads the channel's own settings and
  returns the adapter, or None when it is not configured (then it serves nothing);
- **routes**: ``setup(app)`` adds its webhook routes; their handlers check the platform's
  authentication, parse its payloads into neutral events (``conversations.events``) inside
  the adapter, hand each to ``Host.handle`` and answer the platform in its own way (on the
  webhook response, passively within a time budget, in a JSON reply);
- **out**: ``send`` delivers neutral replies to a person outside their turn (the outbox's
  notices); ``prepare`` may keep something of its own with a notice when it is written (WeChat
  keeps its template message), handed back to ``send`` as ``extra``;
- **media**: ``download(ref)`` returns the bytes of a photo a person sent on it;
- **invitations**: ``invite_link(scene)`` makes the link (or QR code) that starts a new
  person's conversation with ``/start <scene>`` (a referral);
- **capabilities**: what the rest of the product reads instead of testing the channel name;
- **lifecycle**: ``start(resources)`` once the shared resources are up, ``stop()`` at the end.

What a channel pushes of a turn's answer by API call, besides its webhook response, goes
through ``Pushes``: the one loop that sends the parts and counts them, and the note of how
far a retry's pushes got.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol, Self, TypeVar

import redis.asyncio as aioredis
from aiohttp import web

from conversations.engine import Deliver, Handled
from conversations.events import Inbound
from conversations.replies import Reply
from conversations.services.notices import Notice
from domain.errors import DomainError
from domain.privacy import Sealer
from domain.referrals import InviteLink
from domain.rules import RiskRules
from domain.text import N_
from domain.turns import NonceMemory, RateLimiter

log = logging.getLogger(__name__)
P = TypeVar("P")
Delivered = Callable[[Inbound, int], Awaitable[None]]
"""``Host.delivered``: notes that the first n parts of an event's answer were pushed."""


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can do, as the rest of the product asks it."""

    buttons: bool
    """Choices show as buttons the person presses (inline keyboards); else as numbered text
    ("回复 1 …") the person answers by number or word."""
    location: bool
    """A person can share a location (check-in, an address on the map)."""
    contact: bool
    """A person can share their phone number with one tap."""
    payments: str | None
    """The payment provider (``PaymentGateway.name``) its customers pay with when that
    provider runs; else the sandbox where it runs, else none (``webhooks.payments``)."""
    template_messages: bool
    """Notices may go as platform template messages, kept with the notice by ``prepare``."""
    passive_replies: bool
    """A turn's answer rides on the webhook response (no API call of its own)."""
    notice_overrides: str
    """Whose channel-specific notice templates it shows (``templates/notify/<this>/``)."""


class Handle(Protocol):
    def __call__(self, event: Inbound, deliver: Deliver | None = None) -> Awaitable[Handled]:
        """Run one neutral event through the chat (turn, metrics) and return its answer;
        ``deliver`` pushes the channel's part of it before the conversation store's commit,
        which notes how much went out (``Engine.handle``)."""
        ...


@dataclass(frozen=True)
class Host:
    """What the composition root lends every channel when it is made."""

    handle: Handle
    """Runs one neutral event through the chat (turn, metrics) and returns its answer."""
    rejected: Callable[[str], None]
    """Counts a refused webhook message of a channel (``daojia_messages_total``)."""
    check_payment: Callable[[str, int], Awaitable[str | None]]
    """Whether the payment request ``reference`` is still payable at this amount (fen):
    None, or why not (a payment the chat itself collects, checked before it is charged)."""
    clock: Callable[[], datetime]
    secret: Callable[[str], bytes]
    """A key for one purpose, derived from the PII key (one secret to keep)."""
    timezone: str
    """The business timezone, for times a channel renders itself."""
    currency: str
    risk: RiskRules
    """The catalog's risk rules (the web chat's per-address limits)."""
    public_url: str
    demo: bool
    """``daojia demo``: what only the demo has unless settings say otherwise."""
    register_webhooks: bool
    """``daojia serve``: tell the platform where to deliver (Telegram ``setWebhook``)."""
    delivered: Delivered | None = None
    """Notes that the first n parts of an event's answer, in the channel's own count
    (``Deliver``), were pushed by the channel for a ``duplicate`` (a turn's own pushes ride on
    its commit): a retry of the event comes back as ``duplicate`` with ``sent`` n."""
    language: Callable[[str, str], Awaitable[str]] | None = None
    """(channel, user id) → the language the person chats in ("zh" when unknown): for what a
    channel says on its own, outside a turn."""


@dataclass(frozen=True)
class Resources:
    """The shared resources a channel may use once the application has started them."""

    redis: aioredis.Redis | None
    """Redis when configured (then every process shares what a channel keeps there)."""
    sealer: Sealer
    rate_limiter: Callable[[int], RateLimiter]
    """Counters per time window, kept the given seconds (shared through Redis if any)."""
    nonce_memory: Callable[[], NonceMemory]
    """Memory of signed requests (shared through Redis if any)."""


class Channel(ABC):
    """One chat platform. Subclasses set ``name`` and ``capabilities`` and implement
    ``configure``, ``setup`` and ``send``; the other methods have defaults."""

    name: ClassVar[str]
    """The channel's name in identities, outbox rows, metrics and ``DAOJIA_ADMINS``."""
    capabilities: ClassVar[Capabilities]

    @classmethod
    @abstractmethod
    def configure(cls, settings: Any, host: Host) -> Self | None:
        """The adapter made from ``settings`` (each adapter names the settings it reads with
        a Protocol that ``webhooks.settings.Settings`` satisfies), or None when the channel
        is not configured."""

    @abstractmethod
    def setup(self, app: web.Application) -> None:
        """Add the channel's routes."""

    async def start(self, resources: Resources) -> None:  # noqa: B027 - optional hook
        """Connect (HTTP sessions, the platform's API); called once the resources are up and
        before the server accepts requests or the outbox sends."""

    async def stop(self) -> None:  # noqa: B027 - optional hook
        """Finish what is in flight and close connections (in reverse order of start)."""

    @abstractmethod
    async def send(
        self,
        user_id: str,
        replies: list[Reply],
        *,
        skip: int = 0,
        lang: str = "zh",
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Deliver ``replies`` to ``user_id`` outside their turn, from part ``skip`` on (the
        parts an earlier attempt sent are not sent again); ``extra`` is what ``prepare``
        kept with the notice. Raises ``DeliveryFailed`` saying how many parts went out."""

    def prepare(self, notice: Notice, user_id: str, lang: str) -> dict[str, Any] | None:
        """What this channel keeps with ``notice`` for ``user_id`` when it is written to the
        outbox (JSON-able, opaque to everyone else), or None."""
        return None

    async def download(self, ref: str) -> bytes:
        """The bytes of a photo a person sent (``PhotoReceived.ref``)."""
        raise DomainError(N_("{name} 暂不支持发送照片", name=self.name))

    async def invite_link(self, scene: str) -> InviteLink | None:
        """The invitation that brings a new person here with ``scene`` (``ref_<code>``) as
        their first ``/start`` argument — a link to share or a QR code to scan — or None
        where the channel has none."""
        return None


class Pushes:
    """A channel's pushes of answers by API call, besides its webhook response: each part is
    sent whatever became of the ones before (the person reads what can reach them; the
    platform sends a message again only when it did not get the webhook response either),
    and counted, in the channel's own units (``Deliver``), up to the first that failed. A
    failure of ``errors`` (the platform refused, or did not answer) is logged; any other
    is raised (from a turn's ``Deliver``, it fails the turn: the retry sends it all again).

    A duplicate's pushes are noted (``Host.delivered``: a round trip of its own) on a task
    kept in ``notes`` until it ends (the channel's ``drain`` waits for them), so that no
    webhook response waits for the note."""

    def __init__(
        self, channel: str, errors: tuple[type[Exception], ...], delivered: Delivered | None
    ) -> None:
        self._channel = channel
        self._errors = errors
        self._delivered = delivered
        self.notes: set[asyncio.Task[None]] = set()
        """The notes under way (the loop keeps only a weak reference to a task)."""

    async def push(
        self,
        send: Callable[[str, P], Awaitable[object]],
        user_id: str,
        parts: Sequence[P],
        sent: int = 0,
        lead: Sequence[P] = (),
    ) -> int:
        """Send ``parts`` to ``user_id`` from part ``sent`` on (the first ``sent`` went out
        before), after ``lead`` (sent too, never counted: WeChat's first text when it could
        not be the passive reply); how many of ``parts`` have now gone out, the first
        ``sent`` included, up to the first that failed (a failed ``lead`` counts none)."""
        batch = parts[sent:] if sent else parts
        if lead:
            batch = [*lead, *batch]
        went = len(batch)
        for done, part in enumerate(batch):
            try:
                await send(user_id, part)
            except self._errors as exc:
                log.warning("%s push %d to %s failed: %s", self._channel, done, user_id, exc)
                went = min(went, done)
        return sent + max(0, went - len(lead))

    async def rest(
        self,
        send: Callable[[str, P], Awaitable[object]],
        event: Inbound,
        parts: Sequence[P],
        sent: int,
        lead: Sequence[P] = (),
    ) -> None:
        """A duplicate's push (``push``, from its ``Handled.sent`` on): what an earlier
        attempt did not send; when that sent any, the new count is noted on its own task."""
        pushed = await self.push(send, event.user_id, parts, sent, lead)
        if pushed > sent and self._delivered is not None:
            task = asyncio.ensure_future(self._note(self._delivered, event, pushed))
            self.notes.add(task)
            task.add_done_callback(self.notes.discard)

    async def _note(self, delivered: Delivered, event: Inbound, sent: int) -> None:
        """Best effort: the parts went out; a retry would only send them again."""
        try:
            await delivered(event, sent)
        except Exception as exc:
            log.warning(
                "%s:%s's pushes not noted: %s", event.channel, event.user_id, type(exc).__name__
            )
