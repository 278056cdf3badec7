"""Dispatch's rules (``rules.dispatch``; ``domain.rules`` re-exports them): push or grab, offer
timeouts and rounds, the radius, and the score's points."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.rule_keys import MemberLevel, WorkerLevel


class DispatchMode(StrEnum):
    PUSH = "push"
    GRAB = "grab"


@dataclass(frozen=True)
class DispatchRules:
    mode: DispatchMode = DispatchMode.PUSH
    offer_timeout_s: int = 300
    grab_top_k: int = 5
    max_rounds: int = 3
    max_push_offers: int = 10
    max_service_radius_km: int = 20
    near_km: int = 3
    travel_buffer_minutes: int = 30
    good_rate_floor_bp: int = 9_000
    level_points: dict[WorkerLevel, int] = field(
        default_factory=lambda: {
            WorkerLevel.S: 300,
            WorkerLevel.A: 200,
            WorkerLevel.B: 100,
            WorkerLevel.C: 0,
        }
    )
    preferred_points: int = 5_000
    previous_points: int = 500
    near_idle_points: int = 2_000
    points_per_km: int = 100
    points_per_rating_star: int = 200
    points_per_active_job: int = 150
    transfer_compensation_bp: int = 1_000
    batch_ahead_hours: int = 0
    """Orders starting at least this far ahead wait for the batch assignment (0: never)."""
    index_from_workers: int = 2_000
    """From so many workers online, dispatch reads only those its index ranks first."""
    index_refresh_seconds: int = 300
    """How old the index's snapshot of the approved workers may get before a rebuild."""
    member_priority_points: dict[MemberLevel, int] = field(
        default_factory=lambda: {
            MemberLevel.REGULAR: 0,
            MemberLevel.SILVER: 1_000,
            MemberLevel.GOLD: 2_000,
            MemberLevel.DIAMOND: 3_000,
        }
    )
    """How far ahead a member's order is served when orders compete for the same workers, in
    score points (``points_per_km`` to the km: 2,000 outweighs 20 km of travel)."""
    member_rating_points_per_star: dict[MemberLevel, int] = field(
        default_factory=lambda: {
            MemberLevel.REGULAR: 0,
            MemberLevel.SILVER: 100,
            MemberLevel.GOLD: 200,
            MemberLevel.DIAMOND: 300,
        }
    )
    """Added to ``points_per_rating_star`` for a member's order: better-rated workers first."""
