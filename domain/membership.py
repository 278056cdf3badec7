"""Membership level from trailing spend — what was paid for services given, kept for a while
once reached — and points earned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.lifecycle import OrderStatus
from domain.rules import MemberLevel, MembershipRules

PAID_STATUSES = [
    s
    for s in OrderStatus
    if s
    not in (
        OrderStatus.QUOTED,
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.CANCELLED,
        OrderStatus.REFUNDED,
    )
]
"""Orders whose payment counts as a customer's orders."""

SERVED_STATUSES = (
    OrderStatus.FINISHED,
    OrderStatus.CONFIRMED,
    OrderStatus.SETTLED,
    OrderStatus.REFUNDED,
)
"""Orders whose service was given: what was paid for them — net of refunds, without the
reschedule fees kept (revenue of their own, ``domain.payments.fees_kept_of``) — is the spend
a level counts. A deposit on an order still to be served is not spent yet: paying it, or
getting it back with a cancellation, moves no level."""

LEVEL_RANK = {level: rank for rank, level in enumerate(MemberLevel)}
"""Regular < silver < gold < diamond."""


def level_for_spend(spend_cents: int, rules: MembershipRules) -> MemberLevel:
    """The highest level whose minimum spend the trailing-window spend reaches."""
    level = MemberLevel.REGULAR
    for candidate, minimum in sorted(rules.level_min_spend_cents.items(), key=lambda kv: kv[1]):
        if spend_cents >= minimum:
            level = candidate
    return level


@dataclass(frozen=True, slots=True)
class Standing:
    """The level a customer holds and, for a level above regular, until when it is kept
    whatever the spend does (None: it follows the spend)."""

    level: MemberLevel
    until: datetime | None = None


def standing(held: Standing, spend_cents: int, now: datetime, rules: MembershipRules) -> Standing:
    """The level held now: what the trailing spend reaches, or the level reached before while
    it is kept — ``level_keep_days`` after the spend last reached it; then it is reviewed and
    falls to what the spend reaches. Reaching it (or a higher one) again keeps it afresh; a
    refund or a spend leaving the window takes nothing away before the review."""
    reached = level_for_spend(spend_cents, rules)
    kept = held.until is not None and now < held.until
    if LEVEL_RANK[reached] < LEVEL_RANK[held.level] and kept:
        return held
    if reached == MemberLevel.REGULAR or rules.level_keep_days <= 0:
        return Standing(reached)
    return Standing(reached, now + timedelta(days=rules.level_keep_days))


def points_for_payment(paid_cents: int, rules: MembershipRules) -> int:
    """Points earned for a payment: ``points_per_yuan_paid`` per whole yuan."""
    return max(paid_cents, 0) // 100 * rules.points_per_yuan_paid
