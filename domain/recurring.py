"""Recurring bookings: "every Saturday at 09:00", each visit made an order ahead of time.

A subscription keeps the booking it repeats (items, address, notes) and the start of its next
visit, ``next_start_at``: the deadline the scheduler sweeps over, so a restart loses nothing.
Times are business-local (``weekday``, ``at_time``) and stored instants are UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.catalog import Catalog
from domain.errors import DomainError
from domain.lifecycle import Action, OrderStatus
from domain.orders import Order
from domain.pricing import Selection
from domain.rules import BookingRules
from domain.text import N_

WEEKDAY_TEXT = (
    N_("周一"),
    N_("周二"),
    N_("周三"),
    N_("周四"),
    N_("周五"),
    N_("周六"),
    N_("周日"),
)
"""Weekday names, Monday first (``datetime.weekday()`` numbering)."""

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass
class Subscription:
    """A customer's standing booking, repeated every week on ``weekday`` at ``at_time``."""

    customer_id: int
    channel: str
    lang: str
    selections: tuple[Selection, ...]
    weekday: int
    at_time: time
    next_start_at: datetime
    created_at: datetime
    address_id: int | None = None
    notes: str = ""
    bundle_id: str | None = None
    active: bool = True
    first_order_id: int | None = None
    """The order it was set up from: the sweep makes no visit's order before that one is
    paid, and the booking ends when that one is cancelled unpaid (None: set up before this
    was kept, and goes on as it did)."""
    id: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise DomainError(f"weekday must be 0–6, not {self.weekday}")
        if self.next_start_at.tzinfo is None or self.created_at.tzinfo is None:
            raise DomainError("subscription times must carry a timezone")

    @property
    def item_id(self) -> str:
        return self.selections[0].item_id

    def repeats(
        self,
        selections: tuple[Selection, ...],
        address_id: int | None,
        weekday: int,
        at_time: time,
    ) -> bool:
        """Whether this booking already repeats the one of ``selections`` at ``address_id``
        every ``weekday`` at ``at_time``: a second one would make each visit twice."""
        return (self.weekday, self.at_time, self.selections, self.address_id) == (
            weekday,
            at_time,
            selections,
            address_id,
        )


def ever_paid(order: Order) -> bool:
    """Whether ``order`` (read with its timeline) has been paid: a recurring booking set up
    from it makes no visit's order before (``Subscription.first_order_id``)."""
    return any(e.action == Action.PAY for e in order.timeline)


def cancelled_unpaid(order: Order) -> bool:
    """Whether ``order`` (read with its timeline) was cancelled before it was ever paid: no
    recurring booking is set up from it (one set up before ended with it)."""
    return order.status == OrderStatus.CANCELLED and not ever_paid(order)


def parse_at_time(text: str) -> time:
    """``"09:30"`` → ``time(9, 30)``; DomainError for anything else."""
    m = _HHMM.match(text.strip())
    if m is None:
        raise DomainError(N_("时间格式应为 HH:MM(如 09:30),不是 {text!r}", text=text))
    return time(int(m.group(1)), int(m.group(2)))


def format_at_time(at: time) -> str:
    return f"{at:%H:%M}"


def next_visit(after: datetime, weekday: int, at: time, tz: ZoneInfo) -> datetime:
    """The first instant strictly after ``after`` that is ``weekday`` at ``at`` in ``tz``
    (as UTC). Built from the local date, so a weekly visit keeps its local hour across
    daylight-saving changes where the business timezone has them."""
    if after.tzinfo is None:
        raise DomainError("times must carry a timezone")
    local = after.astimezone(tz)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    candidate = datetime.combine(day, at, tzinfo=tz)
    if candidate <= after:
        candidate = datetime.combine(day + timedelta(days=7), at, tzinfo=tz)
    return candidate.astimezone(UTC)


def first_visit(
    now: datetime, not_before: datetime, weekday: int, at: time, rules: BookingRules, tz: ZoneInfo
) -> datetime:
    """The first visit of a new subscription: bookable now (at least the minimum lead time
    ahead) and on a later local day than ``not_before`` (the order it repeats: that visit is
    booked, and a second one the same day — the order's day at another hour — would repeat
    it within hours, not weekly)."""
    bookable = now + timedelta(minutes=rules.min_lead_minutes) - timedelta(microseconds=1)
    if not_before.tzinfo is None:
        raise DomainError("times must carry a timezone")
    day = not_before.astimezone(tz).date() + timedelta(days=1)
    day_over = datetime.combine(day, time(0), tzinfo=tz) - timedelta(microseconds=1)
    return next_visit(max(bookable, day_over), weekday, at, tz)


