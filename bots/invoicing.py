"""Electronic invoice providers (``domain.gateways.InvoiceProvider``).

``HttpInvoiceProvider`` talks JSON to ``DAOJIA_INVOICE_API_BASE`` with ``DAOJIA_INVOICE_KEY``:

    POST {base}/invoices
    Authorization: Bearer {key}
    Idempotency-Key: daojia-invoice-{id}
    {"request_id": "daojia-invoice-{id}", "order": "240117", "currency": "CNY",
     "buyer": {"type": "personal" | "company", "title": "…", "tax_id": "…", "email": "…"},
     "items": [{"name": "日常保洁", "amount_fen": 3000}], "total_fen": 3000}

    200/201 {"status": "issued", "invoice_no": "…", "pdf_url": "https://…"}
            {"status": "pending"}            (asked again later, with the same key)
    4xx/5xx {"error": "…"}                   (tried again later; finance sees the note)

The same key for the same request: a provider asked twice (a process stopped before
recording the answer) answers with the invoice it made the first time.

``SandboxInvoiceProvider`` (the demo, and the sandbox test mode) "issues" at once: its PDF is
served by this service (``webhooks.invoice_sandbox``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import aiohttp

from domain.gateways import IssueOutcome
from domain.invoices import InvoiceRequest

log = logging.getLogger(__name__)
TIMEOUT_S = 20


def request_id(invoice: InvoiceRequest) -> str:
    return f"daojia-invoice-{invoice.id}"


def request_body(invoice: InvoiceRequest) -> dict[str, Any]:
    """What is sent to the provider (documented above)."""
    return {
        "request_id": request_id(invoice),
        "order": str(invoice.number),
        "currency": "CNY",
        "buyer": {
            "type": invoice.kind.value,
            "title": invoice.title,
            "tax_id": invoice.tax_id,
            "email": invoice.email,
        },
        "items": [{"name": invoice.item, "amount_fen": invoice.amount_cents}],
        "total_fen": invoice.amount_cents,
    }


class HttpInvoiceProvider:
    name = "http"

    def __init__(self, base_url: str, key: str, timeout_s: float = TIMEOUT_S) -> None:
        self.url = base_url.rstrip("/") + "/invoices"
        self.key = key
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def issue(self, invoice: InvoiceRequest) -> IssueOutcome:
        headers = {
            "Authorization": f"Bearer {self.key}",
            "Idempotency-Key": request_id(invoice),
        }
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(self.url, json=request_body(invoice), headers=headers) as resp,
            ):
                status = resp.status
                body = await resp.json(content_type=None) if status < 500 else {}
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            return IssueOutcome(False, note=f"provider unreachable: {type(exc).__name__}")
        if not isinstance(body, dict):
            body = {}
        if status >= 300:
            return IssueOutcome(False, note=f"provider {status}: {str(body.get('error', ''))}")
        if body.get("status") != "issued":
            return IssueOutcome(False, note=f"provider: {str(body.get('status', '?'))}")
        pdf_url, number = str(body.get("pdf_url", "")), str(body.get("invoice_no", ""))
        if not pdf_url.startswith(("https://", "http://")) or not number:
            return IssueOutcome(False, note="provider: issued without a number or a PDF")
        return IssueOutcome(True, pdf_url, number)


class SandboxInvoiceProvider:
    """Issues at once, numbered ``SANDBOX…``; ``pdf_url(id)`` is where this service serves its
    PDF."""

    name = "sandbox"

    def __init__(self, pdf_url: Callable[[int], str]) -> None:
        self.pdf_url = pdf_url

    async def issue(self, invoice: InvoiceRequest) -> IssueOutcome:
        assert invoice.id is not None
        return IssueOutcome(True, self.pdf_url(invoice.id), f"SANDBOX{invoice.id:08d}")
