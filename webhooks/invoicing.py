"""Electronic invoices and email at the composition root: which invoice provider runs (the
HTTP one of ``DAOJIA_INVOICE_API_BASE``, else the sandbox where it runs), the sandbox's PDF
route, and the outbox's email delivery (``DAOJIA_SMTP_URL``).

``GET /invoices/sandbox/{id}/{sig}.pdf``: the sandbox's invoice as a small PDF; ``sig`` is an
HMAC of the id (a link that does not expire: the customer keeps it), so ids cannot be walked.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from aiohttp import web

from bots.invoicing import HttpInvoiceProvider, SandboxInvoiceProvider
from bots.mail import SmtpMailer, parse_smtp_url
from bots.pdf import text_pdf
from conversations.replies import Ask, Link, Reply, Say
from domain.digits import whole
from domain.errors import DeliveryFailed
from domain.gateways import InvoiceProvider, Mailer
from domain.money import format_yuan
from domain.ports import UnitOfWork
from webhooks.keys import DATABASE
from webhooks.settings import Settings

PDF_ROUTE = "/invoices/sandbox/{id}/{sig}.pdf"


class SandboxLinks:
    def __init__(self, secret: bytes, public_url: str) -> None:
        self._secret = secret
        self._base = public_url.rstrip("/")

    def sig(self, invoice_id: int) -> str:
        digest = hmac.new(self._secret, f"invoice:{invoice_id}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def url(self, invoice_id: int) -> str:
        return f"{self._base}/invoices/sandbox/{invoice_id}/{self.sig(invoice_id)}.pdf"

    def valid(self, invoice_id: str, sig: str) -> int | None:
        """The invoice's id when ``sig`` is its signature (ASCII digits: only ``url`` writes
        them), else None."""
        ident = whole(invoice_id, ascii_only=True)
        if ident is None or not sig.isascii() or not hmac.compare_digest(sig, self.sig(ident)):
            return None
        return ident


def provider(settings: Settings, sandbox: SandboxLinks | None) -> InvoiceProvider | None:
    """The provider that issues: the configured one, else the sandbox (``sandbox``: where the
    sandbox runs), else none (requests wait)."""
    if settings.invoice_api_base and settings.invoice_key is not None:
        return HttpInvoiceProvider(
            settings.invoice_api_base, settings.invoice_key.get_secret_value()
        )
    if sandbox is not None:
        return SandboxInvoiceProvider(sandbox.url)
    return None


def mailer(settings: Settings) -> Mailer | None:
    if settings.smtp_url is None or not settings.mail_from:
        return None
    return SmtpMailer(parse_smtp_url(settings.smtp_url.get_secret_value()), settings.mail_from)


def setup_sandbox(app: web.Application, links: SandboxLinks) -> None:
    async def pdf(request: web.Request) -> web.Response:
        ident = links.valid(request.match_info["id"], request.match_info["sig"])
        if ident is None:
            raise web.HTTPNotFound(text="unknown invoice")
        async with request.app[DATABASE].uow() as uow:
            invoice = await uow.invoices.get(ident)
        if invoice is None or not invoice.invoice_no:
            raise web.HTTPNotFound(text="unknown invoice")
        body = text_pdf(
            [
                "Daojia - electronic invoice (SANDBOX, not a tax document)",
                f"Invoice no. {invoice.invoice_no}",
                f"Order #{invoice.number}",
                f"Amount: CNY {format_yuan(invoice.amount_cents).lstrip('¥')}",
                f"Buyer: {invoice.kind.value}"
                + (f", tax id {invoice.tax_id}" if invoice.tax_id else ""),
            ]
        )
        return web.Response(
            body=body,
            content_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{invoice.invoice_no}.pdf"'},
        )

    app.router.add_get(PDF_ROUTE, pdf)


class MailDelivery:
    """The outbox's email channel: ``user_id`` names what the email is about
    (``invoice:ID``); its address is read (decrypted) when it is sent, never kept in the
    outbox. The first line of the rendered text is the subject."""

    def __init__(self, mailer: Mailer, uow: Callable[[], UnitOfWork]) -> None:
        self.mailer = mailer
        self.uow = uow

    async def send(self, user_id: str, replies: list[Reply]) -> None:
        kind, _, ident = user_id.partition(":")
        invoice_id = whole(ident, ascii_only=True)
        if kind != "invoice" or invoice_id is None:
            raise DeliveryFailed(f"no email recipient {kind}", permanent=True)
        async with self.uow() as uow:
            invoice = await uow.invoices.get(invoice_id)
        if invoice is None or not invoice.email:
            raise DeliveryFailed("the invoice has no email address", permanent=True)
        subject, _, body = _text(replies).partition("\n")
        await self.mailer.send(invoice.email, subject.strip(), body.strip() + "\n")


def _text(replies: list[Reply]) -> str:
    parts = []
    for reply in replies:
        if isinstance(reply, Say | Ask):
            parts.append(reply.text)
        elif isinstance(reply, Link):
            parts.append(f"{reply.text} {reply.label}: {reply.url}".strip())
    return "\n".join(parts)
