"""Member levels as a customer sees them: the level's name, its price, and how far the
trailing-window spend is from the next level (the level itself: ``membership.level_for_spend``)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.membership import level_for_spend
from domain.rules import MemberLevel, MembershipRules
from domain.text import N_, Phrase

LEVEL_TEXT: dict[MemberLevel, Phrase] = {
    MemberLevel.REGULAR: N_("普通会员"),
    MemberLevel.SILVER: N_("白银会员"),
    MemberLevel.GOLD: N_("黄金会员"),
    MemberLevel.DIAMOND: N_("钻石会员"),
}
"""What each level is called (``MemberLevel`` is an id, never shown)."""


@dataclass(frozen=True, slots=True)
class LevelProgress:
    """Where a customer stands: their level by ``spend_cents`` (the trailing window's), and
    the next level up with its minimum spend and what is still missing (None at the top)."""

    level: MemberLevel
    spend_cents: int
    next_level: MemberLevel | None = None
    next_min_cents: int = 0
    missing_cents: int = 0


def progress(spend_cents: int, rules: MembershipRules) -> LevelProgress:
    """The customer's level by their trailing-window spend and the distance to the next."""
    level = level_for_spend(spend_cents, rules)
    above = sorted(
        ((minimum, lvl) for lvl, minimum in rules.level_min_spend_cents.items()),
        key=lambda pair: pair[0],
    )
    for minimum, candidate in above:
        if minimum > spend_cents:
            return LevelProgress(level, spend_cents, candidate, minimum, minimum - spend_cents)
    return LevelProgress(level, spend_cents)
