"""Electronic invoices (发票): the customer's request — for what they paid on an order and was
not invoiced yet, so the balance paid after an invoiced deposit gets an invoice of its own —
is stored in the chat turn (never twice for the same money: ``Invoices.add``); the sweep
(``IssueInvoices``) sends each to the provider out of the chat path — held by one process at
a time (a lease), tried again with backoff when the provider fails, given up to finance after
the rules' attempts — and the PDF link goes to the customer in chat and by email through the
outbox. Issued invoices whose order was refunded since are flagged to finance once."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from conversations.events import Result
from conversations.results.invoices import InvoiceRetried, InvoicesRequested
from conversations.results.sweeps import InvoicesIssued
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_admins, to_customer
from conversations.services.staff import authorize
from domain import commands as c
from domain.errors import DomainError
from domain.gateways import InvoiceProvider, IssueOutcome
from domain.invoices import (
    PERSONAL_TITLE,
    Covered,
    InvoiceRequest,
    InvoiceStatus,
    TitleKind,
    after_failure,
    invoiceable_cents,
    normalise_email,
    normalise_tax_id,
    normalise_title,
    still_owed,
)
from domain.money import format_yuan
from domain.orders import Order
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.privacy import error_line
from domain.text import N_, counting

log = logging.getLogger(__name__)
BATCH = 20
"""Invoices one round of the sweep holds (it goes on while rounds come back full)."""
ROUNDS = 10
MAIL = "email"
"""The outbox's channel for email: its user id names the invoice (``invoice:ID``), whose
(encrypted) address the mail delivery reads when it sends — no address in the outbox."""


def mail_recipient(invoice_id: int) -> str:
    return f"invoice:{invoice_id}"


class InvoiceDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.RequestInvoice: self.request,
            c.IssueInvoices: self.issue,
            c.RetryInvoice: self.retry,
        }

    async def request(self, cmd: c.RequestInvoice) -> list[Result]:
        """Store one request per order, each for what was paid on it and is not invoiced yet
        (read under the order's row lock); all or none (a refused order refuses them all)."""
        kind, title, tax_id, email = _checked(cmd)
        now = self.s.clock()
        total = 0
        async with self.s.uow() as uow:
            for number in dict.fromkeys(cmd.numbers):
                order = await uow.orders.by_number(number, full=False, timeline=False)
                if order is None or order.customer_id != cmd.customer_id or order.id is None:
                    raise DomainError(N_("找不到订单 #{number}", number=number))
                # read again under the row lock: what it says holds until the commit
                order = await uow.orders.get(order.id, full=False, lock=True)
                assert order is not None and order.id is not None
                covered = (await uow.invoices.covered([order.id])).get(order.id, Covered())
                amount = invoiceable_cents(order, covered)
                if amount <= 0:
                    raise nothing_new(order, covered)
                added = await uow.invoices.add(
                    InvoiceRequest(
                        order_id=order.id,
                        number=number,
                        customer_id=cmd.customer_id,
                        kind=kind,
                        title=title,
                        tax_id=tax_id,
                        email=email,
                        amount_cents=amount,
                        item=self.s.catalog.item(order.item_id).name.zh,
                        created_at=now,
                        next_attempt_at=now,
                        lang=cmd.lang,
                    )
                )
                if added is None:  # the order changed under us (never under the lock)
                    raise nothing_new(order, covered)
                total += amount
            await uow.commit()
        return [InvoicesRequested(tuple(dict.fromkeys(cmd.numbers)), total, self.s.mail)]

    async def issue(self, cmd: c.IssueInvoices) -> list[Result]:
        issued = failed = 0
        provider = self.s.invoicing
        rules = self.s.rules.payments
        for _ in range(ROUNDS if provider is not None else 0):
            now = self.s.clock()
            async with self.s.uow() as uow:
                batch = await uow.invoices.claim(
                    now, now + timedelta(seconds=rules.invoice_lease_s), BATCH
                )
                await uow.commit()
            for invoice in batch:
                assert provider is not None
                outcome = await self._still_owed(invoice) or await _ask(provider, invoice)
                if await self._record(invoice, outcome):
                    issued += 1
                else:
                    failed += 1
            if len(batch) < BATCH:
                break
        return [InvoicesIssued(issued, failed, await self._flag_refunded())]

    async def _still_owed(self, invoice: InvoiceRequest) -> IssueOutcome | None:
        """The amount as the order now stands: a refund since the request lowers it to what
        the order's other invoices leave (``domain.invoices.still_owed``); when nothing is
        left it is not invoiced (finance sees why) and covers nothing any more."""
        assert invoice.id is not None
        async with self.s.uow() as uow:
            order = await uow.orders.get(invoice.order_id, full=False)
            others = await uow.invoices.covered([invoice.order_id], excluding=invoice.id)
        if order is None:
            amount, net = 0, 0
        else:
            amount = still_owed(invoice, order, others.get(invoice.order_id, Covered()))
            net = order.paid_cents - order.refunded_cents
        invoice.amount_cents = amount
        if amount > 0:
            return None
        invoice.attempts = self.s.rules.payments.invoice_max_attempts - 1  # the last
        if net > 0:
            note = "the order was refunded: what is left is covered by its other invoices"
        else:
            note = "the order was refunded in full before it was invoiced"
        return IssueOutcome(False, note=note)

    async def _record(self, invoice: InvoiceRequest, outcome: IssueOutcome) -> bool:
        now = self.s.clock()
        posted: list[OutboxMessage] = []
        async with self.s.uow() as uow:
            if outcome.done:
                invoice.status, invoice.issued_at = InvoiceStatus.ISSUED, now
                invoice.invoice_no, invoice.pdf_url, invoice.note = (
                    outcome.number,
                    outcome.pdf_url,
                    "",
                )
                posted += await self._tell_issued(uow, invoice)
            else:
                log.warning("invoice %s: %s", invoice.id, outcome.note)
                after_failure(invoice, outcome.note, now, self.s.rules.payments)
                if invoice.status == InvoiceStatus.FAILED:
                    notice = to_admins(
                        "invoice_failed_admin",
                        "finance",
                        id=invoice.id,
                        number=invoice.number,
                        note=invoice.note,
                    )
                    posted += await self.s.post(uow, [notice])
            await uow.invoices.save(invoice)
            await uow.commit()
        await self.s.flush(posted)
        return outcome.done

    async def _tell_issued(self, uow: UnitOfWork, invoice: InvoiceRequest) -> list[OutboxMessage]:
        assert invoice.id is not None
        data = {
            "number": invoice.number,
            "invoice_no": invoice.invoice_no,
            "amount": invoice.amount_cents,
            "url": invoice.pdf_url,
        }
        posted = await self.s.post(
            uow, [to_customer(invoice.customer_id, "invoice_issued", **data)]
        )
        if self.s.mail and invoice.email:
            notice = Notice("customer", invoice.customer_id, "invoice_email", data)
            to = [(MAIL, mail_recipient(invoice.id), invoice.lang)]
            posted += await self.s.postman.post_to(uow, notice, to, lease=True)
        return posted

    async def _flag_refunded(self) -> int:
        """Tell finance, once, of each issued invoice whose order was refunded since (a
        red-letter invoice is theirs to make)."""
        now = self.s.clock()
        flagged = 0
        async with self.s.uow() as uow:
            found = await uow.invoices.refunded_after_issue()
            notices = []
            for invoice in found:
                assert invoice.id is not None
                if not await uow.invoices.flag_refunded(invoice.id, now):
                    continue  # another process told them
                flagged += 1
                notices.append(
                    to_admins(
                        "invoice_refunded_admin",
                        "finance",
                        id=invoice.id,
                        number=invoice.number,
                        invoice_no=invoice.invoice_no,
                        amount=invoice.amount_cents,
                    )
                )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return flagged

    async def retry(self, cmd: c.RetryInvoice) -> list[Result]:
        async with self.s.uow() as uow:
            await authorize(self.s, uow, "invoices", cmd.admin)
            invoice = await uow.invoices.retry(cmd.invoice_id, self.s.clock())
            if invoice is None:
                raise DomainError(N_("发票 {id} 不是开票失败状态。", id=cmd.invoice_id))
            await uow.commit()
        return [InvoiceRetried(cmd.invoice_id, invoice.number)]


def nothing_new(order: Order, covered: Covered) -> DomainError:
    """An order with nothing left to invoice, naming what its invoices already cover."""
    net = order.paid_cents - order.refunded_cents
    if covered.count == 0 or net <= 0:
        return DomainError(N_("订单 #{number} 没有可开票的金额。", number=order.number))
    return DomainError(
        counting(
            "订单 #{number} 已付 {paid} 已全部申请过发票({count} 张,共 {invoiced}),"
            "目前没有新的可开票金额;之后再付的款可以再申请。",
            "订单 #{number} 已付 {paid} 已全部申请过发票({count} 张,共 {invoiced}),"
            "目前没有新的可开票金额;之后再付的款可以再申请。",
            covered.count,
            number=order.number,
            paid=format_yuan(net),
            count=covered.count,
            invoiced=format_yuan(covered.cents),
        )
    )


async def _ask(provider: InvoiceProvider, invoice: InvoiceRequest) -> IssueOutcome:
    try:
        return await provider.issue(invoice)
    except Exception as exc:  # a provider's bug or outage: tried again later
        log.warning("invoice %s: the provider failed: %s", invoice.id, error_line(exc))
        return IssueOutcome(False, note=error_line(exc))


def _checked(cmd: c.RequestInvoice) -> tuple[TitleKind, str, str, str]:
    """The request's title, tax id and email checked again (the flow checked them as typed)."""
    try:
        kind = TitleKind(cmd.kind)
    except ValueError:
        raise DomainError(N_("发票抬头类型不对。")) from None
    email = normalise_email(cmd.email)
    if email is None:
        raise DomainError(N_("邮箱格式不对。"))
    if kind == TitleKind.PERSONAL:
        return kind, normalise_title(cmd.title) or PERSONAL_TITLE, "", email
    title, tax_id = normalise_title(cmd.title), normalise_tax_id(cmd.tax_id)
    if title is None or tax_id is None:
        raise DomainError(N_("单位名称或税号不对。"))
    return kind, title, tax_id, email
