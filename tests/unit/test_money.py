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
