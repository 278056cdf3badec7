"""A customer's own orders: the list, one order in detail (its lines, timeline and what the
customer may do with it), the cancellation fee asked first, the cancellation, the
confirmation of a finished job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from conversations.events import Result
from domain.lifecycle import OrderStatus
from domain.pricing import QuoteLine, Selection
from domain.text import Bilingual, Phrase


class CustomerAction(StrEnum):
    """What the customer may do with an order, in the order its buttons are offered."""

    REWORK = "rework"
    RATE = "rate"
    COMPLAIN = "complain"
    PAY = "pay"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    CONFIRM = "confirm"
    REORDER = "reorder"
    REPEAT = "repeat"
    """Every week, like this one (a recurring booking)."""


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One order as a list shows it."""

    number: int
    item: Bilingual
    start_at: datetime
    status: OrderStatus
    total_cents: int
    finished_at: datetime | None = None
    """When the worker finished (None before): whether it takes a complaint now
    (``domain.aftersales.complaint_open``)."""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    what: Phrase
    """The status reached, or what happened without a move (a complaint filed)."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class WorkerSeen:
    """The worker on the order, as the customer sees them."""

    name: str
    rating_x100: int
    good_rate_bp: int
    reviews: int
    """How many customers rated the worker: with none, the two above are dispatch's defaults,
    not a rating to show."""


@dataclass(frozen=True, slots=True)
class ComplaintSeen:
    id: int
    open: bool
    resolution: str = ""


@dataclass(frozen=True, slots=True)
class Rebooking:
    """What "book again" copies from the order: the service, its options, the address, and
    its worker as the new booking's preferred one."""

    category_id: str
    selections: tuple[Selection, ...]
    bundle_id: str | None = None
    address_id: int | None = None
    notes: str = ""
    worker_id: int | None = None


@dataclass(frozen=True, slots=True)
class OrdersListed(Result):
    """The customer's most recent orders, newest first."""

    orders: tuple[OrderRow, ...]


@dataclass(frozen=True, slots=True)
class OrderShown(Result):
    """One of the customer's orders in detail."""

    order: OrderRow
    address: str
    """The customer's own address in full (their own order: nothing to shorten)."""
    lines: tuple[QuoteLine, ...]
    paid_cents: int
    refunded_cents: int
    timeline: tuple[TimelineEntry, ...]
    actions: tuple[CustomerAction, ...]
    again: Rebooking
    worker: WorkerSeen | None = None
    my_rating_x100: int | None = None
    """The customer's own overall rating of the job, once they gave one."""
    complaints: tuple[ComplaintSeen, ...] = ()
    visit_code: str = ""
    """The code to tell the worker at the door, while one is still to come (else empty)."""
    stage: tuple[Bilingual, int, int] | None = None
    """During the job: the part under way, its place and how many parts there are."""
    policy_no: str = ""
    """The order's insurance policy number, once the insurer issued it (else empty)."""
    contract: Bilingual | None = None
    """A long placement's contract period, as the quote showed it (else None)."""
    fee_cents: int = 0
    """The cancellation fee still kept (``cancellations.fee_still_kept``; 0: none)."""
    reschedule_fees_cents: int = 0
    """The reschedule fees paid (``domain.payments.fees_paid``; one given back since is in
    ``refunded_cents``): part of what was paid, no part of the total nor of what pays it
    (0: none)."""
    arrive_at: datetime | None = None
    """While the worker is on the way: when they are expected (their set-off and the
    estimate it gave, ``Order.eta_minutes``); else None."""


@dataclass(frozen=True, slots=True)
class CancellationQuoted(Result):
    """What cancelling the order now would cost, asked before it is done."""

    number: int
    fee_cents: int
    refund_cents: int
    reason: Phrase


@dataclass(frozen=True, slots=True)
class RescheduleQuoted(Result):
    """What moving the order to ``start_at`` would cost now, asked before it is done."""

    number: int
    start_at: datetime
    fee_cents: int
    reason: Phrase


@dataclass(frozen=True, slots=True)
class OrderRescheduled(Result):
    """The order moved to ``start_at``; ``worker_kept``: its worker still has it (else it is
    being dispatched again); ``clash``: the new time overlaps another job of the worker, so
    the order is being offered to another worker; ``unpaid``: it still awaits payment, so
    nobody is arranged until it is paid (and paying is asked next)."""

    number: int
    start_at: datetime
    fee_cents: int
    worker_kept: bool
    clash: bool = False
    unpaid: bool = False


@dataclass(frozen=True, slots=True)
class OrderCancelled(Result):
    """The customer cancelled the order; the refund is on its way."""

    number: int
    fee_cents: int
    refund_cents: int


@dataclass(frozen=True, slots=True)
class OrderConfirmed(Result):
    """The customer confirmed the finished job."""

    number: int
