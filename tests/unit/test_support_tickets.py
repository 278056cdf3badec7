"""The support ticket rules (``domain.support``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError
from domain.rules import AfterSalesRules
from domain.support import (
    Ticket,
    TicketStatus,
    alert_due,
    close,
    customer_writes,
    parse_ref,
    queue_order,
    rate,
    reply,
    take,
    waited_minutes,
)

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
RULES = AfterSalesRules(ticket_first_response_minutes=15, ticket_alerts=3)


def ticket(created: datetime = T0, id_: int = 1) -> Ticket:
    return Ticket(customer_id=7, channel="wechat", created_at=created, id=id_)


def test_refs() -> None:
    assert parse_ref("T12") == 12
    assert parse_ref("t3") == 3
    assert parse_ref("12") is None
    assert parse_ref("T") is None
    assert ticket().ref == "T1"


def test_customer_writes_only_on_their_own_open_ticket() -> None:
    t = ticket()
    customer_writes(t, 7, T0, "hello")
    with pytest.raises(DomainError):
        customer_writes(t, 8, T0, "not mine")
    close(t, "customer", T0)
    with pytest.raises(DomainError):
        customer_writes(t, 7, T0, "after close")
    assert [m.text for m in t.messages] == ["hello"]


def test_reply_takes_and_stops_the_clock() -> None:
    t = ticket()
    assert waited_minutes(t, T0 + timedelta(minutes=20)) == 20
    reply(t, "telegram:1", "hi", T0 + timedelta(minutes=5))
    assert t.status == TicketStatus.TAKEN and t.taken_by == "telegram:1"
    assert t.first_response_at == T0 + timedelta(minutes=5)
    assert alert_due(t, T0 + timedelta(hours=5), RULES) is None
    assert waited_minutes(t, T0 + timedelta(minutes=20)) == 0


def test_take_and_close() -> None:
    t = ticket()
    take(t, "telegram:2")
    assert t.status == TicketStatus.TAKEN
    close(t, "telegram:2", T0)
    with pytest.raises(DomainError):
        take(t, "telegram:3")
    with pytest.raises(DomainError):
        reply(t, "telegram:3", "late", T0)


def test_alert_once_per_step_up_to_the_cap() -> None:
    t = ticket()
    assert alert_due(t, T0 + timedelta(minutes=14), RULES) is None
    assert alert_due(t, T0 + timedelta(minutes=15), RULES) == 1
    t.alert_level = 1
    assert alert_due(t, T0 + timedelta(minutes=29), RULES) is None
    assert alert_due(t, T0 + timedelta(minutes=31), RULES) == 2
    t.alert_level = 3
    assert alert_due(t, T0 + timedelta(hours=9), RULES) is None


def test_rating_once_on_a_closed_own_ticket() -> None:
    t = ticket()
    with pytest.raises(DomainError):
        rate(t, 7, 5)  # still open
    close(t, "telegram:1", T0)
    with pytest.raises(DomainError):
        rate(t, 8, 5)
    with pytest.raises(DomainError):
        rate(t, 7, 6)
    rate(t, 7, 4)
    assert t.rating == 4
    with pytest.raises(DomainError):
        rate(t, 7, 5)


def test_queue_open_first_oldest_first() -> None:
    a, b, c = ticket(T0, 1), ticket(T0 - timedelta(hours=1), 2), ticket(T0 - timedelta(hours=2), 3)
    take(c, "x")
    assert [t.id for t in queue_order([a, b, c])] == [2, 1, 3]
