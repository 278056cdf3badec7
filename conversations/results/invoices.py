"""What the invoice commands and queries answer (amounts in fen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from conversations.events import Result
from domain.invoices import InvoiceStatus, TitleDefaults


@dataclass(frozen=True, slots=True)
class Invoiceable:
    number: int
    item: str
    """The service's name (Chinese; the view names it in the customer's language)."""
    item_id: str
    start_at: datetime
    amount_cents: int
    """What may be invoiced now: paid less refunded, less what earlier invoices cover."""
    invoiced_cents: int = 0
    """What the order's earlier invoices cover."""


@dataclass(frozen=True, slots=True)
class Invoiced:
    """A paid order with nothing left to invoice: what its invoices cover."""

    number: int
    paid_cents: int
    """Paid less refunded."""
    invoiced_cents: int
    count: int


@dataclass(frozen=True, slots=True)
class InvoiceChoices(Result):
    """``LoadInvoiceable``: the orders that may be invoiced, the paid ones whose invoices
    already cover all of it, and last time's title."""

    orders: tuple[Invoiceable, ...]
    last: TitleDefaults = field(default_factory=TitleDefaults)
    invoiced: tuple[Invoiced, ...] = ()


@dataclass(frozen=True, slots=True)
class InvoicesRequested(Result):
    """``RequestInvoice``: stored; the sweep issues them."""

    numbers: tuple[int, ...]
    amount_cents: int
    emailed: bool = True
    """Whether the invoice will also be emailed (email is configured)."""


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    id: int
    number: int
    amount_cents: int
    status: InvoiceStatus
    kind: str
    title: str
    invoice_no: str
    note: str
    created_at: datetime
    refunded: bool


@dataclass(frozen=True, slots=True)
class InvoicesListed(Result):
    """``/invoices``: requests, newest first, and how many there are in each state."""

    statuses: tuple[str, ...]
    items: tuple[InvoiceLine, ...]
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class InvoiceRetried(Result):
    """``/invoices retry ID``: back in the queue."""

    id: int
    number: int
