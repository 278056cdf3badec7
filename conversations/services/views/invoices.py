"""What invoices look like to a customer (the orders they may still ask one for) and to
finance (``/invoices``: requests by state)."""

from __future__ import annotations

from conversations.results.invoices import (
    Invoiceable,
    InvoiceChoices,
    Invoiced,
    InvoiceLine,
    InvoicesListed,
)
from conversations.services.staff import AdminDirectory, role_for
from domain.catalog import Catalog
from domain.invoices import Covered, InvoiceStatus, invoiceable_cents
from domain.ports import Reads
from domain.queries import ListInvoices, LoadInvoiceable

RECENT = 50
"""The customer's newest orders looked at for invoicing."""


async def invoiceable(uow: Reads, q: LoadInvoiceable, *, catalog: Catalog) -> InvoiceChoices:
    """The customer's paid orders with money not invoiced yet (a balance paid after an
    invoiced deposit among them), and those whose invoices cover all that was paid."""
    orders = await uow.orders.for_customer(q.customer_id, limit=RECENT)
    paid = [o for o in orders if o.id is not None and invoiceable_cents(o) > 0]
    covered = await uow.invoices.covered([o.id for o in paid if o.id is not None])
    offered: list[Invoiceable] = []
    invoiced: list[Invoiced] = []
    for o in paid:
        done = covered.get(o.id or 0, Covered())
        amount = invoiceable_cents(o, done)
        if amount > 0:
            name = catalog.item(o.item_id).name.zh
            offered.append(Invoiceable(o.number, name, o.item_id, o.start_at, amount, done.cents))
        else:
            invoiced.append(Invoiced(o.number, invoiceable_cents(o), done.cents, done.count))
    return InvoiceChoices(
        tuple(offered), await uow.invoices.last_title(q.customer_id), tuple(invoiced)
    )


async def invoices(uow: Reads, q: ListInvoices, *, admins: AdminDirectory) -> InvoicesListed:
    await role_for(admins, uow, "invoices", q.admin)
    statuses = [InvoiceStatus(s) for s in q.statuses] or list(InvoiceStatus)
    found = await uow.invoices.with_status(statuses)
    counts = await uow.invoices.counts()
    return InvoicesListed(
        q.statuses,
        tuple(
            InvoiceLine(
                i.id or 0,
                i.number,
                i.amount_cents,
                i.status,
                i.kind.value,
                i.title,
                i.invoice_no,
                i.note,
                i.created_at,
                i.refund_flagged_at is not None,
            )
            for i in found
        ),
        tuple((s.value, counts.get(s.value, 0)) for s in InvoiceStatus),
    )
