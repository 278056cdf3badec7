"""Support tickets: "联系客服" opens one; the customer and support write both ways until it is
closed (by support or the customer), then the customer may rate it 1–5 once. An unanswered
ticket re-alerts support once per SLA step (``AfterSalesRules.ticket_first_response_minutes``).
Pure: times are given."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError
from domain.rules import AfterSalesRules
from domain.text import N_, Text


class TicketStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    CLOSED = "closed"


STATUS_TEXT: dict[str, Text] = {
    TicketStatus.OPEN: N_("待处理"),
    TicketStatus.TAKEN: N_("处理中"),
    TicketStatus.CLOSED: N_("已关闭"),
}


class Sender(StrEnum):
    CUSTOMER = "customer"
    SUPPORT = "support"


@dataclass(frozen=True)
class TicketMessage:
    at: datetime
    sender: Sender
    text: str = ""
    photo: str = ""
    """A photo's media key (the customer's), or ""."""
    by: str = ""
    """The admin (``channel:user_id``) for support's messages."""


@dataclass
class Ticket:
    customer_id: int
    channel: str
    created_at: datetime
    id: int | None = None
    status: TicketStatus = TicketStatus.OPEN
    taken_by: str = ""
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: str = ""
    alert_level: int = 0
    rating: int | None = None
    messages: list[TicketMessage] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return ref(self.id or 0)

    @property
    def open(self) -> bool:
        return self.status != TicketStatus.CLOSED


_REF = re.compile(r"^[Tt](\d{1,9})$")


def ref(ticket_id: int) -> str:
    """How people see a ticket's id: ``T12``."""
    return f"T{ticket_id}"


def parse_ref(word: str) -> int | None:
    """``T12``/``t12`` → 12; anything else (a complaint's plain number) → None."""
    m = _REF.match(word.strip())
    return int(m.group(1)) if m else None


def _not_closed(ticket: Ticket) -> None:
    if not ticket.open:
        raise DomainError(N_("工单 {ref} 已关闭", ref=ticket.ref))


def customer_writes(
    ticket: Ticket, customer_id: int, now: datetime, text: str = "", photo: str = ""
) -> TicketMessage:
    """The customer's message on their own open ticket."""
    if ticket.customer_id != customer_id:
        raise DomainError(N_("没有工单 {ref}", ref=ticket.ref))
    _not_closed(ticket)
    message = TicketMessage(now, Sender.CUSTOMER, text, photo)
    ticket.messages.append(message)
    return message


def take(ticket: Ticket, admin: str) -> None:
    """Support takes a ticket (taking one someone else took moves it)."""
    _not_closed(ticket)
    ticket.status, ticket.taken_by = TicketStatus.TAKEN, admin


def reply(ticket: Ticket, admin: str, text: str, now: datetime) -> TicketMessage:
    """Support answers: the first answer stops the SLA alerts; an untaken ticket is taken."""
    _not_closed(ticket)
    if ticket.status == TicketStatus.OPEN:
        take(ticket, admin)
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    message = TicketMessage(now, Sender.SUPPORT, text, by=admin)
    ticket.messages.append(message)
    return message


def close(ticket: Ticket, by: str, now: datetime) -> None:
    """Support (``by`` an admin) or the customer (``by`` "customer") ends it."""
    _not_closed(ticket)
    ticket.status, ticket.closed_at, ticket.closed_by = TicketStatus.CLOSED, now, by


def rate(ticket: Ticket, customer_id: int, stars: int) -> None:
    """The customer's one rating of a closed ticket, 1–5."""
    if ticket.customer_id != customer_id:
        raise DomainError(N_("没有工单 {ref}", ref=ticket.ref))
    if ticket.open:
        raise DomainError(N_("工单 {ref} 还没有结束", ref=ticket.ref))
    if not 1 <= stars <= 5:
        raise DomainError(N_("请打 1 到 5 分"))
    if ticket.rating is not None:
        raise DomainError(N_("工单 {ref} 已经评过分了", ref=ticket.ref))
    ticket.rating = stars


def alert_due(ticket: Ticket, now: datetime, rules: AfterSalesRules) -> int | None:
    """The SLA step an unanswered ticket has reached, if it is past the last one alerted
    (step n: n × the first-response minutes waited; at most ``ticket_alerts`` steps)."""
    if not ticket.open or ticket.first_response_at is not None:
        return None
    window = timedelta(minutes=rules.ticket_first_response_minutes)
    level = min(int((now - ticket.created_at) / window), rules.ticket_alerts)
    return level if level > ticket.alert_level else None


def waited_minutes(ticket: Ticket, now: datetime) -> int:
    """How long the customer has waited: for the first answer, or (answered) not at all."""
    if ticket.first_response_at is not None or not ticket.open:
        return 0
    return max(0, int((now - ticket.created_at).total_seconds()) // 60)


def queue_order(tickets: list[Ticket]) -> list[Ticket]:
    """The support queue: open (untaken) first, then taken; oldest first in each."""
    rank = {TicketStatus.OPEN: 0, TicketStatus.TAKEN: 1, TicketStatus.CLOSED: 2}
    return sorted(tickets, key=lambda t: (rank[t.status], t.created_at, t.id or 0))
