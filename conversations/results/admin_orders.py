"""What the admins' order commands found or did: ``/stats``, ``/orders``, ``/order``,
``/audit``, and ``/assign``, ``/reassign``, ``/cancel``, ``/refund``, ``/release``.

Times are aware datetimes (the console shows them in the business time zone); amounts in fen.
What a role may not see is left out by the service (``money`` is None for support, phones come
masked), never by the screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from conversations.events import Result
from domain.catalog import Catalog
from domain.geo import Located
from domain.lifecycle import Action, OrderStatus
from domain.oversight import Attention, Flag, LoyaltyStats, OrderBrief, TrailEntry
from domain.surcharge import ExtraState
from domain.text import Bilingual, Phrase


@dataclass(frozen=True, slots=True)
class StatsShown(Result):
    """``/stats``: orders created in the period (``first``..``last``, business days) and what
    became of them."""

    period: str
    """``today``, ``week`` or ``month``."""
    first: date
    last: date
    by_status: tuple[tuple[str, int], ...]
    booked: int
    gmv_cents: int
    accepted: int
    """Orders accepted in the period (the average below is over these)."""
    accept_seconds: int | None
    """Average seconds from payment to acceptance; None when nothing was accepted."""
    completed: int
    cancelled: int
    complaints: int
    new_customers: int
    loyalty: LoyaltyStats | None = None
    """Repeat purchases, coupons, points, prepaid money and invitations of the period."""


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One order of a list."""

    number: int
    status: str
    item: Bilingual
    start_at: datetime
    district: str
    worker: str
    total_cents: int
    flags: tuple[Attention, ...]

    @classmethod
    def of(cls, o: OrderBrief, catalog: Catalog, flags: Iterable[Attention] = ()) -> OrderLine:
        """``o`` as an admin's list shows it (``/orders``, a customer's card and orders),
        with why it needs attention."""
        return cls(
            o.number,
            o.status,
            catalog.name_of(o.item_id),
            o.start_at,
            o.district,
            o.worker,
            o.total_cents,
            tuple(flags),
        )


@dataclass(frozen=True, slots=True)
class OrdersListed(Result):
    """``/orders``: one page of the orders asked for, and every order needing attention."""

    stuck_only: bool
    statuses: tuple[str, ...]
    day: date | None
    """The day the orders start on; None: any day (a status was asked for)."""
    today_by_default: bool
    """Neither a day nor a status was asked: today's orders."""
    total: int
    money: bool
    """The asker's role sees amounts."""
    orders: tuple[OrderLine, ...]
    flags: tuple[Flag, ...]
    new: bool = False
    """``/orders new``: ``orders`` are those booked on ``day`` (today when None), newest
    first, whatever day they start."""
    later: tuple[OrderLine, ...] = ()
    """Today's list: the orders booked today for a later day, newest first (the first few:
    ``later_total`` in all) — new work the day's list by service day does not show."""
    later_total: int = 0
    flags_more: bool = False
    """More orders need someone than ``flags`` holds (it is the oldest of them)."""


@dataclass(frozen=True, slots=True)
class Contact:
    """A customer or worker on an order, the phone masked unless the role sees phones."""

    id: int
    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class PaymentLine:
    kind: str
    provider: str
    amount_cents: int
    status: str


@dataclass(frozen=True, slots=True)
class OrderMoney:
    total_cents: int
    paid_cents: int
    refunded_cents: int
    pending_refunds_cents: int
    coupon: str
    payments: tuple[PaymentLine, ...]
    fee_cents: int = 0
    """The cancellation fee still kept (``cancellations.fee_still_kept``; 0: none)."""
    waived_cents: int = 0
    """What ``/waive`` forgave of what the customer owed (0: nothing)."""


@dataclass(frozen=True, slots=True)
class ComplaintBrief:
    id: int
    category: str
    status: str
    filed_at: datetime


