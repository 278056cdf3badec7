"""Long placements (DESIGN §4b): nanny, maternity-nurse and live-in care bookings measured in
days or months, with a contract period that blocks the worker's calendar for all of it.

A catalog item that is a placement carries ``PlacementTerms`` (live-in or not, the daily
hours, the days of the week worked). Its quantity is days (``unit: day``) or months
(``unit: month``, ``PlacementRules.days_per_month`` days each). The period starts on the
booked start date (day 1) and ends on the date of its last working day; a live-in worker
is there around the clock, so the period ends ``daily_hours`` after the start time on its
last day. The whole period — start to end, every day of it, plus the travel buffer — is one
busy interval for dispatch (``domain.dispatch.Busy``): a worker on a placement is never
offered another job inside it, however long it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.errors import QuoteError

EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)
"""Monday (0) to Sunday (6)."""


@dataclass(frozen=True)
class PlacementRules:
    """The placement numbers of the catalog file's ``rules.placements``."""

    days_per_month: int = 26
    """How many days one month of a month-priced placement is (the trade's 26)."""
    max_contract_days: int = 400
    """The longest contract period: how far back dispatch looks for one still running."""
    billing_days: int = 26
    """One billing period is this many working days of the contract (26: monthly)."""
    bill_in_advance: bool = True
    """A period is due at its start (else at its end, in arrears)."""
    due_reminder_days: int = 3
    """The customer is asked to pay a period this many days before it is due."""
    free_replacements: int = 2
    """How many times a customer may ask for another worker per contract, free."""
    notice_fee_days: int = 3
    """Ending a contract early costs this many days of its price (at most what is unused)."""
    renewal_reminder_days: int = 7
    """The customer is offered a one-tap renewal this many days before the contract ends."""
    interview_minutes: int = 60
    """How long an interview (面试) with the worker before the contract starts takes."""


@dataclass(frozen=True, slots=True)
class PlacementTerms:
    """What a placement item's days are: live-in (around the clock) or daily hours, and the
    days of the week worked."""

    live_in: bool = True
    daily_hours: int = 24
    weekdays: tuple[int, ...] = EVERY_DAY


@dataclass(frozen=True, slots=True)
class ContractPeriod:
    """A placement order's contract period (the order's start to its end)."""

    start_at: datetime
    end_at: datetime
    first_day: date
    last_day: date
    days: int
    """Working days in the period (what is priced)."""
    live_in: bool
    daily_hours: int
    weekdays: tuple[int, ...]

    @property
    def minutes(self) -> int:
        """The whole period in minutes: the order's duration, the worker's busy time."""
        return int((self.end_at - self.start_at).total_seconds()) // 60

    def covers(self, day: date) -> bool:
        """Whether ``day`` is inside the period (worked or not)."""
        return self.first_day <= day <= self.last_day


def contract_days(unit: str, quantity: int, rules: PlacementRules) -> int:
    """The working days ``quantity`` units of a placement item are."""
    return quantity * rules.days_per_month if unit == "month" else quantity


def contract_period(
    terms: PlacementTerms, start_at: datetime, days: int, tz: ZoneInfo
) -> ContractPeriod:
    """The period of ``days`` working days from ``start_at`` (its date is day 1; after it,
    only the terms' weekdays count)."""
    if start_at.tzinfo is None:
        raise QuoteError("start time must carry a timezone")
    if days < 1:
        raise QuoteError("a contract period has at least one day")
    if not terms.weekdays or terms.daily_hours < 1:
        raise QuoteError("a placement works some hours on some days")
    local = start_at.astimezone(tz)
    first = local.date()
    last, counted = first, 1
    while counted < days:
        last += timedelta(days=1)
        if last.weekday() in terms.weekdays:
            counted += 1
    end = datetime.combine(last, local.timetz()) + timedelta(hours=terms.daily_hours)
    return ContractPeriod(
        start_at=start_at,
        end_at=end.astimezone(start_at.tzinfo),
        first_day=first,
        last_day=last,
        days=days,
        live_in=terms.live_in,
        daily_hours=terms.daily_hours,
        weekdays=terms.weekdays,
    )


class PlacementStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    TERMINATED = "terminated"


@dataclass
class Placement:
    """A placement order's contract: its period, kept when the order is placed (the catalog
    may change later), and what happened to it since."""

    order_id: int
    customer_id: int
    item_id: str
    period: ContractPeriod
    created_at: datetime
    status: PlacementStatus = PlacementStatus.ACTIVE
    replacements_used: int = 0
    interview_at: datetime | None = None
    """When the customer meets the worker before the contract starts (面试), if arranged."""
    id: int | None = None

    @property
    def days(self) -> int:
        return self.period.days

    @property
    def live_in(self) -> bool:
        return self.period.live_in
