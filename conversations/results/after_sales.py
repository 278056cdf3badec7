"""After the visit, the customer's side: a complaint filed, the job rated, a granted free
rework booked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class FeedbackOpen(Result):
    """The customer may go on: complain about or rate order ``number`` (``action``)."""

    number: int
    action: str


@dataclass(frozen=True, slots=True)
class ComplaintFiled(Result):
    complaint_id: int
    number: int
    settled: bool
    """Settled at once by the rules (with ``refund_cents`` back); else support answers
    within ``answer_within_minutes``."""
    refund_cents: int
    answer_within_minutes: int
    pay_held: bool = True
    """The order's settlement waits for the complaint (False: the worker was paid already)."""


@dataclass(frozen=True, slots=True)
class OrderRated(Result):
    number: int
    overall_x100: int
    follow_up: bool
    """Rated below the review threshold: the team follows up."""


@dataclass(frozen=True, slots=True)
class ReworkBooked(Result):
    """The free rework is a new order, already paid, being dispatched."""

    number: int
    original: int
    start_at: datetime
