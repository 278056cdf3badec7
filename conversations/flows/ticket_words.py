"""The support tickets' admin commands as typed: ``/tickets``, ``/ticket T12``, ``/take T12``,
``/reply T12 text`` (a plain number is a complaint's), ``/close T12``. Pure."""

from __future__ import annotations

from domain import commands as c
from domain import limits
from domain.limits import within
from domain.support import parse_ref

NAMES = ("tickets", "ticket", "take", "close")


def wanted(name: str, w: list[str]) -> bool:
    """True when the command is about tickets (``/reply`` only with a ``T…`` id)."""
    return name in NAMES or (name == "reply" and bool(w) and parse_ref(w[0]) is not None)


def build(name: str, w: list[str], args: str, by: str, role: str) -> c.Message | None:
    if name == "tickets":
        return c.ListTickets(by, role)
    ticket = parse_ref(w[0]) if w else None
    if ticket is None:
        return None
    if name == "ticket":
        return c.ShowTicket(by, role, ticket)
    if name == "take":
        return c.TakeTicket(by, role, ticket)
    if name == "close":
        return c.CloseTicket(by, role, ticket)
    text = args.strip()[len(w[0]) :].strip()
    return c.ReplyTicket(by, role, ticket, within(limits.COMPLAINT_REPLY, text)) if text else None
