"""Moving a placed order to another time: whether it may move, and what moving costs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import DomainError
from domain.lifecycle import ActorKind, OrderStatus
from domain.money import apply_rate
from domain.rules import BookingRules, RescheduleRules
from domain.text import N_, Text

MOVABLE = frozenset(
    {
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.DISPATCHING,
        OrderStatus.ACCEPTED,
    }
)
"""Placed, and the worker (if any) has not set off yet."""
_SET_OFF = frozenset({OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE})
_SERVED = frozenset({OrderStatus.FINISHED, OrderStatus.CONFIRMED, OrderStatus.SETTLED})
_CLOSED = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})


def not_movable(status: OrderStatus, number: int) -> Text:
    """Why order ``number`` (``status`` not ``MOVABLE``) cannot move to another time, said to
    its customer (a "改约时间" button on an older message, ``/reschedule #N``)."""
    if status in _CLOSED:
        return N_("订单 #{number} 已取消,无法改约时间。", number=number)
    if status in _SERVED:
        return N_("订单 #{number} 已服务完成,无法改约时间。", number=number)
    if status in _SET_OFF:
        return N_(
            "订单 #{number} 的师傅已出发,无法改约时间;有变化请发送「联系客服」。",
            number=number,
        )
    return N_("订单 #{number} 现在不能改约时间。", number=number)


@dataclass(frozen=True, slots=True)
class RescheduleTerms:
    fee_cents: int
    reason: Text


def reschedule_terms(
    *,
    status: OrderStatus,
    paid_cents: int,
    start_at: datetime,
    new_start: datetime,
    now: datetime,
    rules: RescheduleRules,
    booking: BookingRules,
    actor: ActorKind = ActorKind.CUSTOMER,
    same_price: bool = True,
    days_ahead: int,
) -> RescheduleTerms:
    """What moving the order from ``start_at`` to ``new_start`` costs now.

    Raises DomainError for a move that is not allowed: the order finished, cancelled or the
    worker already set off; the new time the same, in the past, sooner than the booking lead
    time or beyond the bookable range. Free for an admin, before the worker accepted, or at
    least ``free_before_hours`` before the (current) start; else ``fee_bp`` of what was paid.
    A new time the quote prices differently (``same_price`` False: into or out of the night
    window) is refused too: the order is cancelled and booked again instead. ``days_ahead``:
    how far ahead the order's service may be booked (``Catalog.days_ahead``).
    """
    if status not in MOVABLE:
        raise DomainError(N_("这个订单现在不能改约时间"))
    if new_start == start_at:
        raise DomainError(N_("新时间和原来的一样"))
    if new_start < now + timedelta(minutes=booking.min_lead_minutes):
        raise DomainError(N_("新时间太近或已过去,请选择更晚的时间"))
    if new_start > now + timedelta(days=days_ahead):
        raise DomainError(N_("最多可预约 {max_days_ahead} 天内", max_days_ahead=days_ahead))
    if not same_price:
        raise DomainError(N_("新时间的价格不同(夜间服务加价),请取消后重新预约"))
    if actor == ActorKind.ADMIN:
        return RescheduleTerms(0, N_("客服改约,免费"))
    if paid_cents <= 0 or status != OrderStatus.ACCEPTED:
        return RescheduleTerms(0, N_("还没有师傅接单,免费改约"))
    if start_at - now >= timedelta(hours=rules.free_before_hours):
        return RescheduleTerms(
            0,
            N_(
                "距开始 ≥ {free_before_hours} 小时,免费改约",
                free_before_hours=rules.free_before_hours,
            ),
        )
    return RescheduleTerms(
        min(apply_rate(paid_cents, rules.fee_bp), paid_cents),
        N_(
            "距开始不足 {free_before_hours} 小时,收取 {fee_bp}% 改约费",
            free_before_hours=rules.free_before_hours,
            fee_bp=rules.fee_bp // 100,
        ),
    )
