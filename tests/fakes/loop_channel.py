"""A made-up chat platform, "loop", written only against ``bots.channel``: the smallest
channel there can be. ``POST /loop`` takes ``{"user", "id", "text"}`` and answers the turn's
replies as plain texts with numbered choices; what the outbox sends lands in ``inbox``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aiohttp import web

from bots.channel import Capabilities, Channel, Host
from bots.render import as_text
from conversations.events import CommandReceived, Inbound, TextReceived
from conversations.replies import Reply
from domain.errors import DeliveryFailed


class LoopChannel(Channel):
    name = "loop"
    capabilities = Capabilities(
        buttons=False,
        location=False,
        contact=False,
        payments=None,
        template_messages=False,
        passive_replies=True,
        notice_overrides="loop",
    )

    def __init__(self, host: Host) -> None:
        self.host = host
        self.inbox: defaultdict[str, list[str]] = defaultdict(list)
        self.down = False
        """The platform refuses messages (the outbox keeps them and tries again)."""

    @classmethod
    def configure(cls, settings: Any, host: Host) -> LoopChannel:
        return cls(host)

    def setup(self, app: web.Application) -> None:
        app.router.add_post("/loop", self.receive)

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.json()
        event = self.to_event(body)
        handled = await self.host.handle(event)
        texts = [as_text(r, handled.lang) for r in handled.replies]
        return web.json_response({"status": handled.status, "replies": texts})

    def to_event(self, body: dict[str, Any]) -> Inbound:
        base: dict[str, Any] = {
            "channel": self.name,
            "user_id": str(body["user"]),
            "at": self.host.clock(),
            "message_id": str(body["id"]),
        }
        text = str(body["text"])
        if text.startswith("/"):
            command, _, args = text[1:].partition(" ")
            return CommandReceived(**base, command=command, args=args)
        return TextReceived(**base, text=text)

    async def send(
        self,
        user_id: str,
        replies: list[Reply],
        *,
        skip: int = 0,
        lang: str = "zh",
        extra: dict[str, Any] | None = None,
    ) -> None:
        if self.down:
            raise DeliveryFailed("loop is down", sent=skip)
        self.inbox[user_id] += [as_text(r, lang) for r in replies[skip:]]
