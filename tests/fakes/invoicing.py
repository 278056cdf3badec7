"""A fake electronic invoice provider on 127.0.0.1 speaking ``bots.invoicing``'s JSON: it
checks the key, issues once per idempotency key (asked again, the same invoice), serves the
PDF, and can be ``down`` (503) to show that requests are tried again later."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from tests.fakes.server import LoopbackServer

KEY = "inv-key"


class FakeInvoiceProvider(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.delay_s = 0.0
        """How long each answer takes (two sweeps at once overlap)."""
        self.requests: list[dict[str, Any]] = []
        self.issued: dict[str, dict[str, str]] = {}
        self.app.router.add_post("/v1/invoices", self._issue)
        self.app.router.add_get("/pdf/{no}.pdf", self._pdf)

    @property
    def base_url(self) -> str:
        return f"{self.root}/v1"

    async def _issue(self, request: web.Request) -> web.Response:
        await asyncio.sleep(self.delay_s)
        if self.down:
            return web.json_response({"error": "maintenance"}, status=503)
        if request.headers.get("Authorization") != f"Bearer {KEY}":
            return web.json_response({"error": "bad key"}, status=401)
        body = await request.json()
        key = request.headers["Idempotency-Key"]
        assert key == body["request_id"]
        assert body["total_fen"] == sum(i["amount_fen"] for i in body["items"])
        self.requests.append(body)
        if key not in self.issued:
            no = f"0440{len(self.issued) + 1:08d}"
            self.issued[key] = {"status": "issued", "invoice_no": no, "pdf_url": ""}
            self.issued[key]["pdf_url"] = f"{self.root}/pdf/{no}.pdf"
        return web.json_response(self.issued[key])

    async def _pdf(self, request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
