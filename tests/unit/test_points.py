"""Points rules without I/O: the lots spent first, expiry by calendar months, the liability's
value of a balance (exact whatever the rate's rounding), review points, the journals, and
what the points screen shows (``views.points.shown``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.services.views.points import shown
from domain import ledger as L
from domain.points import (
    Lot,
    NotEnoughPoints,
    PointsKind,
    PointsMovement,
    balance_value,
    expiry,
    fifo,
    movement_value,
    points_for_review,
)
from domain.rules import MembershipRules, PricingRules

T0 = datetime(2026, 1, 31, 8, 30, tzinfo=UTC)
M = MembershipRules()


def at(month: int, day: int = 1) -> datetime:
    return datetime(2027, month, day, tzinfo=UTC)


def test_points_are_taken_from_the_lots_that_expire_soonest_and_never_expiring_ones_last():
    lots = [Lot(3, 50, None), Lot(2, 40, at(6)), Lot(1, 30, at(3)), Lot(4, 20, at(3))]
    assert fifo(lots, 100) == [(1, -30), (4, -20), (2, -40), (3, -10)]
    assert fifo(lots, 30) == [(1, -30)]
    assert fifo([Lot(1, 0, at(1)), Lot(2, 5, at(2))], 5) == [(2, -5)]
    with pytest.raises(NotEnoughPoints):
        fifo(lots, 141)


def test_points_expire_the_same_day_so_many_calendar_months_on_or_never():
    assert expiry(T0, M) == datetime(2027, 1, 31, 8, 30, tzinfo=UTC)
    assert expiry(T0, replace(M, points_expire_months=1)) == datetime(
        2026, 2, 28, 8, 30, tzinfo=UTC
    )
    assert expiry(T0, replace(M, points_expire_months=13)) == datetime(
        2027, 2, 28, 8, 30, tzinfo=UTC
    )
    assert expiry(T0, replace(M, points_expire_months=0)) is None


def test_a_review_earns_more_with_a_photo():
    assert points_for_review(False, M) == 10 and points_for_review(True, M) == 30


@given(
    st.sampled_from([100, 50, 300, 7]),
    st.lists(st.integers(-500, 500), max_size=30),
)
def test_movement_values_add_up_to_the_value_of_the_balance_whatever_the_rate(rate, moves):
    pricing = PricingRules(points_per_yuan=rate)
    balance, total = 0, 0
    for move in moves:
        after = max(balance + move, 0)
        total += movement_value(balance, after, pricing)
        balance = after
    assert total == balance_value(balance, pricing) >= 0


def test_points_spent_as_whole_yuan_are_worth_exactly_the_yuan_they_take_off():
    pricing = PricingRules(points_per_yuan=300)
    assert movement_value(1_000, 1_000 - 3 * 300, pricing) == -300


def test_the_points_journals_balance_and_move_the_liability():
    now = T0
    for entries in (
        L.points_awarded("earn:1", 30, now, order_id=1),
        L.points_withdrawn("expire:7:1", 12, now),
        L.points_redeemed("redeem:1", 1_000, 1, now),
        L.points_returned("return:1", 1_000, 1_000, 1, now),
        L.points_returned("return:2", 0, 500, 2, now),
        L.points_forfeited("forfeit:1", 1_000, 1, now),
    ):
        assert sum(e.amount_cents for e in entries) == 0
        assert all(e.journal.startswith("points:") for e in entries)
    redeemed = L.points_redeemed("redeem:1", 1_000, 1, now)
    assert L.points_applied(redeemed) == 1_000
    assert {e.account: e.amount_cents for e in redeemed} == {
        L.POINTS_LIABILITY: 1_000,
        L.POINTS_APPLIED: -1_000,
    }


def test_the_settlement_pays_with_the_points_applied_and_the_rest_of_the_subsidy():
    share = L.split(
        paid=4_000, subsidy=8_000, commission_bp=1_500, late_deduction_bp=0, compensation=0,
        points=1_000,
    )  # fmt: skip
    entries = {e.account: e.amount_cents for e in L.settlement(1, 1, 9, share, T0)}
    assert entries[L.POINTS_APPLIED] == 1_000 and entries[L.SUBSIDY_EXPENSE] == 7_000
    assert entries[L.worker_payable(9)] == -10_200 and sum(entries.values()) == 0


def test_the_points_screen_shows_the_balance_the_soonest_expiry_and_each_movement():
    movements = [
        PointsMovement(5, PointsKind.REDEEMED, -100, 40, at(2), "redeem:7", 3, number=240117),
        PointsMovement(5, PointsKind.EARNED, 140, 140, at(1), "earn:6", 2, at(9), 240116),
    ]
    lots = [Lot(1, 30, at(9)), Lot(2, 10, at(9)), Lot(3, 5, None), Lot(4, 5, at(12))]
    screen = shown(50, lots, movements)
    assert (screen.balance, screen.expiring, screen.expiring_at) == (50, 40, at(9))
    first, second = screen.lines
    assert (first.kind, first.points, first.balance, first.number) == (
        PointsKind.REDEEMED,
        -100,
        40,
        240117,
    )
    assert first.what.get("zh") == "下单抵扣" and first.what.get("en") == "Spent on an order"
    assert (second.at, second.what.get("en")) == (at(1), "Earned by an order")
    empty = shown(0, [Lot(3, 5, None)], [])
    assert (empty.expiring, empty.expiring_at, empty.lines) == (0, None, ())
