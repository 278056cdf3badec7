"""The web chat: the demo's home page (under ``serve`` only with ``DAOJIA_WEB_CHAT``) and a
JSON API for the chat window.

The browser holds a signed cookie naming its web user; messages go in with
``POST /web/api/send`` and replies come back in the response; messages sent outside a turn
(a payment confirmed on the pay page, later a worker's arrival) wait in an outbox that the page
polls with ``GET /web/api/poll``. New web users and messages are also counted per client
address (``bots.web_address``), so dropping the cookie resets no limit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from aiohttp import web
from redis.exceptions import RedisError

from bots.render import to_json
from bots.web_address import AddressLimits
from conversations.engine import TOO_MANY, Handled
from conversations.events import (
    ChoiceMade,
    CommandReceived,
    ContactShared,
    Inbound,
    LocationShared,
    PhotoReceived,
    TextReceived,
)
from conversations.replies import Reply, Say
from domain.errors import DeliveryFailed
from domain.privacy import Sealer
from domain.risk import RateVerdict
from domain.text import clean

COOKIE = "daojia_web"
STATIC = Path(__file__).with_name("web_static")
OUTBOX_MAX = 50
MAX_TEXT = 2000
"""The chat window's input takes 2000 characters, more than any typed field may keep
(``domain.limits``): a longer text is cut here and then refused by its step all the same."""
ROLES = ("customer", "worker", "admin")
OUTBOX_FIELD = "web.outbox"


class WebOutbox:
    """Messages waiting for a web user's next poll (a Redis list when configured, each item
    sealed with the PII key: a notice may name an address)."""

    def __init__(self, client: aioredis.Redis | None = None, cipher: Sealer | None = None) -> None:
        self._r = client
        self._cipher = cipher
        self._mem: defaultdict[str, deque[str]] = defaultdict(lambda: deque(maxlen=OUTBOX_MAX))

    async def push(self, user_id: str, items: list[dict[str, Any]]) -> None:
        data = [json.dumps(i, ensure_ascii=False) for i in items]
        if self._r is None:
            self._mem[user_id].extend(data)
            return
        key = f"daojia:web:{user_id}:outbox"
        sealed = [self._seal(d) for d in data]
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *sealed)
            pipe.ltrim(key, -OUTBOX_MAX, -1)
            pipe.expire(key, 86400)
            await pipe.execute()

    async def pop_all(self, user_id: str) -> list[dict[str, Any]]:
        if self._r is None:
            queue = self._mem.pop(user_id, None)
            return [json.loads(x) for x in queue or ()]
        key = f"daojia:web:{user_id}:outbox"
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            raw, _ = await pipe.execute()
        return [json.loads(x) for x in (self._unseal(r) for r in raw) if x is not None]

    def _seal(self, item: str) -> bytes:
        data = item.encode()
        return self._cipher.seal(OUTBOX_FIELD, data) if self._cipher is not None else data

    def _unseal(self, raw: bytes) -> bytes | None:
        if self._cipher is None:
            return raw
        try:
            return self._cipher.unseal(OUTBOX_FIELD, raw)
        except ValueError:  # another key: the message is lost, not shown garbled
            return None


class WebChannel:
    """Routes of the web chat; ``handle`` runs one inbound event through the engine."""

    def __init__(
        self,
        *,
        secret: bytes,
        handle: Callable[[Inbound], Awaitable[Handled]],
        clock: Callable[[], datetime],
        outbox: WebOutbox,
        rejected: Callable[[str], None] = lambda channel: None,
    ) -> None:
        self._secret = secret
        self._handle = handle
        self._clock = clock
        self._rejected = rejected
        self.outbox = outbox
        self.keep_upload: Callable[[bytes], str] | None = None
        self.limits: AddressLimits | None = None
        """Per client address counts (set when the chat starts; None: not limited)."""

    def setup(self, app: web.Application) -> None:
        app.router.add_get("/", self.index)
        app.router.add_get("/web/api/poll", self.poll)
        app.router.add_post("/web/api/send", self.send)
        app.router.add_post("/web/api/photo", self.photo)
        app.router.add_static("/static/", STATIC, append_version=True)

    def _sign(self, uid: str) -> str:
        return hmac.new(self._secret, uid.encode(), hashlib.sha256).hexdigest()[:32]

    def _user(self, request: web.Request) -> str | None:
        value = request.cookies.get(COOKIE, "")
        uid, _, sig = value.partition(".")
        if uid and hmac.compare_digest(sig, self._sign(uid)):
            return uid
        return None

    async def index(self, request: web.Request) -> web.StreamResponse:
        response = web.FileResponse(STATIC / "index.html")
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
        role = request.query.get("role", "customer")
        if role not in ROLES:
            raise web.HTTPBadRequest(text="unknown role")
        return web.json_response({"replies": await self.outbox.pop_all(f"{uid}-{role}")})

    async def send(self, request: web.Request) -> web.Response:
        uid = self._user(request)
        if uid is None:
            raise web.HTTPUnauthorized(text="reload the page")
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="body must be JSON") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        event = self._event(f"{uid}-{body.get('role', 'customer')}", body)
        if event is None:
            raise web.HTTPBadRequest(text="unknown message")
        if not await self._address_allows(request, event.user_id):
            return web.json_response({"status": "rejected", "replies": []})
        handled = await self._handle(event)
        return web.json_response(
            {"status": handled.status, "replies": [to_json(r) for r in handled.replies]}
        )

    async def photo(self, request: web.Request) -> web.Response:
        """A photo from the browser (multipart field ``photo``), as a PhotoReceived event."""
        uid = self._user(request)
        if uid is None or self.keep_upload is None:
            raise web.HTTPUnauthorized(text="reload the page")
        try:
            form = await request.post()
        except ValueError:
            raise web.HTTPBadRequest(text="expected a multipart form") from None
        upload, role = form.get("photo"), str(form.get("role", "customer"))
        if role not in ROLES or not isinstance(upload, web.FileField):
            raise web.HTTPBadRequest(text="expected a photo")
        if not await self._address_allows(request, f"{uid}-{role}"):
            return web.json_response({"status": "rejected", "replies": []})
        ref = self.keep_upload(upload.file.read())
        event = PhotoReceived(
            channel="web",
            user_id=f"{uid}-{role}",
            at=self._clock(),
            message_id=clean(str(form.get("id", "")))[:64] or secrets.token_hex(8),
            role=role,
            ref=ref,
        )
        handled = await self._handle(event)
        return web.json_response(
            {"status": handled.status, "replies": [to_json(r) for r in handled.replies]}
        )

    async def _address_allows(self, request: web.Request, user_id: str) -> bool:
        """Count the message against its client address; over the limit it is not processed
        (``rejected``) and the first one of the minute gets the warning by poll."""
        if self.limits is None:
            return True
        verdict = await self.limits.message(request.remote)
        if verdict is RateVerdict.ALLOW:
            return True
        self._rejected("web")
        if verdict is RateVerdict.WARN:
            await self.push(user_id, [Say(TOO_MANY)])
        return False

    def _event(self, user_id: str, body: Any) -> Inbound | None:
        """The event a JSON message stands for, its texts ``domain.text.clean`` (JSON may
        carry ``\\u0000`` or a lone ``\\ud800``), or None when it is not one."""
        if not isinstance(body, dict) or body.get("role", "customer") not in ROLES:
            return None
        base: dict[str, Any] = {
            "channel": "web",
            "user_id": user_id,
            "at": self._clock(),
            "message_id": clean(str(body.get("id", "")))[:64] or secrets.token_hex(8),
            "lang_hint": clean(str(body.get("lang", "")))[:8],
            "role": body.get("role", "customer"),
        }
        kind = body.get("type")
        try:
            if kind == "text":
                text = clean(str(body["text"]))[:MAX_TEXT]
                if text.startswith("/") and len(text) > 1:
                    command, _, args = text[1:].partition(" ")
                    return CommandReceived(**base, command=command, args=args.strip())
                return TextReceived(**base, text=text)
            if kind == "choice":
                return ChoiceMade(**base, key=clean(str(body["key"]))[:64])
            if kind == "location":
                lat, lon = float(body["lat"]), float(body["lon"])
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    return None
                label = clean(str(body.get("label", "")))[:120]
                return LocationShared(**base, lat=lat, lon=lon, label=label)
            if kind == "contact":
                return ContactShared(**base, phone=clean(str(body["phone"]))[:MAX_TEXT])
        except (KeyError, TypeError, ValueError):
            return None
        return None

    async def push(self, user_id: str, replies: list[Reply]) -> None:
        await self.outbox.push(user_id, [to_json(r) for r in replies])

    async def deliver(
        self,
        user_id: str,
        replies: list[Reply],
        template: dict[str, Any] | None = None,
        skip: int = 0,
        lang: str = "zh",
    ) -> None:
        """Messenger entry: queue replies for the page's next poll (one part per reply)."""
        try:
            await self.push(user_id, replies[skip:])
        except (RedisError, OSError) as exc:
            raise DeliveryFailed(repr(exc), sent=skip) from exc


def _too_many_chats(request: web.Request, wait_s: int) -> web.Response:
    """429 for a new web user over the client address's hourly limit (in the browser's
    language)."""
    if request.headers.get("Accept-Language", "").lower().startswith("en"):
        text = "Too many new chats from your network this hour. Please try again later."
    else:
        text = "您所在网络本小时新开的对话太多,请稍后再试。"
    return web.Response(status=429, text=text, headers={"Retry-After": str(wait_s)})
