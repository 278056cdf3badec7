"""Masked relay chat: after a worker accepts an order, the customer and the worker write to
each other through the bot about it (text, photos, a location), each in their own channel,
every message tagged with the order number. Neither sees the other's phone or account: the
text is passed as typed but for phone numbers, which are masked. The relay stays open a
configured time after the order ends (``ExecutionRules.relay_open_hours_after_end``).
Pure: times are given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.text import N_


class Side(StrEnum):
    CUSTOMER = "customer"
    WORKER = "worker"

    @property
    def other(self) -> Side:
        return Side.WORKER if self is Side.CUSTOMER else Side.CUSTOMER


@dataclass(frozen=True)
class RelayMessage:
    """One message as relayed (its text already masked)."""

    order_id: int
    at: datetime
    sender: Side
    text: str = ""
    photo: str = ""
    """A photo's media key, or ""."""
    lat: float | None = None
    lon: float | None = None
    label: str = ""
    """A shared location's name (as the platform gave it), if any."""
    id: int | None = None


LIVE = frozenset(
    {
        OrderStatus.ACCEPTED,
        OrderStatus.ON_THE_WAY,
        OrderStatus.ARRIVED,
        OrderStatus.IN_SERVICE,
    }
)
ENDED = frozenset(
    {
        OrderStatus.FINISHED,
        OrderStatus.CONFIRMED,
        OrderStatus.SETTLED,
        OrderStatus.CANCELLED,
        OrderStatus.REFUNDED,
    }
)


def ended_at(order: Order) -> datetime | None:
    """When the order ended: the worker finished it, or it was cancelled or refunded (the
    first of these in its timeline); None while it is not over."""
    if order.status not in ENDED:
        return None
    stops = [e.at for e in order.timeline if e.to_status in ENDED]
    if order.finished_at is not None:
        stops.append(order.finished_at)
    return min(stops, default=None)


def side_of(order: Order, customer_id: int | None, worker_id: int | None) -> Side:
    """Which side of ``order`` the person is on; DomainError when neither."""
    if worker_id is not None and order.worker_id == worker_id:
        return Side.WORKER
    if customer_id is not None and order.customer_id == customer_id:
        return Side.CUSTOMER
    raise DomainError(N_("没有找到订单 #{number}。", number=order.number))


def check_open(order: Order, now: datetime, hours_after_end: int) -> None:
    """Raise DomainError unless the order's relay is open at ``now``: a worker has accepted
    it and it ended no more than ``hours_after_end`` ago."""
    if order.worker_id is None or order.accepted_at is None:
        raise DomainError(N_("订单 #{number} 还没有师傅接单,暂时不能联系。", number=order.number))
    if order.status in LIVE:
        return
    end = ended_at(order)
    if end is None or now > end + timedelta(hours=hours_after_end):
        raise DomainError(
            N_(
                "订单 #{number} 已结束超过 {hours} 小时,不能再通过平台联系。"
                "如有问题请发送「联系客服」。",
                number=order.number,
                hours=hours_after_end,
            )
        )


def answers_customer(
    order: Order, last_from_customer: datetime, now: datetime, minutes: int, hours_after_end: int
) -> bool:
    """Whether a plain text the order's worker types at their menu answers its customer: the
    customer wrote to them through the relay within ``minutes`` (since this worker took the
    order: not to one it was handed over from) and the relay is open (``check_open``)."""
    if minutes <= 0 or order.accepted_at is None or last_from_customer < order.accepted_at:
        return False
    if last_from_customer < now - timedelta(minutes=minutes):
        return False
    try:
        check_open(order, now, hours_after_end)
    except DomainError:
        return False
    return True
