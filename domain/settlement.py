"""How the money of a job is shared: the worker's share by level, lateness deductions."""

from __future__ import annotations

from collections.abc import Iterable

from domain.money import FULL, apply_rate
from domain.pricing import LineKind, QuoteLine
from domain.rules import SettlementRules, WorkerLevel

PLATFORM_FUNDED = frozenset(
    {LineKind.COUPON, LineKind.FIRST_ORDER, LineKind.POINTS, LineKind.FREE_HOURS, LineKind.PREPAID}
)
"""Discounts the platform pays for (points spent on the order among them, from the points
liability; a prepaid card's visit, from its deferred revenue): the worker's share is
computed as if they were not there."""


def service_value(lines: Iterable[QuoteLine]) -> int:
    """What the job is worth to the worker: the quote before platform-funded discounts."""
    return sum(line.amount_cents for line in lines if line.kind not in PLATFORM_FUNDED)


def commission_bp(level: WorkerLevel, rules: SettlementRules) -> int:
    return rules.commission_bp.get(level, rules.default_commission_bp)


def worker_share(amount_cents: int, level: WorkerLevel, rules: SettlementRules) -> int:
    """What the worker earns from ``amount_cents`` paid (the platform keeps its commission)."""
    return apply_rate(amount_cents, FULL - commission_bp(level, rules))
