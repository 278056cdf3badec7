"""Billing and pay per period of a long placement (``domain.placements``).

The contract's price is split into periods of ``PlacementRules.billing_days`` working days
(the last one shorter), in proportion to their days and exactly to the fen. A period is due
at its start (``bill_in_advance``) or at its end; what the customer paid at booking (the
deposit) counts towards the first periods, so a period's request is what is owed by then
less what was paid. When a period is over and paid it is settled: the worker's share by
their level's commission, the platform the rest. A replacement worker taking over within a
period splits its share by the working days each served (``worker_days``, ``shares_by_days``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.ledger import CUSTOMER_PREPAID, PLATFORM_REVENUE, LedgerEntry, journal, worker_payable
from domain.money import FULL, apply_rate, split
from domain.placements import ContractPeriod, PlacementRules


@dataclass(frozen=True, slots=True)
class BillingPeriod:
    seq: int
    """1 for the first period."""
    first_day: date
    last_day: date
    days: int
    amount_cents: int
    starts_at: datetime
    ends_at: datetime
    due_at: datetime


def working_days(period: ContractPeriod) -> list[date]:
    """Every day worked in the period: its first day, then the terms' weekdays."""
    days, day = [period.first_day], period.first_day
    while day < period.last_day:
        day += timedelta(days=1)
        if day.weekday() in period.weekdays:
            days.append(day)
    return days


def billing_periods(
    period: ContractPeriod, total_cents: int, rules: PlacementRules, tz: ZoneInfo
) -> list[BillingPeriod]:
    """The contract's billing periods; their amounts sum exactly to ``total_cents``."""
    days = working_days(period)
    size = max(1, rules.billing_days)
    chunks = [days[i : i + size] for i in range(0, len(days), size)]
    amounts = split(total_cents, [len(chunk) for chunk in chunks]) if total_cents else []
    clock = period.start_at.astimezone(tz).timetz()
    starts = [period.start_at] + [
        datetime.combine(chunk[0], clock).astimezone(period.start_at.tzinfo)
        for chunk in chunks[1:]
    ]
    ends = [*starts[1:], period.end_at]
    return [
        BillingPeriod(
            seq=i + 1,
            first_day=chunk[0],
            last_day=chunk[-1],
            days=len(chunk),
            amount_cents=amounts[i] if amounts else 0,
            starts_at=starts[i],
            ends_at=ends[i],
            due_at=starts[i] if rules.bill_in_advance else ends[i],
        )
        for i, chunk in enumerate(chunks)
    ]


def owed_through(periods: list[BillingPeriod], seq: int) -> int:
    """What the customer owes once period ``seq`` is due (it and every one before)."""
    return sum(p.amount_cents for p in periods if p.seq <= seq)


def amount_due(periods: list[BillingPeriod], seq: int, paid_cents: int) -> int:
    """What period ``seq`` asks for, given what the customer has paid so far (0: paid)."""
    return max(0, owed_through(periods, seq) - paid_cents)


def period_share(amount_cents: int, commission_bp: int) -> int:
    """The worker's share of a period's amount (the platform keeps its commission)."""
    return apply_rate(amount_cents, FULL - commission_bp)


def worker_days(
    bp: BillingPeriod,
    period: ContractPeriod,
    first_worker: int,
    handovers: list[tuple[date, int]],
) -> list[tuple[int, int]]:
    """Who worked how many of billing period ``bp``'s working days: ``first_worker`` from
    the contract's start, then each (hand-over date, new worker) from that date on."""
    days: dict[int, int] = {}
    for day in working_days(period):
        if bp.first_day <= day <= bp.last_day:
            holder = first_worker
            for on, worker in sorted(handovers):
                if on <= day:
                    holder = worker
            days[holder] = days.get(holder, 0) + 1
    return list(days.items())


def shares_by_days(share_cents: int, days: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A period's worker share split between the workers by the days each worked, exact to
    the fen (the parts sum to ``share_cents``)."""
    if not days or sum(n for _, n in days) == 0:
        return []
    parts = split(share_cents, [n for _, n in days])
    return [(worker, part) for (worker, _), part in zip(days, parts, strict=True)]


def period_settlement(
    number: int,
    order_id: int,
    seq: int,
    amount_cents: int,
    shares: list[tuple[int, int]],
    at: datetime,
) -> list[LedgerEntry]:
    """Settle one paid period: the prepaid amount to each worker's share (``shares``:
    (worker, fen)) and the platform's revenue. Keyed ``settle:{number}:p{seq}`` (once)."""
    paid_out = sum(share for _, share in shares)
    postings = [(CUSTOMER_PREPAID, amount_cents)]
    postings += [(worker_payable(worker), -share) for worker, share in shares]
    postings.append((PLATFORM_REVENUE, -(amount_cents - paid_out)))
    return journal(
        period_journal(number, seq), at, postings, order_id=order_id, memo="placement period"
    )


def period_journal(number: int, seq: int) -> str:
    return f"settle:{number}:p{seq}"


def settled_by_periods(number: int, entries: list[LedgerEntry]) -> int:
    """What the order's period settlements already took from ``customer_prepaid``."""
    prefix = f"settle:{number}:p"
    return sum(
        e.amount_cents
        for e in entries
        if e.journal.startswith(prefix) and e.account == CUSTOMER_PREPAID
    )


@dataclass(frozen=True, slots=True)
class Termination:
    """What ending a contract early on ``end_on`` comes to (fen)."""

    end_on: date
    used_days: int
    used_cents: int
    fee_cents: int
    refund_cents: int


def termination(
    period: ContractPeriod, total_cents: int, paid_cents: int, end_on: date, fee_days: int
) -> Termination:
    """The contract ends at the start of ``end_on``: the working days before it are used
    (each worth its exact share of the price), the notice fee is ``fee_days`` days' worth of
    what is unused, and whatever the customer paid beyond both comes back."""
    days = working_days(period)
    worth = split(total_cents, [1] * len(days)) if total_cents else [0] * len(days)
    used = [w for d, w in zip(days, worth, strict=True) if d < end_on]
    unused = worth[len(used) :]
    fee = sum(unused[:fee_days])
    refund = max(0, paid_cents - sum(used) - fee)
    return Termination(end_on, len(used), sum(used), fee, refund)
