"""What the support tickets' commands did: the customer's end and rating, support's queue,
the reading of one, take, reply and close. (The SLA sweep's: ``sweeps.TicketsChased``.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class TicketEnded(Result):
    """The customer ended their ticket: a rating is asked."""

    ticket: int


@dataclass(frozen=True, slots=True)
class TicketClosedMeanwhile(Result):
    """Support closed the ticket the customer was chatting on, and it is not rated: what they
    wrote (``said``, "" for a photo) was not sent; it is read as the rating asked."""

    ticket: int
    said: str


@dataclass(frozen=True, slots=True)
class TicketRated(Result):
    ticket: int
    stars: int


@dataclass(frozen=True, slots=True)
class Staff:
    """A member of staff as people may read them: their role and the channel they use (an
    account's id is for the audit log, not for a screen)."""

    role: str
    """Their admin role now; "" for someone no longer an admin."""
    channel: str


@dataclass(frozen=True, slots=True)
class TicketLine:
    """One ticket of the queue."""

    ticket: int
    customer_id: int
    channel: str
    status: str
    taken_by: Staff | None
    minutes: int
    """Minutes since it was opened."""
    waiting: int
    """Minutes the customer has waited for a first answer (0 once answered, and in its first
    minute)."""
    answered: bool = False
    """Support has answered it."""


@dataclass(frozen=True, slots=True)
class TicketsListed(Result):
    """``/tickets``: open first, oldest first."""

    tickets: tuple[TicketLine, ...]


@dataclass(frozen=True, slots=True)
class TicketHandled(Result):
    """``/take``, ``/reply`` or ``/close`` done (``action``: take, reply, close)."""

    ticket: int
    action: str


@dataclass(frozen=True, slots=True)
class TicketEntry:
    """One message of a ticket: the customer's, or support's with who answered."""

    at: datetime
    from_customer: bool
    by: Staff | None
    """Who answered; None for the customer's."""
    text: str
    photo_url: str


@dataclass(frozen=True, slots=True)
class TicketShown(Result):
    """``/ticket T12``: the whole conversation, oldest first."""

    ticket: int
    customer_id: int
    channel: str
    status: str
    taken_by: Staff | None
    opened_at: datetime
    rating: int | None
    entries: tuple[TicketEntry, ...]
