"""Support tickets: the customer writes, ends and rates; support lists, reads, takes, replies
and closes (``/tickets``, ``/ticket T12``, ``/take T12``, ``/reply T12 …``, ``/close T12``);
the SLA sweep."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


@dataclass(frozen=True)
class EndTicket(Command):
    """The customer ends their open ticket ("结束咨询")."""

    customer_id: int


@dataclass(frozen=True)
class RateTicket(Command):
    """The customer's 1–5 for a closed ticket (None: their latest unrated one)."""

    customer_id: int
    ticket_id: int | None
    stars: int


@dataclass(frozen=True)
class ListTickets(Command):
    admin: str
    role: str


@dataclass(frozen=True)
class ShowTicket(Command):
    """``/ticket T12``: the whole conversation of a ticket (the read is audited)."""

    admin: str
    role: str
    ticket_id: int


@dataclass(frozen=True)
class TakeTicket(Command):
    admin: str
    role: str
    ticket_id: int


@dataclass(frozen=True)
class ReplyTicket(Command):
    admin: str
    role: str
    ticket_id: int
    text: str


@dataclass(frozen=True)
class CloseTicket(Command):
    admin: str
    role: str
    ticket_id: int


@dataclass(frozen=True)
class TicketSweep(Command):
    """Re-alert support about unanswered tickets, once per SLA step."""
