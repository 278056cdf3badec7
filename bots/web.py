"""The web chat: the demo's home page (under ``serve`` only with ``DAOJIA_WEB_CHAT``) and a
JSON API for the chat window.

The browser holds a signed cookie naming its web user; messages go in with
``POST /web/api/send`` and replies come back in the response; messages sent outside a turn
(a payment confirmed on the pay page, later a worker's arrival) wait in an outbox that the page
polls with ``GET /web/api/poll`` — one role's (``?role=``) or, as the page does, every pane's at
once (``?roles=customer,worker,admin``), so a hidden pane gets its notices too. New web users
and messages are also counted per client address (``bots.web_address``), so dropping the
cookie resets no limit.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from aiohttp import web
from redis.exceptions import RedisError

from bots.channel import Capabilities, Channel, Host, Resources
from bots.render import to_json
from bots.web_address import HOUR_KEEP_S, MINUTE_KEEP_S, AddressLimits
from bots.web_messages import MAX_TEXT as MAX_TEXT  # the chat window's, for tests
from bots.web_messages import ROLES, to_event
from bots.web_outbox import WebOutbox
from bots.web_uploads import Uploads
from conversations.engine import TOO_MANY, Handled
from conversations.events import (
    Inbound,
    PhotoReceived,
)
from conversations.replies import Reply, Say
from domain.errors import DeliveryFailed
from domain.media import NOT_A_PHOTO, photo_type
from domain.referrals import InviteLink
from domain.risk import RateVerdict
from domain.rules import RiskRules
from domain.text import clean

log = logging.getLogger(__name__)
COOKIE = "daojia_web"
STATIC = Path(__file__).with_name("web_static")
STATIC_ROUTE = "web_static"


class WebSettings(Protocol):
    """What the web chat reads of the settings."""

    media_dir: Path

    def web_chat_on(self, demo: bool) -> bool:
        """``DAOJIA_WEB_CHAT``, else on only in the demo."""
        ...

    def sandbox_on(self, demo: bool) -> bool: ...

    @property
    def wechat_pay_enabled(self) -> bool: ...


class WebChannel(Channel):
    """Routes of the web chat; ``handle`` runs one inbound event through the engine."""

    name = "web"
    capabilities = Capabilities(
        buttons=True,
        location=True,
        contact=True,
        payments="wechat_pay",  # a Native QR code on the pay page (bots.wechat_pay)
        template_messages=False,
        passive_replies=True,  # a turn's replies come back in the JSON response
        notice_overrides="telegram",  # the web chat shows what Telegram shows
    )

    def __init__(
        self,
        *,
        secret: bytes,
        handle: Callable[[Inbound], Awaitable[Handled]],
        clock: Callable[[], datetime],
        outbox: WebOutbox,
        rejected: Callable[[str], None] = lambda channel: None,
        uploads: Uploads | None = None,
        address_secret: bytes = b"",
        risk: RiskRules | None = None,
        demo: bool = True,
        public_url: str = "http://127.0.0.1:8080",
    ) -> None:
        self._secret = secret
        self._handle = handle
        self._clock = clock
        self._rejected = rejected
        self.outbox = outbox
        self.uploads = uploads
        self._address_secret = address_secret
        self._risk = risk
        self.limits: AddressLimits | None = None
        """Per client address counts (made at start with ``risk``; None: not limited)."""
        self.demo = demo
        """The page shows its guide to the demo's roles (under ``serve`` the admin pane is a
        customer's, so there is nothing to guide)."""
        self._page: bytes | None = None
        self._public_url = public_url.rstrip("/")

    @classmethod
    def configure(cls, settings: WebSettings, host: Host) -> WebChannel | None:
        """The web chat when ``DAOJIA_WEB_CHAT`` (or the demo) turns it on."""
        if not settings.web_chat_on(host.demo):
            return None
        if not settings.wechat_pay_enabled and not settings.sandbox_on(host.demo):
            log.warning(
                "DAOJIA_WEB_CHAT is on but no payment provider serves it (WeChat Pay): web "
                "customers are told online payment is not available"
            )
        return cls(
            secret=host.secret("web-cookie"),
            handle=host.handle,
            clock=host.clock,
            outbox=WebOutbox(),
            rejected=host.rejected,
            uploads=Uploads(settings.media_dir),
            address_secret=host.secret("web-address"),
            risk=host.risk,
            demo=host.demo,
            public_url=host.public_url,
        )

    def setup(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_get("/web/api/poll", self.poll)
        app.router.add_post("/web/api/send", self.receive)
        app.router.add_post("/web/api/photo", self.photo)
        app.router.add_static("/static/", STATIC, name=STATIC_ROUTE, append_version=True)

    async def start(self, resources: Resources) -> None:
        """The outbox and the per-address counters in Redis when configured (shared by every
        process), else in this process."""
        if resources.redis is not None:
            self.outbox = WebOutbox(resources.redis, resources.sealer)
        if self._risk is not None:
            self.limits = AddressLimits(
                secret=self._address_secret,
                minute=resources.rate_limiter(MINUTE_KEEP_S),
                hour=resources.rate_limiter(HOUR_KEEP_S),
                risk=self._risk,
                clock=self._clock,
            )

    async def invite_link(self, scene: str) -> InviteLink | None:
        """The chat page with the scene: a browser new to it starts with ``/start <scene>``
        (``web_static/chat.js``)."""
        return InviteLink(f"{self._public_url}/?start={quote(scene, safe='')}")

    def _sign(self, uid: str) -> str:
        return hmac.new(self._secret, uid.encode(), hashlib.sha256).hexdigest()[:32]

    def _user(self, request: web.Request) -> str | None:
        value = request.cookies.get(COOKIE, "")
        uid, _, sig = value.partition(".")
        # ASCII only (a cookie's bytes that are not UTF-8 arrive as lone surrogates, and
        # ``compare_digest`` compares no other str): we never set anything else
        if uid and value.isascii() and hmac.compare_digest(sig, self._sign(uid)):
            return uid
        return None

    def page(self, app: web.Application) -> bytes:
        """The chat page: its script and style linked by versioned URLs (a browser never runs
        an older script against a newer page), its demo guide on only in the demo."""
        if self._page is None:
            html = (STATIC / "index.html").read_text("utf-8")
            static = app.router[STATIC_ROUTE]
            for name in ("chat.js", "chat.css"):
                html = html.replace(f'"/static/{name}"', f'"{static.url_for(filename=name)}"')
            if not self.demo:
                html = html.replace('data-demo="true"', 'data-demo="false"', 1)
            self._page = html.encode()
        return self._page

    async def index(self, request: web.Request) -> web.StreamResponse:
        response = web.Response(
            body=self.page(request.app),
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )
        if self._user(request) is None:
            wait = await self.limits.new_chat(request.remote) if self.limits else 0
            if wait:
                return _too_many_chats(request, wait)
            uid = secrets.token_hex(8)
            response.set_cookie(
                COOKIE,
                f"{uid}.{self._sign(uid)}",
                httponly=True,
                samesite="Strict",
                max_age=30 * 86400,
            )
        return response

    async def poll(self, request: web.Request) -> web.Response:
        uid = self._user(request)
        if uid is None:
            raise web.HTTPUnauthorized(text="reload the page")
        if "roles" in request.query:  # every pane's at once: {"roles": {role: [...]}}
            roles = list(dict.fromkeys(request.query["roles"].split(",")))
            if any(role not in ROLES for role in roles):
                raise web.HTTPBadRequest(text="unknown role")
            waiting = {role: await self.outbox.pop_all(f"{uid}-{role}") for role in roles}
            return web.json_response({"roles": waiting})
        role = request.query.get("role", "customer")
        if role not in ROLES:
            raise web.HTTPBadRequest(text="unknown role")
        return web.json_response({"replies": await self.outbox.pop_all(f"{uid}-{role}")})

    async def receive(self, request: web.Request) -> web.Response:
        """``POST /web/api/send``: a message from the chat window, answered in the response."""
        uid = self._user(request)
        if uid is None:
            raise web.HTTPUnauthorized(text="reload the page")
        try:
            body = await request.json()
        except (ValueError, LookupError, RecursionError):  # not JSON, an unknown charset,
            raise web.HTTPBadRequest(text="body must be JSON") from None  # or nested too deep
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        event = self._event(uid, body)
        if event is None:
            raise web.HTTPBadRequest(text="unknown message")
        if not await self._address_allows(request, event.user_id, event.lang_hint):
            return web.json_response({"status": "rejected", "replies": []})
        return await self._turn(event)

    async def photo(self, request: web.Request) -> web.Response:
        """A photo from the browser (multipart field ``photo``), as a PhotoReceived event: bytes
        that are no photo we accept (JPEG, PNG, WebP, GIF by their content; empty) are refused
        with a 415 and its reply, and nothing is written; a photo is kept in ``uploads/`` only
        for its turn (``bots.web_uploads``)."""
        uid = self._user(request)
        if uid is None or self.uploads is None:
            raise web.HTTPUnauthorized(text="reload the page")
        try:
            form = await request.post()
        except (ValueError, LookupError):  # not a form; a part in an unknown charset
            raise web.HTTPBadRequest(text="expected a multipart form") from None
        upload, role = form.get("photo"), str(form.get("role", "customer"))
        if role not in ROLES or not isinstance(upload, web.FileField):
            raise web.HTTPBadRequest(text="expected a photo")
        lang_hint = str(form.get("lang", ""))
        if not await self._address_allows(request, f"{uid}-{role}", lang_hint):
            return web.json_response({"status": "rejected", "replies": []})
        data = upload.file.read()
        if photo_type(data) is None:  # refused before anything is written
            reply = Say(NOT_A_PHOTO.get(_lang(lang_hint)))
            return web.json_response(
                {"status": "refused", "replies": [to_json(reply)]},
                status=web.HTTPUnsupportedMediaType.status_code,
            )
        ref = self.uploads.keep(data, self._clock())
        event = PhotoReceived(
            channel=self.name,
            user_id=f"{uid}-{role}",
            at=self._clock(),
            message_id=clean(str(form.get("id", "")))[:64] or secrets.token_hex(8),
            role=role,
            ref=ref,
        )
        try:
            return await self._turn(event)
        finally:  # the turn took the photo it used; nothing may take it after the turn
            self.uploads.discard(ref)

    async def _turn(self, event: Inbound) -> web.Response:
        """The turn's answer; a turn that fails (a 500) counts its message ``rejected``."""
        try:
            handled = await self._handle(event)
        except BaseException:
            self._rejected(self.name)
            raise
        return web.json_response(
            {"status": handled.status, "replies": [to_json(r) for r in handled.replies]}
        )

    async def _address_allows(self, request: web.Request, user_id: str, lang_hint: str) -> bool:
        """Count the message against its client address; over the limit it is not processed
        (``rejected``) and the first one of the minute gets the warning by poll, in the
        browser's language (``lang_hint``: the page sends ``navigator.language``)."""
        if self.limits is None:
            return True
        verdict = await self.limits.message(request.remote)
        if verdict is RateVerdict.ALLOW:
            return True
        self._rejected(self.name)
        if verdict is RateVerdict.WARN:
            await self.push(user_id, [Say(TOO_MANY.get(_lang(lang_hint)))])
        return False

    def _event(self, uid: str, body: dict[str, Any]) -> Inbound | None:
        """The event a JSON message of web user ``uid`` stands for, or None when it is not
        one (``bots.web_messages``)."""
        return to_event(uid, body, self._clock())

    async def push(self, user_id: str, replies: list[Reply]) -> None:
        await self.outbox.push(user_id, [to_json(r) for r in replies])

    async def send(
        self,
        user_id: str,
        replies: list[Reply],
        *,
        skip: int = 0,
        lang: str = "zh",
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Queue replies for the page's next poll (one part per reply)."""
        try:
            await self.push(user_id, replies[skip:])
        except (RedisError, OSError) as exc:
            raise DeliveryFailed(repr(exc), sent=skip) from exc

    async def download(self, ref: str) -> bytes:
        """A photo the browser uploaded (``POST /web/api/photo``)."""
        if self.uploads is None:
            return await super().download(ref)
        return self.uploads.take(ref)


def _lang(hint: str) -> str:
    """The language of a reply outside a turn: the browser's (``navigator.language``)."""
    return "en" if hint.lower().startswith("en") else "zh"


def _too_many_chats(request: web.Request, wait_s: int) -> web.Response:
    """429 for a new web user over the client address's hourly limit (in the browser's
    language)."""
    if request.headers.get("Accept-Language", "").lower().startswith("en"):
        text = "Too many new chats from your network this hour. Please try again later."
    else:
        text = "您所在网络本小时新开的对话太多,请稍后再试。"
    return web.Response(status=429, text=text, headers={"Retry-After": str(wait_s)})
