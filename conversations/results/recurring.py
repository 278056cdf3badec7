"""Recurring bookings, the customer's side: the plan drafted from an order, the plan set up,
the list of them, one stopped, a visit skipped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from conversations.events import Result
from domain.text import Bilingual


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    """A recurring booking as the customer's list shows it."""

    id: int
    item: Bilingual
    weekday: int
    """Monday is 0."""
    at_time: time
    """Local time of day of every visit."""
    next_at: datetime
    waits_for: int | None = None
    """The number of the order it was set up from while that one is unpaid: no visit is
    made before it is paid (the list says so instead of the next visit)."""


@dataclass(frozen=True, slots=True)
class SubscriptionPlan:
    """Repeating an order every week: when, the first visit, when its order is made, and
    what a visit costs today."""

    number: int
    """The order it repeats."""
    item: Bilingual
    weekday: int
    at_time: time
    first_at: datetime
    made_at: datetime | None
    """When the first visit's order is made; None when that is due already (made shortly)."""
    ahead_days: int
    price_cents: int


@dataclass(frozen=True, slots=True)
class SubscriptionDrafted(Result):
    """The plan, to be confirmed (nothing is stored yet)."""

    plan: SubscriptionPlan


@dataclass(frozen=True, slots=True)
class Subscribed(Result):
    """The plan is set up."""

    plan: SubscriptionPlan


@dataclass(frozen=True, slots=True)
class SubscriptionsListed(Result):
    subscriptions: tuple[SubscriptionRow, ...]


@dataclass(frozen=True, slots=True)
class SubscriptionStopped(Result):
    subscription: SubscriptionRow


@dataclass(frozen=True, slots=True)
class VisitSkipped(Result):
    """The visit at ``skipped_at`` will not be made an order; ``subscription.next_at`` is the
    visit after it."""

    subscription: SubscriptionRow
    skipped_at: datetime
