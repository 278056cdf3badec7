"""Member levels as a customer sees them: the level's name, its price, and how far the
trailing-window spend is from the next level (the level itself: ``membership.standing``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.membership import LEVEL_RANK, Standing, level_for_spend, standing
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
    """Where a customer stands: their level (by ``spend_cents``, the trailing window's, or
    kept until ``kept_until`` when the spend no longer reaches it), and the next level up
    with its minimum spend and what is still missing (None at the top)."""

    level: MemberLevel
    spend_cents: int
    next_level: MemberLevel | None = None
    next_min_cents: int = 0
    missing_cents: int = 0
    kept_until: datetime | None = None


def progress(
    spend_cents: int,
    rules: MembershipRules,
    held: Standing | None = None,
    now: datetime | None = None,
) -> LevelProgress:
    """The customer's level — by their trailing-window spend, or the level ``held`` while it
    is kept (``membership.standing``) — and the distance to the next one above it."""
    level = level_for_spend(spend_cents, rules)
    kept_until = None
    if held is not None and now is not None:
        current = standing(held, spend_cents, now, rules)
        if current.level != level:
            level, kept_until = current.level, current.until
    above = sorted(
        (minimum, lvl)
        for lvl, minimum in rules.level_min_spend_cents.items()
        if LEVEL_RANK[lvl] > LEVEL_RANK[level]
    )
    if not above:
        return LevelProgress(level, spend_cents, kept_until=kept_until)
    minimum, candidate = above[0]
    missing = max(minimum - spend_cents, 0)
    return LevelProgress(level, spend_cents, candidate, minimum, missing, kept_until)
