"""What invoices look like to a customer (the orders they may still ask one for) and to
finance (``/invoices``: requests by state)."""

from __future__ import annotations

from conversations.results.invoices import (
    Invoiceable,
    InvoiceChoices,
    InvoiceLine,
    InvoicesListed,
)
from conversations.services.staff import AdminDirectory, role_for
from domain.catalog import Catalog
from domain.invoices import InvoiceStatus, invoiceable_cents
from domain.ports import Reads
from domain.queries import ListInvoices, LoadInvoiceable

RECENT = 50
"""The customer's newest orders looked at for invoicing."""


async def invoiceable(uow: Reads, q: LoadInvoiceable, *, catalog: Catalog) -> InvoiceChoices:
    orders = await uow.orders.for_customer(q.customer_id, limit=RECENT)
    paid = [o for o in orders if o.id is not None and invoiceable_cents(o) > 0]
    invoiced = await uow.invoices.invoiced_orders([o.id for o in paid if o.id is not None])
    return InvoiceChoices(
        tuple(
            Invoiceable(
                o.number,
                catalog.item(o.item_id).name.zh,
                o.item_id,
                o.start_at,
                invoiceable_cents(o),
            )
            for o in paid
            if o.id not in invoiced
        ),
        await uow.invoices.last_title(q.customer_id),
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
