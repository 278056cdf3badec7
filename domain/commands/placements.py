"""Long placements (``domain.placements``): the sweep over their billing periods."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


@dataclass(frozen=True)
class PlacementSweep(Command):
    """Scheduler sweep: customers asked to pay each period ``due_reminder_days`` before it is
    due (a payment request through their channel's provider), and each period over and paid
    settled (the worker's share by commission) — each once, across processes."""
