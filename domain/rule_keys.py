"""What the rules are keyed by: customers' member levels, workers' levels, complaint
categories (``domain.rules`` re-exports them)."""

from __future__ import annotations

from enum import StrEnum


class MemberLevel(StrEnum):
    REGULAR = "regular"
    SILVER = "silver"
    GOLD = "gold"
    DIAMOND = "diamond"


class ComplaintCategory(StrEnum):
    LATE = "late"
    INCOMPLETE = "incomplete"
    DAMAGE = "damage"
    ATTITUDE = "attitude"
    OTHER = "other"


class WorkerLevel(StrEnum):
    S = "S"
    A = "A"
    B = "B"
    C = "C"
