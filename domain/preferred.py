"""A customer's preferred worker (DESIGN §3: a booking names an "optional preferred worker").

The customer may choose one of the workers who completed a job for them before (their
confirmed or settled orders, as dispatch's "served before" counts them) who could take this
booking: approved — not suspended, not gone — with the booked service's skill and every
document it needs, valid to its end. Dispatch favours the one chosen (``dispatch.score``'s
``preferred``) and never forces them: busy, offline or far, the job goes to the next best.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from domain.credentials import lacking
from domain.lifecycle import OrderStatus
from domain.people import Certificate, WorkerStatus

SERVED_STATUSES = (OrderStatus.CONFIRMED, OrderStatus.SETTLED)
"""An order in these statuses is a job its worker completed for its customer."""
CHOICES = 8
"""The most workers offered to choose from (the most recent first): one screen of buttons."""


@dataclass(frozen=True, slots=True)
class Served:
    """A worker who completed a job for the customer, as a checkout reads them."""

    worker_id: int
    name: str
    rating_x100: int
    reviews: int
    """Customers' ratings behind ``rating_x100`` (0: none; 5.0 is then dispatch's start)."""
    status: WorkerStatus
    skills: frozenset[str]
    certificates: tuple[Certificate, ...]
    last_order_id: int
    """Their latest completed order for the customer (the most recent come first)."""


def choosable(
    served: Iterable[Served], skill: str, documents: Iterable[str], last_day: date
) -> tuple[Served, ...]:
    """Those of ``served`` the customer may choose for a job needing ``skill`` and
    ``documents`` (each valid to ``last_day``), the most recent first, at most ``CHOICES``."""
    needed = tuple(documents)
    fit = [
        s
        for s in served
        if s.status == WorkerStatus.APPROVED
        and skill in s.skills
        and lacking(needed, s.certificates, last_day) is None
    ]
    fit.sort(key=lambda s: (-s.last_order_id, s.worker_id))
    return tuple(fit[:CHOICES])
