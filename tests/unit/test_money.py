import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import MoneyError, apply_rate, format_yuan, parse_percent, parse_yuan, split


def test_apply_rate_rounds_half_up_to_the_fen():
    assert apply_rate(12345, 9500) == 11728  # 11727.75
    assert apply_rate(10, 500) == 1  # 0.5 rounds up
    assert apply_rate(9, 500) == 0  # 0.45 rounds down
    assert apply_rate(-10, 500) == -1


def test_parse_yuan_is_exact_and_refuses_fractions_of_a_fen():
    assert parse_yuan("40") == 4000
    assert parse_yuan(12.5) == 1250
    assert parse_yuan("¥1,234.56") == 123456
    for bad in ("1.234", "-1", "abc", True, "nan"):
        with pytest.raises(MoneyError):
            parse_yuan(bad)


def test_parse_percent_gives_basis_points():
    assert parse_percent(95) == 9500
    assert parse_percent("12.5%") == 1250
    with pytest.raises(MoneyError):
        parse_percent("1.001")


def test_format_yuan():
    assert format_yuan(123456) == "¥1,234.56"
    assert format_yuan(-2000) == "-¥20.00"


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8).filter(
        lambda w: sum(w) > 0
    ),
)
def test_split_parts_always_sum_to_the_total(total, weights):
    parts = split(total, weights)
    assert sum(parts) == total
    assert all(isinstance(p, int) for p in parts)
    assert all(p == 0 for p, w in zip(parts, weights, strict=True) if w == 0)


def test_an_order_waits_the_payment_window_and_a_recurring_visit_until_the_day_before():
    from datetime import UTC, datetime, timedelta

    from domain.orders import Actor, ActorKind, Order
    from domain.payments import pay_by
    from domain.pricing import Quote
    from domain.rules import PaymentRules

    placed = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

    def order(start_in: timedelta, subscription: int | None = None) -> Order:
        return Order.from_quote(
            number=240117,
            customer_id=1,
            selections=(),
            quote=Quote((), 12_000, 0),
            start_at=placed + start_in,
            created_at=placed,
            channel="telegram",
            actor=Actor(ActorKind.CUSTOMER, "1"),
            subscription_id=subscription,
        )

    rules = PaymentRules(unpaid_expire_minutes=30, recurring_pay_before_hours=24)
    assert pay_by(order(timedelta(days=7)), rules) == placed + timedelta(minutes=30)
    assert pay_by(order(timedelta(hours=2)), rules) == placed + timedelta(minutes=30)
    # a recurring visit made a week ahead may be paid until the day before it...
    assert pay_by(order(timedelta(days=7), 5), rules) == placed + timedelta(days=6)
    # ...but never gets less than the window of an order placed by hand
    assert pay_by(order(timedelta(hours=3), 5), rules) == placed + timedelta(minutes=30)
