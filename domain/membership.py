"""Membership level from trailing spend, and points earned."""

from __future__ import annotations

from domain.rules import MemberLevel, MembershipRules


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
