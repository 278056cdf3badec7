"""What ``/explain`` answers: how dispatch sees an order now — the workers it would rank, each
score's parts, and the rule that keeps each other worker out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from domain.lifecycle import OrderStatus
from domain.text import Bilingual


@dataclass(frozen=True, slots=True)
class RankedWorker:
    worker_id: int
    name: str
    score: int
    distance_m: int | None
    factors: tuple[tuple[str, int], ...]
    """(``domain.dispatch.FACTOR_TEXT`` key, points)."""


@dataclass(frozen=True, slots=True)
class RefusedWorker:
    worker_id: int
    name: str
    reason: str
    """A ``domain.dispatch.Refusal``."""


@dataclass(frozen=True, slots=True)
class OfferedWorker:
    """A worker holding an open offer of the order: their answer awaited until ``until``."""

    worker_id: int
    name: str
    until: datetime


@dataclass(frozen=True, slots=True)
class DispatchExplained(Result):
    number: int
    status: OrderStatus
    item: Bilingual
    certificates: tuple[str, ...]
    """The document types the service needs."""
    assigned: RankedWorker | RefusedWorker | None
    """The worker who has the order: their score now, or the rule they would fail now."""
    ranked: tuple[RankedWorker, ...]
    """The best eligible workers, best first (the first few)."""
    ranked_count: int
    refused: tuple[RefusedWorker, ...]
    """Workers who do this service but are kept out, the nearest misses first (a few)."""
    refusal_counts: tuple[tuple[str, int], ...]
    """How many workers each rule kept out, most first."""
    offered: tuple[OfferedWorker, ...] = ()
    """Who holds an open offer of the order now (push: one; grab: the round's), their answer
    awaited: no refusal of theirs — they are ranked, or kept out, by the rules as anyone."""
