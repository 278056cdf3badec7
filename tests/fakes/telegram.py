"""A fake Telegram Bot API on loopback that records every call (aiohttp ``fake_server``)."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from aiohttp import web

from tests.fakes.server import LoopbackServer

BOT_ID = 7000001
SENDS = ("sendMessage", "sendPhoto", "sendInvoice")


def _bad_request(description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": 400, "description": description}, status=400
    )


class FakeTelegram(LoopbackServer):
    """``base_url`` is ``http://127.0.0.1:PORT/bot``; ``calls`` lists ``(method, params)``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail_next: int = 0
        self.fail_chat: dict[int, list[tuple[int, str] | None]] = {}
        """chat id → errors (HTTP status, description) its next sends get, in order (None:
        that send goes through)."""
        self.refused: list[tuple[str, dict[str, Any]]] = []
        self._ids = itertools.count(100)
        super().__init__()
        self.app.router.add_post("/bot{token}/{method}", self.handle)
        self.app.router.add_get("/file/bot{token}/{path:.*}", self.file)
        self.files: dict[str, bytes] = {}
        self.hold_edits: asyncio.Event | None = None
        """When set to an event, ``editMessageReplyMarkup`` waits for it (a slow Telegram)."""
        self.messages: dict[int, dict[str, Any]] = {}
        """message id → ``chat_id`` and ``reply_markup`` of each message sent."""
        self.throttle_edits: int = 0
        """How many of the next ``editMessageReplyMarkup`` get 429 (retry after 1 s)."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The sendMessage/sendPhoto/sendInvoice calls, optionally to one chat."""
        return [
            {"method": m, **p}
            for m, p in self.calls
            if m in SENDS and (chat_id is None or int(p["chat_id"]) == chat_id)
        ]

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = (
            await request.json()
            if request.content_type == "application/json"
            else (await request.post())
        )
        params = {k: _maybe_json(v) for k, v in raw.items()}
        errors = self.fail_chat.get(int(params.get("chat_id") or 0))
        error = errors.pop(0) if errors and method in SENDS else None
        if error is not None:
            status, description = error
            self.refused.append((method, params))
            return web.json_response(
                {"ok": False, "error_code": status, "description": description}, status=status
            )
        if self.fail_next:
            self.calls.append((method, params))
            self.fail_next -= 1
            return web.json_response(
                {"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502
            )
        if method == "editMessageReplyMarkup":
            if self.hold_edits is not None:
                await self.hold_edits.wait()
            self.calls.append((method, params))
            if self.throttle_edits:
                self.throttle_edits -= 1
                too_many = {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                }
                return web.json_response(too_many, status=429)
            return self._edit_markup(params)
        recorded = self.record(method, params)
        return web.json_response({"ok": True, "result": self._result(method, recorded)})

    def record(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Record a call as Telegram would take it, and return it as recorded: a message sent
        (also one carried by a webhook answer, which the test hands over here) gets its
        ``message_id``, recorded with its params, and its keyboard is kept for ``keyboard``."""
        if method in SENDS:
            params = {**params, "message_id": next(self._ids)}
            self.messages[params["message_id"]] = {
                "chat_id": int(params["chat_id"]),
                "reply_markup": params.get("reply_markup"),
            }
        self.calls.append((method, params))
        return params

    def keyboard(self, message_id: int) -> list[list[dict[str, Any]]]:
        """The inline keyboard a sent message shows now (``[]``: none)."""
        markup = self.messages[message_id]["reply_markup"] or {}
        return list(markup.get("inline_keyboard", []))

    def _edit_markup(self, params: dict[str, Any]) -> web.Response:
        """``editMessageReplyMarkup`` as Telegram answers it: the message edited, or 400 for
        a message this bot did not send to that chat and for a markup it already has. No
        markup, or one without buttons (PTB sends an empty ``InlineKeyboardMarkup`` as
        ``{}``), leaves the message without a keyboard."""
        kept = self.messages.get(int(params.get("message_id") or 0))
        if kept is None or kept["chat_id"] != int(params.get("chat_id") or 0):
            return _bad_request("Bad Request: message to edit not found")
        markup = params.get("reply_markup") or {"inline_keyboard": []}
        if (kept["reply_markup"] or {"inline_keyboard": []}) == markup:
            return _bad_request(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        kept["reply_markup"] = markup
        message = {
            "message_id": int(params["message_id"]),
            "date": 1_700_000_000,
            "edit_date": 1_700_000_001,
            "chat": {"id": kept["chat_id"], "type": "private"},
            "text": "…",
        }
        if markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        return web.json_response({"ok": True, "result": message})

    async def file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["path"])
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "daojia",
                "username": "daojia_bot",
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method in SENDS:
            chat = int(params["chat_id"])
            return {
                "message_id": params["message_id"],
                "date": 1_700_000_000,
                "chat": {"id": chat, "type": "private"},
                "text": params.get("text", ""),
            }
        if method == "getFile":
            file_id = params["file_id"]
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": 10,
                "file_path": f"photos/{file_id}.jpg",
            }
        return True


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


_update_ids = itertools.count(5000)


def user(uid: int, lang: str = "zh-hans") -> dict[str, Any]:
    return {
        "id": uid,
        "is_bot": False,
        "first_name": "Test",
        "last_name": str(uid),
        "language_code": lang,
    }


def message_update(
    uid: int, text: str | None = None, *, lang: str = "zh-hans", **extra: Any
) -> dict[str, Any]:
    """An Update with a private message (text, or ``contact=``/``location=``/``photo=``)
    from a user whose Telegram speaks ``lang``."""
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": 1_700_000_000,
        "chat": {"id": uid, "type": "private"},
        "from": user(uid, lang),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
    message.update(extra)
    return {"update_id": next(_update_ids), "message": message}


def callback_update(
    uid: int, data: str, message_id: int = 1, lang: str = "zh-hans"
) -> dict[str, Any]:
    """A button press on message ``message_id`` (the one the button hangs under) by a user
    whose Telegram speaks ``lang``."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(uid, lang),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": 1_700_000_000,
                "chat": {"id": uid, "type": "private"},
                "text": "…",
            },
        },
    }
