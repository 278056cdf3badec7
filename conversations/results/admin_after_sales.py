"""What the admins' after-sales commands found or did: the complaint queue and one complaint,
a reply or a decision, level changes, spot checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from domain.aftersales import ComplaintStatus
from domain.rules import WorkerLevel


@dataclass(frozen=True, slots=True)
class ComplaintLine:
    """One open complaint of the queue."""

    id: int
    number: int
    category: str
    minutes: int
    """Minutes since it was filed."""
    answered: bool
    overdue: bool
    """Not answered within the first-response time."""


@dataclass(frozen=True, slots=True)
class ComplaintsListed(Result):
    """``/complaints``: every open complaint, oldest first."""

    complaints: tuple[ComplaintLine, ...]


@dataclass(frozen=True, slots=True)
class ComplaintShown(Result):
    """``/complaint ID``: what the customer wrote and photographed (the read is audited)."""

    id: int
    number: int
    category: str
    status: ComplaintStatus
    minutes: int
    text: str
    resolution: str
    refund_cents: int
    photos: tuple[str, ...]
    """Media links."""
    resolved_at: datetime | None = None
    """When it was resolved (None while open): a resolved one shows this, not a wait."""


@dataclass(frozen=True, slots=True)
class ComplaintAnswered(Result):
    """``/reply``: the customer has the answer."""

    complaint_id: int
    decided: str = ""
    """How the complaint had been decided already (a ``Resolution``, or ``closed`` without
    one); "" while it is open."""


@dataclass(frozen=True, slots=True)
class ComplaintResolved(Result):
    """``/resolve``: decided (both sides told); a refund goes back through the providers."""

    complaint_id: int
    number: int
    resolution: str
    refund_cents: int


@dataclass(frozen=True, slots=True)
class LevelMove:
    """A worker whose level the recalculation changed."""

    worker_id: int
    name: str
    old: WorkerLevel
    new: WorkerLevel
    score: int
    suspended: bool


@dataclass(frozen=True, slots=True)
class LevelsRecalculated(Result):
    """``/levels [ID]``: the levels that changed (none is an answer too)."""

    changes: tuple[LevelMove, ...]


@dataclass(frozen=True, slots=True)
class SpotCheckLine:
    id: int
    number: int
    worker_id: int | None
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class SpotChecksListed(Result):
    """``/spotchecks``: the spot checks still to do."""

    checks: tuple[SpotCheckLine, ...]


@dataclass(frozen=True, slots=True)
class SpotCheckClosed(Result):
    """``/checked ID result``: recorded."""

    id: int
