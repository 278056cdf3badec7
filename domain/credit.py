"""Worker credit: a 0–100 score from ratings, completion, complaints and punctuality over a
window, the level it earns (S/A/B/C), and what a high complaint rate does to the daily cap."""

from __future__ import annotations

from dataclasses import dataclass

from domain.rules import CreditRules, WorkerLevel

BP = 10_000


@dataclass(frozen=True)
class WorkerRecord:
    """What a worker did in the credit window."""

    accepted: int
    """Jobs accepted (finished, still open, or given up after accepting)."""
    finished: int
    complaints: int
    late: int
    rating_x100: int
    """Mean customer rating; 500 when nobody rated."""


@dataclass(frozen=True)
class Credit:
    score: int
    level: WorkerLevel
    complaint_rate_bp: int


def complaint_rate_bp(complaints: int, finished: int) -> int:
    return complaints * BP // finished if finished else 0


def credit(record: WorkerRecord, rules: CreditRules) -> Credit:
    """The score (each part 0..1, weighted) and the level it earns."""
    rate = complaint_rate_bp(record.complaints, record.finished)
    parts = (
        (rules.rating_weight, max(record.rating_x100 - 100, 0) * BP // 400),
        (
            rules.completion_weight,
            record.finished * BP // record.accepted if record.accepted else BP,
        ),
        # a complaint rate of twice the cap (10% by default) or more counts as nothing
        (
            rules.complaint_weight,
            max(BP - rate * BP // max(2 * rules.complaint_rate_cap_bp, 1), 0),
        ),
        (
            rules.punctuality_weight,
            BP - record.late * BP // record.finished if record.finished else BP,
        ),
    )
    weights = sum(w for w, _ in parts)
    score = sum(w * min(p, BP) for w, p in parts) * 100 // (weights * BP) if weights else 100
    return Credit(score, level_for(score, rules), rate)


def level_for(score: int, rules: CreditRules) -> WorkerLevel:
    for level in (WorkerLevel.S, WorkerLevel.A, WorkerLevel.B):
        if score >= rules.level_min_score.get(level, 101):
            return level
    return WorkerLevel.C


def effective_daily_cap(daily_cap: int, complaint_rate: int, rules: CreditRules) -> int:
    """A worker whose complaint rate is over the cap takes fewer jobs a day."""
    if complaint_rate > rules.complaint_rate_cap_bp:
        return min(daily_cap, rules.lowered_daily_cap)
    return daily_cap


def spot_check_count(finished: int, rules: CreditRules) -> int:
    """How many of ``finished`` orders to check: the share, rounded up (none of none)."""
    return -(-finished * rules.spot_check_bp // BP)
