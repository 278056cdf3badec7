"""A fake insurer on 127.0.0.1 speaking ``bots.insurer``'s JSON: it checks the key, issues once
per idempotency key (asked again, the same policy), voids once, and can be ``down`` (503) to
show that policies are asked for again later."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from tests.fakes.server import LoopbackServer

KEY = "ins-key"


class FakeInsurer(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.delay_s = 0.0
        """How long each answer takes (two sweeps at once overlap)."""
        self.requests: list[dict[str, Any]] = []
        self.issued: dict[str, str] = {}
        self.voided: list[str] = []
        self.app.router.add_post("/v1/policies", self._issue)
        self.app.router.add_post("/v1/policies/{key}/void", self._void)

    @property
    def base_url(self) -> str:
        return f"{self.root}/v1"

    def _refused(self, request: web.Request) -> web.Response | None:
        if self.down:
            return web.json_response({"error": "maintenance"}, status=503)
        if request.headers.get("Authorization") != f"Bearer {KEY}":
            return web.json_response({"error": "bad key"}, status=401)
        return None

    async def _issue(self, request: web.Request) -> web.Response:
        await asyncio.sleep(self.delay_s)
        refused = self._refused(request)
        if refused is not None:
            return refused
        body = await request.json()
        key = request.headers["Idempotency-Key"]
        assert key == body["request_id"]
        self.requests.append(body)
        if key not in self.issued:
            self.issued[key] = f"PICC{len(self.issued) + 1:010d}"
        return web.json_response({"status": "issued", "policy_no": self.issued[key]})

    async def _void(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        key = request.match_info["key"]
        if key not in self.issued:
            return web.json_response({"error": "unknown policy"}, status=404)
        if key not in self.voided:
            self.voided.append(key)
        return web.json_response({"status": "voided"})