@dataclass(frozen=True, slots=True)
class StatusReached:
    """A step of the order's timeline: the status it reached, when, by whom — or, with an
    ``action``, a change that moved no status (a new time: ``status`` the one it stayed in)."""

    at: datetime
    status: OrderStatus
    actor: str
    """``kind:id`` (``domain.orders.Actor``): ``customer:5``, ``admin:telegram:12345``…"""
    role: str = ""
    """An admin actor's role as it is now ("" for others, or an admin no longer one)."""
    action: Action | None = None
    note: str = ""
    """The event's note as stored (``domain.timeline_notes``: ``rescheduled:…``), read in the
    admin's language when shown."""


@dataclass(frozen=True, slots=True)
class OrderInspected(Result):
    """``/order #N``: everything about one order the asker's role may see."""

    number: int
    status: OrderStatus
    item: Bilingual
    start_at: datetime
    created_at: datetime
    channel: str
    customer: Contact
    address: Bilingual
    """In full, masked to the district (named in each language), or "" (no address)."""
    worker: Contact | None
    late_minutes: int
    note: str
    photos: tuple[tuple[str, int], ...]
    """(kind, how many), by kind."""
    complaints: tuple[ComplaintBrief, ...]
    timeline: tuple[StatusReached, ...]
    money: OrderMoney | None
    """None when the role sees no amounts."""
    located: Located | None = None
    """Where the address is as dispatch sees it: district, who located it, how exactly."""
    policy_no: str = ""
    """The order's insurance policy number, once issued (else empty)."""
    surcharges: tuple[tuple[ExtraState, int, Bilingual], ...] = ()
    """The on-site extras asked for: (where each stands — answered, paid, waived —, amount,
    what), oldest first; empty for a role that sees no amounts."""
    contract: Bilingual | None = None
    """A long placement's contract period (else None)."""
    replacements: int = 0
    """How many times the placement's customer had its worker replaced."""


@dataclass(frozen=True, slots=True)
class TrailShown(Result):
    """``/audit #N``: the order's whole trail, oldest first (amounts left out for a role that
    sees none)."""

    number: int
    status: OrderStatus
    entries: tuple[TrailEntry, ...]


@dataclass(frozen=True, slots=True)
class OrderAssigned(Result):
    """``/assign``: a job nobody had, given to a worker."""

    number: int
    worker_id: int
    name: str


@dataclass(frozen=True, slots=True)
class OrderReassigned(Result):
    """``/reassign``: an accepted job moved to another worker (both told)."""

    number: int
    from_worker_id: int
    to_worker_id: int
    to_name: str


@dataclass(frozen=True, slots=True)
class OrderCancelledByAdmin(Result):
    """``/cancel``: cancelled under the cancellation policy; the rest goes back."""

    number: int
    fee_cents: int
    refund_cents: int
    reason: Phrase
    """Why that fee (the policy's words)."""


@dataclass(frozen=True, slots=True)
class RefundRequested(Result):
    """``/refund``: a refund planned and sent to the providers."""

    number: int
    amount_cents: int
    queued: bool
    """Sent once the chat turn commits (the customer is told when it is done)."""
    pending: int
    """Refunds a provider has not confirmed yet (retried)."""
    unpaid_but_live: bool = False
    """Everything paid is given back while the order is still to be served: it goes ahead
    unpaid (a goodwill refund) unless the admin cancels it."""
    after_settlement: bool = False
    """The order was settled with a worker: the platform bears this refund and the worker
    keeps their pay (only a complaint's refund claws back the worker's share)."""


@dataclass(frozen=True, slots=True)
class BalanceWaived(Result):
    """``/waive``: what the customer still owed on the finished order is forgiven."""

    number: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class RefundAlreadyRequested(Result):
    """``/refund``: this very request was carried out before; nothing more was refunded."""

    number: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class OrderReleased(Result):
    """``/release``: an order held by a risk rule let through (dispatched if paid)."""

    number: int
    status: OrderStatus
