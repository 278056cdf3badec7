"""WeChat official account: ``GET /wechat`` (server verification) and ``POST /wechat``
(messages and events, plaintext or AES safe mode).

WeChat waits 5 s for the passive reply and then retries the same message: a turn that gets to
its answer within the budget answers passively; a slower one answers ``success`` at once and
its replies follow as customer-service messages (``bots.wechat_answer``: the turn pushes them
before its store commit). Retries are recognised by MsgId (events: FromUserName + CreateTime +
Event) through the conversation store's claim, across processes with Redis; a retry is
answered passively again (WeChat did not get that answer, or it would not retry) and sends
only the customer-service texts an earlier attempt did not (``WeChatBot._reply``,
``FollowUps.push``).

WeChat never sends a message again once it was answered ``success``, so such a message is
this process's to finish: a person's messages are taken in the order they came (one waits for
the one before it, instead of for the person's lock, where it could give up while a slow turn
ran on), a turn that fails is tried again as a retry would be (``ATTEMPTS``: the claim makes
that safe, a turn committed once is answered, not run twice), and a message still not done is
answered with ``NOT_DONE`` (``bots.wechat_answer``), so nobody's step — paying for a placed
order — is lost in silence.
Before that, ``bots.wechat_replay`` refuses stale timestamps and signatures lifted onto other
content — the latter, for a request that carries a message, in the step that claims the
message (``ConversationStore.begin`` with the request's ``Nonce``: one Redis round trip for
both), answered 403 when the turn is refused so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from bots.channel import Capabilities, Channel, Delivered, Handle, Host, Resources
from bots.wechat_answer import ANSWERED, FollowUps, TurnAnswer
from bots.wechat_api import TokenCache, WeChatApi
from bots.wechat_events import CHANNEL, to_event
from bots.wechat_qr import QrInvitations
from bots.wechat_replay import REPLAYED, ReplayGuard
from bots.wechat_send import deliver, passive_xml, render_texts
from bots.wechat_templates import TemplateMessages, load_templates
from bots.wechat_xml import DtdRefused, ParseError, read_message
from conversations.engine import Handled
from conversations.events import Inbound
from conversations.replies import Reply
from conversations.services.notices import Notice
from domain.errors import DeliveryFailed
from domain.referrals import InviteLink

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
SUCCESS = "success"
ATTEMPTS = 4
"""How often a message is tried before ``NOT_DONE``: once, and as often again as WeChat retries
one (3 times) when it does not get an answer."""
RETRY_PAUSE_S = 1.0
"""The pause before a message is tried again, longer by as much each time."""


class WeChatSettings(Protocol):
    """What the WeChat channel reads of the settings (``DAOJIA_WECHAT_*``)."""

    wechat_appid: str | None
    wechat_secret: SecretStr | None
    wechat_token: SecretStr | None
    wechat_aes_key: SecretStr | None
    wechat_api_base: str
    wechat_qr_base: str
    wechat_replay_window_s: int
    wechat_templates: Path | None


class WeChatBot(Channel):
    """The ``/wechat`` routes and the customer-service sender for WeChat users."""

    name = CHANNEL
    capabilities = Capabilities(
        buttons=False,  # numbered choices, answered by number or word (bots.render.as_text)
        location=True,
        contact=False,
        payments="wechat_pay",  # JSAPI inside WeChat (bots.wechat_pay)
        template_messages=True,
        passive_replies=True,
        notice_overrides="wechat",
    )

    def __init__(
        self,
        *,
        token: str,
        appid: str,
        secret: str,
        aes_key: str | None,
        api_base: str,
        replay_window_s: int,
        handle: Handle,
        rejected: Callable[[str], None],
        clock: Callable[[], datetime],
        budget_s: float = 3.5,
        retry_pause_s: float = RETRY_PAUSE_S,
        language: Callable[[str, str], Awaitable[str]] | None = None,
        delivered: Delivered | None = None,
        templates: TemplateMessages | None = None,
        qr_base: str = "https://mp.weixin.qq.com/cgi-bin/",
    ) -> None:
        self._token = token
        self._appid, self._secret, self._api_base = appid, secret, api_base
        self._crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None
        self._replay_window_s = replay_window_s
        self.api: WeChatApi | None = None  # made at start, when the HTTP session exists
        self.replay: ReplayGuard | None = None  # made at start, when Redis is connected
        self._qr_base = qr_base
        self.invitations: QrInvitations | None = None  # made at start, with the API client
        self._handle = handle
        self._rejected = rejected
        self._clock = clock
        self.budget_s = budget_s
        self.retry_pause_s = retry_pause_s
        self.follow_ups = FollowUps(language, delivered)
        self._latest: dict[str, asyncio.Task[Handled]] = {}  # each person's last message
        self._templates = templates
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def configure(cls, settings: WeChatSettings, host: Host) -> WeChatBot | None:
        """The official account of ``DAOJIA_WECHAT_APPID`` (off when unset)."""
        if settings.wechat_appid is None:
            return None
        assert settings.wechat_token and settings.wechat_secret  # required with an appid
        aes = settings.wechat_aes_key.get_secret_value() if settings.wechat_aes_key else None
        return cls(
            token=settings.wechat_token.get_secret_value(),
            appid=settings.wechat_appid,
            secret=settings.wechat_secret.get_secret_value(),
            aes_key=aes,
            api_base=settings.wechat_api_base,
            replay_window_s=settings.wechat_replay_window_s,
            handle=host.handle,
            rejected=host.rejected,
            clock=host.clock,
            language=host.language,
            delivered=host.delivered,
            templates=TemplateMessages(
                load_templates(settings.wechat_templates), ZoneInfo(host.timezone), host.clock
            ),
            qr_base=settings.wechat_qr_base,
        )

    def setup(self, app: web.Application) -> None:
        app.router.add_get("/wechat", self.verify)
        app.router.add_post("/wechat", self.receive)

    async def start(self, resources: Resources) -> None:
        """The API client, on an HTTP session of its own, with the access token shared
        through Redis when configured; the replay guard, its memory likewise."""
        self._session = aiohttp.ClientSession()
        self.api = WeChatApi(
            base=self._api_base,
            appid=self._appid,
            secret=self._secret,
            session=self._session,
            tokens=TokenCache(self._appid, resources.redis),
        )
        self.replay = ReplayGuard(
            resources.nonce_memory(), window_s=self._replay_window_s, clock=self._clock
        )
        self.invitations = QrInvitations(self.api, self._qr_base, resources.redis)
        self.follow_ups.api = self.api

    async def stop(self) -> None:
        """Wait for slow turns and follow-up sends, then close the HTTP session."""
        try:
            await self.drain()
        finally:
            if self._session is not None:
                await self._session.close()

    def _signed(self, request: web.Request) -> bool:
        q = request.query
        try:
            check_signature(
                self._token, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", "")
            )
        except InvalidSignatureException:
            return False
        return True

    def _refuse(self, refusal: web.HTTPClientError | None) -> None:
        if refusal is not None:
            self._rejected(self.name)
            raise refusal

    def _authentic(self, request: web.Request) -> ReplayGuard:
        """Refuse a bad signature, then a timestamp outside the replay window."""
        if not self._signed(request):
            self._refuse(web.HTTPForbidden(text="bad signature"))
        assert self.replay is not None
        self._refuse(self.replay.stale(request))
        return self.replay

    async def verify(self, request: web.Request) -> web.Response:
        replay = self._authentic(request)
        self._refuse(await replay.replayed(request, b""))
        return web.Response(text=request.query.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.Response:
        replay = self._authentic(request)
        if request.content_length is not None and request.content_length > MAX_BODY:
            self._rejected(self.name)
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_BODY, actual_size=request.content_length
            )
        body = await request.read()
        if len(body) > MAX_BODY:
            self._rejected(self.name)
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=len(body))
        msg = self._parse(request, body)
        try:
            event = to_event(msg, self._clock())
        except (ValueError, TypeError):
            self._refuse(await replay.replayed(request, body))  # a replay is refused as such
            self._rejected(self.name)
            raise web.HTTPBadRequest(text="not a WeChat message") from None
        if event is None:
            self._refuse(await replay.replayed(request, body))
            return web.Response(text=SUCCESS)
        # the replay memory is asked with the message's claim: one Redis round trip for both
        event = replace(event, nonce=replay.nonce(request, body))
        answer = TurnAnswer(self.api, self.follow_ups.pushes, event.user_id, self.budget_s)
        task = self._in_order(event, answer)
        try:
            return await self._reply(request, msg, event, task, answer)
        finally:
            answer.replied.set()

    async def _reply(
        self,
        request: web.Request,
        msg: Any,
        event: Inbound,
        task: asyncio.Task[Handled],
        answer: TurnAnswer,
    ) -> web.Response:
        """Passively, with the text the turn hands over or the answer it ends with, within
        the budget; else ``success`` (the turn's answer then goes by customer service)."""
        waiting: set[asyncio.Future[Any]] = {task, answer.passive}
        await asyncio.wait(waiting, timeout=self.budget_s, return_when=asyncio.FIRST_COMPLETED)
        if not answer.passive.done() and not task.done():
            answer.late = True
        if answer.late or answer.passive.done():  # the turn goes on, or has pushed the rest
            self.follow_ups.after(task, event, answer)
            if answer.late:
                return web.Response(text=SUCCESS)
            return self._passive(request, msg, answer.passive.result())
        handled = task.result()
        if handled.status == "replayed":  # counted as ``rejected`` with the turn
            raise web.HTTPForbidden(text=REPLAYED)
        if handled.status not in ANSWERED or not handled.replies:
            return web.Response(text=SUCCESS)
        texts = answer.texts or render_texts(handled.replies, handled.lang)  # a duplicate's
        # a duplicate's texts after the first that an earlier attempt did not push (its
        # ``sent`` counts those after the first): a turn pushed its own through ``deliver``
        if handled.status == "duplicate" and len(texts) > 1 + handled.sent:
            self.follow_ups.spawn(self.follow_ups.push(event, handled, texts, passive=True))
        return self._passive(request, msg, texts[0])

    def _in_order(self, event: Inbound, answer: TurnAnswer) -> asyncio.Task[Handled]:
        """The turn of ``event``, begun once the person's message before it is done."""
        before = self._latest.get(event.user_id)
        task = asyncio.ensure_future(self._turn(before, event, answer))
        self._latest[event.user_id] = task

        def forget(done: asyncio.Task[Handled]) -> None:
            if self._latest.get(event.user_id) is done:
                del self._latest[event.user_id]

        task.add_done_callback(forget)
        return task

    async def _turn(
        self, before: asyncio.Task[Handled] | None, event: Inbound, answer: TurnAnswer
    ) -> Handled:
        try:
            if before is not None:
                await asyncio.wait({before})  # its outcome is its own request's
            return await self._attempts(event, answer)
        except BaseException:  # never done (``NOT_DONE``, or a 500): counted, once
            self._rejected(self.name)
            raise

    async def _attempts(self, event: Inbound, answer: TurnAnswer) -> Handled:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._handle(event, answer.deliver)
            except (web.HTTPServiceUnavailable, asyncio.CancelledError):
                raise  # stopping: not tried again here
            except Exception as exc:
                if attempt == ATTEMPTS:
                    raise
                log.warning(
                    "wechat turn for %s failed (attempt %d), trying again: %s",
                    event.user_id,
                    attempt,
                    type(exc).__name__,
                )
            await asyncio.sleep(self.retry_pause_s * attempt)
        raise AssertionError("unreachable")

    def _parse(self, request: web.Request, body: bytes) -> Any:
        """The message of a POST; a DTD (in the body, or in the message a safe-mode body
        carries) or malformed XML is a 400, a bad message signature a 403."""
        try:
            return read_message(body, self._crypto, request.query)
        except DtdRefused:
            self._rejected(self.name)
            raise web.HTTPBadRequest(text="DTDs are not accepted") from None
        except (InvalidSignatureException, InvalidAppIdException):
            self._rejected(self.name)
            raise web.HTTPForbidden(text="bad message signature") from None
        except (ParseError, ValueError, KeyError, TypeError):  # UnicodeDecodeError too
            self._rejected(self.name)
            raise web.HTTPBadRequest(text="malformed XML") from None

    def _passive(self, request: web.Request, msg: Any, text: str) -> web.Response:
        xml = passive_xml(msg, text)
        if self._crypto is not None and request.query.get("encrypt_type") == "aes":
            xml = self._crypto.encrypt_message(
                xml, request.query.get("nonce", ""), request.query.get("timestamp", "")
            )
        return web.Response(text=xml, content_type="application/xml")

    def prepare(self, notice: Notice, user_id: str, lang: str) -> dict[str, Any] | None:
        """The template message configured for the notice's event (``DAOJIA_WECHAT_TEMPLATES``),
        kept with the notice in the outbox, or None."""
        return self._templates.render(notice, user_id, lang) if self._templates else None

    async def send(
        self,
        user_id: str,
        replies: list[Reply],
        *,
        skip: int = 0,
        lang: str = "zh",
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Customer-service texts or a template message (``bots.wechat_send.deliver``)."""
        if self.api is None:
            raise DeliveryFailed("WeChat API client is not started", sent=skip)
        await deliver(self.api, user_id, replies, skip=skip, lang=lang, extra=extra)

    async def invite_link(self, scene: str) -> InviteLink | None:
        """A parametric QR code: following the account by scanning it sends ``subscribe``
        with the scene, read as ``/start <scene>`` (``bots.wechat_events``)."""
        if self.invitations is None:
            return None
        return InviteLink(await self.invitations.url(scene), qr=True)

    async def download(self, ref: str) -> bytes:
        """The bytes of a photo sent to the official account (``MediaId|PicUrl``)."""
        assert self.api is not None
        return await self.api.download_media(ref.split("|", 1)[0])

    async def drain(self) -> None:
        """Wait for slow turns and follow-up sends (tests, graceful shutdown)."""
        await self.follow_ups.drain()
