"""Membership level from trailing spend, and points earned."""

from __future__ import annotations

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
"""Orders whose payment counts: toward the trailing spend, and as a customer's orders."""


def level_for_spend(spend_cents: int, rules: MembershipRules) -> MemberLevel:
    """The highest level whose minimum spend the trailing-window spend reaches."""
    level = MemberLevel.REGULAR
    for candidate, minimum in sorted(rules.level_min_spend_cents.items(), key=lambda kv: kv[1]):
        if spend_cents >= minimum:
            level = candidate
    return level


def points_for_payment(paid_cents: int, rules: MembershipRules) -> int:
    """Points earned for a payment: ``points_per_yuan_paid`` per whole yuan."""
    return max(paid_cents, 0) // 100 * rules.points_per_yuan_paid
