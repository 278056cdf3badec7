"""Long placements (``domain.placements``): the sweep over their billing periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.commands.base import Command


@dataclass(frozen=True)
class PlacementSweep(Command):
    """Scheduler sweep: customers asked to pay each period ``due_reminder_days`` before it is
    due (a payment request through their channel's provider), and each period over and paid
    settled (the worker's share by commission) — each once, across processes."""


@dataclass(frozen=True)
class RequestReplacement(Command):
    """The customer asks for another worker on their placement, with a reason (free up to
    ``PlacementRules.free_replacements`` per contract); ops are told, with candidates."""

    customer_id: int
    number: int
    reason: str


@dataclass(frozen=True)
class HandOverPlacement(Command):
    """Ops give a placement to another worker from ``on`` (a date; "" today): the period
    under way is paid to both by the days each worked."""

    admin: str
    role: str
    number: int
    worker_id: int
    on: str = ""


@dataclass(frozen=True)
class TerminatePlacement(Command):
    """Ops end a placement early from ``on`` (a date; "" today): the unused days are
    refunded less the rules' notice fee, the used ones settled."""

    admin: str
    role: str
    number: int
    on: str = ""


@dataclass(frozen=True)
class RenewPlacement(Command):
    """The customer renews a placement in one tap: the same service, days and home from the
    day it ends, the same worker asked for; paid like any order."""

    customer_id: int
    number: int


@dataclass(frozen=True)
class ArrangeInterview(Command):
    """The customer meets the placement's worker at ``at``, before the contract starts (面试);
    not happy, they ask for a replacement before day 1."""

    customer_id: int
    number: int
    at: datetime


@dataclass(frozen=True)
class RequestTermination(Command):
    """The customer asks to end their placement early: told what it comes to if it ends
    tomorrow (the rules' refund and notice fee), and ops are asked to ``/terminate`` it."""

    customer_id: int
    number: int
