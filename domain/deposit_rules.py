"""The worker deposit's rules (``rules.settlement.deposit``; ``domain.rules`` re-exports
them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.rule_keys import ComplaintCategory, WorkerLevel


@dataclass(frozen=True)
class DepositRules:
    """The worker deposit (保证金): held from settlements up to the level's amount, raised
    for a high complaint rate, charged for penalties, released after leaving."""

    amount_cents: dict[WorkerLevel, int] = field(
        default_factory=lambda: {
            WorkerLevel.S: 50_000,
            WorkerLevel.A: 80_000,
            WorkerLevel.B: 100_000,
            WorkerLevel.C: 150_000,
        }
    )
    hold_bp: int = 2_000
    """The share of each settlement withheld until the deposit reaches its amount."""
    complaint_rate_above_bp: int = 500
    """A worker whose complaint rate is over this holds a raised deposit ..."""
    raised_bp: int = 15_000
    """... of this share of their level's amount."""
    covers: frozenset[ComplaintCategory] = frozenset({ComplaintCategory.DAMAGE})
    """Complaints whose refund the deposit pays beyond the worker's share of the order."""
    release_after_days: int = 30
    """A worker who left gets the deposit back this long after, with no complaint open."""
