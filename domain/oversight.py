"""What admins read about the business: figures for a period, order lists with the orders that
need attention flagged, an order's full trail, and the catalog's price changes.

Plain values the store fills in (``ports.AdminReports``, ``ports.Prices``) and the admin
conversation formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """Orders created in a period, and what became of them."""

    by_status: dict[str, int]
    booked: int
    """Orders that count as demand (paid, or past payment), as in GMV."""
    gmv_cents: int
    accept_seconds: list[int]
    """For orders accepted in the period: seconds from payment to acceptance."""
    completed: int
    cancelled: int
    """Booked orders cancelled or refunded (the unpaid ones never counted as demand)."""
    complaints: int
    new_customers: int

    @property
    def average_accept_seconds(self) -> int | None:
        if not self.accept_seconds:
            return None
        return sum(self.accept_seconds) // len(self.accept_seconds)


@dataclass(frozen=True, slots=True)
class LoyaltyStats:
    """Whether customers come back and what keeping them costs, for a period (and the balances
    still owed to them now)."""

    buyers: int
    """Customers with a booked order created in the period."""
    returning: int
    """Of ``buyers``, those with more than one booked order so far (a repeat purchase)."""
    coupons_issued: dict[str, int]
    """Coupons that became valid in the period, by where they came from (``coupons.source``)."""
    coupons_used: dict[str, int]
    points_earned: int
    points_spent: int
    """Points redeemed in the period, net of those given back."""
    points_expired: int
    points_held: int
    """Points customers hold now."""
    points_liability_cents: int
    """What the points customers hold are worth now (the ledger's points liability)."""
    prepaid_outstanding_cents: int
    """Money paid for prepaid visits not yet used (the ledger's deferred revenue)."""
    invited: int
    """Customers who signed up in the period through someone's invitation."""
    referrals_rewarded: int
    """Invitations that paid off in the period: the invitee's first order completed."""

    @property
    def repeat_rate_bp(self) -> int | None:
        return self.returning * 10_000 // self.buyers if self.buyers else None


@dataclass(frozen=True, slots=True)
class OrderBrief:
    """One line of an order list."""

    number: int
    status: str
    item_id: str
    start_at: datetime
    district: str
    worker: str
    total_cents: int


class Attention(StrEnum):
    """Why an order is stuck."""

    UNACCEPTED = "unaccepted"
    """Paid, offered, and nobody accepted within the offer timeout."""
    NO_WORKER = "no_worker"
    HELD = "held"
    """Held for review by a risk rule."""
    LATE = "late"
    """The start has passed and the worker has not arrived."""
    COMPLAINT = "complaint"
    """A complaint nobody answered within the response time."""


@dataclass(frozen=True, slots=True)
class Flag:
    number: int
    why: Attention
    since: datetime


@dataclass(frozen=True, slots=True)
class TrailEntry:
    """One line of an order's trail: a status change (``what`` the status reached,
    ``moved_from`` the one before it, "" for the first), an order event that moved nothing
    (``what`` its action), an admin action or a refund paid (``before``/``after``: the values
    it changed, as the reader's role may see them)."""

    at: datetime
    actor: str
    what: str
    role: str = ""
    moved_from: str = ""
    note: str = ""
    before: tuple[tuple[str, object], ...] = ()
    after: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True, slots=True)
class PriceChange:
    """A catalog price change for new orders: who, when, from what, to what."""

    item_id: str
    old_cents: int
    new_cents: int
    by: str
    role: str
    at: datetime
