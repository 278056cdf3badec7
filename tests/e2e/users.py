"""The people of the end-to-end tests: a person in the web chat, a Telegram user and a WeChat
follower, each talking to the app the way the platform would."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests import random_refs

IDS = itertools.count(1)
"""Message ids and keys unique in a test run."""


async def drained(client: Any, channel: str) -> None:
    """Wait for what the test client's app's ``channel`` left running (its ``drain``)."""
    from webhooks.keys import CHANNELS

    app = getattr(getattr(client, "server", None), "app", None)
    channels = app.get(CHANNELS) if app is not None else None
    bot = channels.get(channel) if channels is not None else None
    if bot is not None:
        await bot.drain()


class WebUser:
    """A person in the web chat; ``say`` returns the replies as JSON dicts."""

    def __init__(self, client, role: str = "customer") -> None:
        self.client = client
        self.role = role
        self.phone = random_refs.phone()
        """The number this person gives at their first checkout (their own: one number is
        one person's new-customer offers)."""
        self.last: list[dict[str, Any]] = []

    async def open(self) -> None:
        resp = await self.client.get("/")
        assert resp.status == 200

    async def send(self, **message: Any) -> list[dict[str, Any]]:
        message.setdefault("id", f"m{next(IDS)}")
        resp = await self.client.post("/web/api/send", json={"role": self.role, **message})
        assert resp.status == 200, await resp.text()
        self.last = (await resp.json())["replies"]
        return self.last

    async def say(self, text: str) -> list[dict[str, Any]]:
        return await self.send(type="text", text=text)

    async def choose(self, label_part: str) -> list[dict[str, Any]]:
        """Press the option whose label contains ``label_part`` in the last question."""
        options = [o for r in self.last if r["type"] == "ask" for o in r["options"]]
        matches = [o for o in options if label_part in o["label"]]
        assert matches, f"no option with {label_part!r} in {[o['label'] for o in options]}"
        return await self.send(type="choice", key=matches[0]["key"])

    def text(self) -> str:
        """Everything the last replies showed: texts and option labels."""
        parts = []
        for r in self.last:
            parts.append(r.get("text", ""))
            parts += [o["label"] for o in r.get("options", ())]
        return "\n".join(parts)


class TelegramUser:
    """A Telegram user talking to the bot through ``POST /telegram`` and the fake Bot API."""

    def __init__(
        self, client, fake, uid: int, secret: str = "s3cret", lang: str = "zh-hans"
    ) -> None:
        self.client, self.fake, self.uid, self.secret = client, fake, uid, secret
        self.lang = lang
        self.phone = random_refs.phone()
        """The number this person gives at their first checkout (their own)."""
        """The user's Telegram language (``language_code``)."""
        self.last: list[dict[str, Any]] = []

    async def post(self, update: dict[str, Any], secret: str | None = None) -> int:
        """Deliver an update; ``last`` gets what the bot sent: Bot API calls made during the
        turn, then the call carried by the webhook response (as Telegram would run it)."""
        before = len(self.fake.sent(self.uid))
        resp = await self.client.post(
            "/telegram",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": self.secret if secret is None else secret},
        )
        await self.settled()
        self.last = self.fake.sent(self.uid)[before:]
        if resp.status == 200:
            body = await resp.json()
            if body.get("method"):
                assert body["method"] in ("sendMessage", "sendPhoto")
                assert int(body["chat_id"]) == self.uid
                self.last.append(self.fake.record(body["method"], body))
        return resp.status

    async def settled(self) -> None:
        """Wait for the Bot API calls the turn left running (a pressed keyboard's edit)."""
        await drained(self.client, "telegram")

    async def say(self, text: str) -> list[dict[str, Any]]:
        from tests.fakes.telegram import message_update

        assert await self.post(message_update(self.uid, text, lang=self.lang)) == 200
        return self.last

    async def share(self, **extra: Any) -> list[dict[str, Any]]:
        from tests.fakes.telegram import message_update

        assert await self.post(message_update(self.uid, lang=self.lang, **extra)) == 200
        return self.last

    def options(self) -> list[dict[str, Any]]:
        out = []
        for msg in self.last:
            markup = msg.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                out.extend(row)
        return out

    async def choose(self, label_part: str) -> list[dict[str, Any]]:
        from tests.fakes.telegram import callback_update

        matches = [
            (msg["message_id"], b)
            for msg in self.last
            for row in (msg.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
            if label_part in b["text"] and "callback_data" in b
        ]
        assert matches, f"no button {label_part!r} in {[b['text'] for b in self.options()]}"
        message_id, button = matches[0]
        update = callback_update(self.uid, button["callback_data"], message_id, self.lang)
        assert await self.post(update) == 200
        return self.last

    def text(self) -> str:
        return "\n".join(
            [m.get("text", "") for m in self.last] + [b["text"] for b in self.options()]
        )


class WeChatUser:
    """A WeChat follower: signed (optionally encrypted) XML in, passive reply or CS texts out."""

    def __init__(self, client, fake, openid: str, server) -> None:
        self.phone = random_refs.phone()
        """The number this person gives at their first checkout (their own)."""
        self.client, self.fake, self.openid, self.server = client, fake, openid, server
        self.last_text = ""
        self.status = 0

    async def post_xml(self, xml: str, *, settle: bool = True) -> str:
        """Deliver ``xml`` as WeChat would; returns the (plaintext) passive reply, and
        ``last_text`` gets its text. With ``settle``, what the turn left running is waited
        for first (``settled``): a turn past the passive reply's budget was answered
        ``success`` and goes on in the background, so ``last_text`` is then what it pushed to
        the person by customer-service message, and what comes next sees all it did.
        ``settle=False``: back at the answer (a test holding the turn in flight)."""
        before = len(self.fake.texts(self.openid))
        query, body = self.server.request(xml)
        resp = await self.client.post("/wechat", params=query, data=body)
        self.status = resp.status
        raw = await resp.text()
        if settle:
            await self.settled()
        if resp.status != 200:
            return raw
        plain = self.server.read_reply(raw, query)
        self.last_text = self.content(plain)
        if settle and plain == "success":  # a slow turn: its answer came by customer service
            self.last_text = "\n".join(self.fake.texts(self.openid)[before:])
        return plain

    async def settled(self) -> None:
        """Wait, by the channel's own ``drain`` (never a sleep), for the slow turns and the
        customer-service sends the request left running."""
        await drained(self.client, "wechat")

    @staticmethod
    def content(xml: str) -> str:
        """The text of a passive reply ("" for ``success``)."""

        m = re.search(r"<Content><!\[CDATA\[(.*)\]\]></Content>", xml, re.S)
        return m.group(1).replace("]]]]><![CDATA[>", "]]>") if m else ""

    async def say(self, text: str, **kw: Any) -> str:
        from tests.fakes.wechat import text_xml

        await self.post_xml(text_xml(self.openid, text, **kw))
        assert self.status == 200
        return self.last_text

    async def choose(self, label_part: str) -> str:
        """Reply with the number of the option whose label contains ``label_part``."""

        numbered = re.findall(r"^(\d+)\. (.*)$", self.last_text, re.M)
        matches = [n for n, label in numbered if label_part in label]
        assert matches, f"no option {label_part!r} in {self.last_text!r}"
        return await self.say(matches[0])
