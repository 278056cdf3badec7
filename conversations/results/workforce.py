"""Results of the admins' transfers and of a worker leaving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class TransferStarted(Result):
    """``/transfer``: the job was offered to ``offered_to`` (None: no idle worker nearby
    could take it; ops were told and the current worker keeps it)."""

    number: int
    from_worker_id: int
    offered_to: int | None


@dataclass(frozen=True, slots=True)
class WorkerLeft(Result):
    """``/leave``: the worker is marked as left; their deposit is paid back after the
    rules' days if no complaint is open then."""

    worker_id: int
    name: str
    deposit_cents: int
    release_at: datetime
