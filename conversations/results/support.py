"""What the support tickets' commands did: the customer's end and rating, support's queue,
take, reply and close. (The SLA sweep's: ``sweeps.TicketsChased``.)"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class TicketEnded(Result):
    """The customer ended their ticket: a rating is asked."""

    ticket: int


@dataclass(frozen=True, slots=True)
class TicketRated(Result):
    ticket: int
    stars: int


@dataclass(frozen=True, slots=True)
class TicketLine:
    """One ticket of the queue."""

    ticket: int
    customer_id: int
    channel: str
    status: str
    taken_by: str
    minutes: int
    """Minutes since it was opened."""
    waiting: int
    """Minutes the customer has waited for a first answer (0: answered)."""


@dataclass(frozen=True, slots=True)
class TicketsListed(Result):
    """``/tickets``: open first, oldest first."""

    tickets: tuple[TicketLine, ...]


@dataclass(frozen=True, slots=True)
class TicketHandled(Result):
    """``/take``, ``/reply`` or ``/close`` done (``action``: take, reply, close)."""

    ticket: int
    action: str
