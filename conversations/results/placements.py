"""Results of long placements' commands (``services.placement_replacements``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class PlacementHandedOver(Result):
    """``/handover``: another worker has the placement from ``on`` (everyone told)."""

    number: int
    from_worker_id: int
    to_worker_id: int
    to_name: str
    on: date


@dataclass(frozen=True, slots=True)
class PlacementTerminated(Result):
    """``/terminate``: the contract ended on ``on``; ``refund_cents`` goes back."""

    number: int
    on: date
    used_days: int
    fee_cents: int
    refund_cents: int
