"""An amount with its reason as the worker types it (``domain.surcharge.read_amount``): yuan
with at most two decimals, into whole fen, up to the rules' ceiling — anything else is the
usage, never a rounded or truncated amount with the rest taken for the reason."""

import pytest

from domain.errors import DomainError
from domain.rules import ExecutionRules
from domain.surcharge import AMOUNT_USAGE, read_amount

RULES = ExecutionRules(surcharge_max_cents=100_000)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("80 厨房重油污", (8_000, "厨房重油污")),
        ("¥80.5 厨房", (8_050, "厨房")),
        ("￥ 12.34:油烟机", (1_234, "油烟机")),
        ("80元厨房", (8_000, "厨房")),
        ("80,厨房", (8_000, "厨房")),
        ("８０ 厨房", (8_000, "厨房")),  # full-width digits, as an IME types them
        ("1000 厨房", (100_000, "厨房")),  # the ceiling itself
    ],
)
def test_an_amount_in_yuan_with_a_reason_is_read_into_fen(typed, read):
    assert read_amount(typed, RULES) == read


@pytest.mark.parametrize(
    "typed",
    [
        "99999999999999999999999 厨房",
        "1e30 厨房",
        "80.001 厨房",
        "80.000 厨房",
        "80.5.5 厨房",
        "80yuan 厨房",
        "² 厨房",
        "⑤ 厨房",
        "0 厨房",
        "-5 厨房",
        "80",
        "厨房 80",
    ],
)
def test_anything_else_is_the_usage(typed):
    with pytest.raises(DomainError) as refused:
        read_amount(typed, RULES)
    assert refused.value.text == AMOUNT_USAGE


def test_an_amount_above_the_ceiling_says_the_ceiling():
    with pytest.raises(DomainError) as refused:
        read_amount("1000.01 厨房", RULES)
    assert "1000" in refused.value.text.get("zh")


def test_a_long_reason_is_cut():
    assert len(read_amount("80 " + "油" * 100, RULES)[1]) == 60
