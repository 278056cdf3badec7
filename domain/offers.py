"""Offers of a job to workers: push (one at a time, with a deadline), grab (the top K at once,
first accept wins), transfer (an accepted job handed to a nearby idle worker), manual."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class OfferMode(StrEnum):
    PUSH = "push"
    GRAB = "grab"
    TRANSFER = "transfer"
    MANUAL = "manual"


class OfferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    LOST = "lost"
    WITHDRAWN = "withdrawn"


@dataclass
class Offer:
    order_id: int
    worker_id: int
    mode: OfferMode
    round: int
    earn_cents: int
    offered_at: datetime
    expires_at: datetime
    status: OfferStatus = OfferStatus.OPEN
    answered_at: datetime | None = None
    id: int | None = None


def transfer_pending(offers: Iterable[Offer]) -> bool:
    """Whether an order is being handed over (转单): a transfer offer of it is open, waiting
    for its worker's answer. The order's worker keeps it meanwhile."""
    return any(o.mode == OfferMode.TRANSFER and o.status == OfferStatus.OPEN for o in offers)
