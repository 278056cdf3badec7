"""Commands about who does the work after acceptance: an admin's transfer of a job, a worker
leaving (their deposit is paid back later), and the sweep that pays deposits back."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


@dataclass(frozen=True)
class TransferOrder(Command):
    """``/transfer #N [WORKER_ID]``: offer an accepted job to another worker (the named one,
    or the best nearby idle one); the current worker keeps it until someone accepts."""

    admin: str
    role: str
    number: int
    worker_id: int | None = None


@dataclass(frozen=True)
class MarkWorkerLeft(Command):
    """``/leave WORKER_ID [reason]``: the worker no longer works with the platform."""

    admin: str
    role: str
    worker_id: int
    reason: str = ""


@dataclass(frozen=True)
class ReleaseDeposits(Command):
    """Scheduler sweep: pay back the deposits of workers who left in good standing."""
