"""A customer's points as a screen shows them (``LoadPointsHistory``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from domain.points import PointsKind
from domain.text import Text


@dataclass(frozen=True, slots=True)
class PointsLine:
    """One movement: what it was, how many points (signed), when, the balance after it,
    and the order it was for (None: none, e.g. an expiry)."""

    at: datetime
    kind: PointsKind
    what: Text
    points: int
    balance: int
    number: int | None


@dataclass(frozen=True, slots=True)
class PointsHistory(Result):
    """The balance now, the points that expire soonest (0 and None when none do) and the
    latest movements, newest first."""

    balance: int
    expiring: int
    expiring_at: datetime | None
    lines: tuple[PointsLine, ...]