def lead_days(item_ids: Iterable[str], catalog: Catalog, rules: BookingRules) -> int:
    """How many days before a visit of these items (a subscription's, a bundle's) its order
    is made: ``recurring_ahead_days``, or fewer for a service bookable fewer days ahead
    (its own horizon, ``Catalog.days_ahead``; the rule's ``max_days_ahead`` without one)."""
    return min(rules.recurring_ahead_days, catalog.days_ahead(item_ids, rules.max_days_ahead))


@dataclass(frozen=True)
class DueBy:
    """Up to when visits are made orders now: ``until`` for most services; the services
    (by item id, a subscription's first item) and bundles (by id) with a lead of their own
    (``lead_days``: a service bookable 3 days ahead is made 3 days ahead, not a week) up to
    theirs — their visit waits until it comes within the service's horizon."""

    until: datetime
    items: Mapping[str, datetime] = field(default_factory=dict)
    bundles: Mapping[str, datetime] = field(default_factory=dict)

    @property
    def latest(self) -> datetime:
        """The furthest any visit is made ahead."""
        return max((self.until, *self.items.values(), *self.bundles.values()))


def due_by(now: datetime, rules: BookingRules, catalog: Catalog) -> DueBy:
    """Which visits are made into orders ``now``: those within their service's lead."""
    lead = min(rules.recurring_ahead_days, rules.max_days_ahead)

    def own(item_ids: Iterable[str]) -> datetime | None:
        days = lead_days(item_ids, catalog, rules)
        return None if days == lead else now + timedelta(days=days)

    items = {i.id: at for i in catalog.items() if (at := own((i.id,))) is not None}
    bundles = {b.id: at for b in catalog.bundles if (at := own(b.item_ids)) is not None}
    return DueBy(now + timedelta(days=lead), items, bundles)


class SkipReason(StrEnum):
    """Why a visit did not become an order."""

    TOO_LATE = "too_late"
    """The visit is too close (or already past): the service was down when it was due."""
    TOO_FAR = "too_far"
    """Beyond the service's booking horizon (``max_days_ahead``): not yet — never skipped,
    the visit waits until it comes within (``due_by`` leaves it till then)."""
    HELD = "held"
    """The customer's new orders are on hold (a risk rule)."""
    UNAVAILABLE = "unavailable"
    """The service, an option or the bundle is no longer in the catalog."""
    ADDRESS = "address"
    """The address is gone."""
    CUSTOMER = "customer"
    """The customer is gone."""
    PAYMENT = "payment"
    """No payment provider serves the customer's channel (it may be configured later)."""
    PLACEMENT = "placement"
    """A long placement (a contract of days or months) is never repeated weekly: renewed."""
    FAILED = "failed"
    """Making the order failed unexpectedly and kept failing for ``recurring_retry_minutes``
    (logged, the operators told): the visit is skipped rather than tried again at every
    sweep, holding up the later ones."""


ENDS_SUBSCRIPTION = frozenset(
    {SkipReason.UNAVAILABLE, SkipReason.ADDRESS, SkipReason.CUSTOMER, SkipReason.PLACEMENT}
)
"""Reasons no later visit can overcome: the subscription stops (and the customer is told)."""


def slot_problem(
    start_at: datetime, now: datetime, rules: BookingRules, days_ahead: int
) -> SkipReason | None:
    """Whether a visit at ``start_at`` can be booked ``now`` (the booking flow's own limits;
    ``days_ahead``: the service's horizon, ``Catalog.days_ahead``)."""
    if start_at < now + timedelta(minutes=rules.min_lead_minutes):
        return SkipReason.TOO_LATE
    if start_at > now + timedelta(days=days_ahead):
        return SkipReason.TOO_FAR
    return None


def try_again(first_failed_at: datetime, now: datetime, rules: BookingRules) -> bool:
    """Whether a visit whose order failed unexpectedly (first at ``first_failed_at``) is left
    for the next sweep to try again — a passing fault (the database restarting) mends itself
    — rather than skipped now."""
    return now < first_failed_at + timedelta(minutes=rules.recurring_retry_minutes)


def after_missed(
    missed: datetime, now: datetime, sub: Subscription, rules: BookingRules, tz: ZoneInfo
) -> datetime:
    """The next visit to aim for after ``missed`` could not be booked: the following week's,
    or, when the service was down for weeks, the first one still bookable."""
    nxt = next_visit(missed, sub.weekday, sub.at_time, tz)
    earliest = now + timedelta(minutes=rules.min_lead_minutes)
    if nxt < earliest:
        nxt = next_visit(earliest - timedelta(microseconds=1), sub.weekday, sub.at_time, tz)
    return nxt
