"""A fake SMS provider on loopback: ``POST /messages`` checks the signature (HMAC-SHA256 of
the timestamp and the body with ``KEY``), sends one SMS per idempotency key (a key seen
again answers ``duplicate``), and records every request. ``fail`` answers that many requests
with 503 first (an outage); ``lose_answer`` takes the SMS and then answers 503 (the answer
lost on the way back)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from aiohttp import web

from tests.fakes.server import LoopbackServer

KEY = "test-sms-key"


class FakeSms(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.fail = 0
        self.lose_answer = 0
        self.invalid: set[str] = set()
        """Numbers refused with 422, the number named in the error (as providers do)."""
        self.requests: list[dict[str, Any]] = []
        """Every request that came, signed or not: its headers and body."""
        self.sent: dict[str, dict[str, Any]] = {}
        """The SMS sent, by idempotency key: ``to`` and ``text``."""
        self.app.router.add_post("/messages", self.messages)

    async def messages(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append({"headers": dict(request.headers), "body": body})
        stamp = request.headers.get("X-Daojia-Timestamp", "")
        expected = hmac.new(KEY.encode(), stamp.encode() + b"\n" + body, hashlib.sha256)
        if not hmac.compare_digest(
            request.headers.get("X-Daojia-Signature", ""), expected.hexdigest()
        ):
            return web.json_response({"error": "bad signature"}, status=401)
        if self.fail:
            self.fail -= 1
            return web.Response(status=503, text="down")
        data = json.loads(body)
        key = request.headers.get("Idempotency-Key", "")
        if not key or key != data.get("key"):
            return web.json_response({"error": "no idempotency key"}, status=400)
        if data["to"] in self.invalid:
            return web.json_response({"error": f"invalid number {data['to']}"}, status=422)
        if key in self.sent:
            return web.json_response({"status": "duplicate"})
        self.sent[key] = {"to": data["to"], "text": data["text"]}
        if self.lose_answer:
            self.lose_answer -= 1
            return web.Response(status=503, text="answer lost")
        return web.json_response({"status": "sent"})
