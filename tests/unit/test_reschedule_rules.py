"""The reschedule rule: what moving a placed order costs, and the moves it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError
from domain.lifecycle import ActorKind, OrderStatus
from domain.reschedule import MOVABLE, not_movable, reschedule_terms
from domain.rules import BookingRules, RescheduleRules

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
RULES = RescheduleRules(free_before_hours=24, fee_bp=1_000)


def terms(
    status: OrderStatus = OrderStatus.ACCEPTED,
    start: timedelta = timedelta(hours=48),
    new: timedelta = timedelta(hours=72),
    actor: ActorKind = ActorKind.CUSTOMER,
    paid: int = 20_000,
):
    return reschedule_terms(
        status=status,
        paid_cents=paid,
        start_at=NOW + start,
        new_start=NOW + new,
        now=NOW,
        rules=RULES,
        booking=BookingRules(),
        actor=actor,
        days_ahead=BookingRules().max_days_ahead,
    )


def test_free_at_least_the_notice_before_the_start() -> None:
    assert terms(start=timedelta(hours=24)).fee_cents == 0


def test_a_share_of_what_was_paid_inside_the_notice() -> None:
    assert terms(start=timedelta(hours=23), new=timedelta(hours=30)).fee_cents == 2_000


def test_free_while_no_worker_has_accepted_or_nothing_was_paid() -> None:
    late = timedelta(hours=3)
    assert terms(OrderStatus.DISPATCHING, start=late).fee_cents == 0
    assert terms(OrderStatus.AWAITING_PAYMENT, start=late, paid=0).fee_cents == 0


def test_an_admin_moves_it_for_free() -> None:
    assert terms(start=timedelta(hours=3), actor=ActorKind.ADMIN).fee_cents == 0


@pytest.mark.parametrize(
    "status",
    [
        OrderStatus.ON_THE_WAY,
        OrderStatus.ARRIVED,
        OrderStatus.FINISHED,
        OrderStatus.CANCELLED,
        OrderStatus.QUOTED,
    ],
)
def test_refused_once_the_worker_set_off_or_the_order_is_over(status: OrderStatus) -> None:
    with pytest.raises(DomainError):
        terms(status)


@pytest.mark.parametrize(
    "new",
    [timedelta(hours=48), timedelta(hours=-1), timedelta(minutes=30), timedelta(days=31)],
)
def test_refused_for_the_same_a_past_a_too_soon_or_a_too_far_slot(new: timedelta) -> None:
    with pytest.raises(DomainError):
        terms(new=new)


def test_refused_when_the_new_time_is_priced_differently() -> None:
    with pytest.raises(DomainError):
        reschedule_terms(
            status=OrderStatus.PAID,
            paid_cents=100,
            start_at=NOW + timedelta(hours=48),
            new_start=NOW + timedelta(hours=50),
            now=NOW,
            rules=RULES,
            booking=BookingRules(),
            same_price=False,
            days_ahead=BookingRules().max_days_ahead,
        )


@pytest.mark.parametrize(
    ("status", "zh", "en"),
    [
        (OrderStatus.CANCELLED, "订单 #240117 已取消,无法改约时间。", "is cancelled"),
        (OrderStatus.REFUNDED, "订单 #240117 已取消,无法改约时间。", "is cancelled"),
        (OrderStatus.SETTLED, "订单 #240117 已服务完成,无法改约时间。", "has been served"),
        (OrderStatus.IN_SERVICE, "订单 #240117 的师傅已出发", "already on the way"),
        (OrderStatus.QUOTED, "订单 #240117 现在不能改约时间。", "cannot be rescheduled now"),
    ],
)
def test_an_order_that_cannot_move_says_why_by_its_status(status, zh, en) -> None:
    assert status not in MOVABLE
    why = not_movable(status, 240117)
    assert why.get("zh").startswith(zh) and en in why.get("en")
