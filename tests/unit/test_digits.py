"""``domain.digits.whole``: the one reading of a whole number typed or carried in text, and the
rule number that bounds a price (``rules.pricing.unit_price_max``)."""

from __future__ import annotations

import pytest
import yaml

from domain.digits import BIGINT_MAX, INT_MAX, whole
from domain.execution import visit_code_matches
from domain.payouts import luhn_ok
from store.catalog_file import DEMO_CATALOG, parse_catalog


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("42", 42),
        ("0042", 42),
        ("４２", 42),  # full width: what a Chinese keyboard types
        (str(INT_MAX), INT_MAX),
    ],
)
def test_digits_of_any_script_are_a_whole_number(text, value):
    assert whole(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "²", "⑤", "1²", "-1", "+1", "1.5", " 1", "1 ", "1_000", "一", "x", str(INT_MAX + 1)],
)
def test_what_int_cannot_read_or_an_id_cannot_hold_is_none(text):
    assert whole(text) is None


def test_a_bound_is_inclusive_and_a_run_of_digits_too_long_for_any_number_is_none():
    assert whole("5", 5) == 5 and whole("6", 5) is None
    assert whole(str(BIGINT_MAX), BIGINT_MAX) == BIGINT_MAX
    assert whole(str(BIGINT_MAX + 1), BIGINT_MAX) is None
    assert whole("9" * 5000, 10**6000) is None  # never handed to int (which refuses 4,301)


def test_ascii_only_refuses_full_width_digits():
    assert whole("42", ascii_only=True) == 42
    assert whole("４２", ascii_only=True) is None


def test_a_superscript_in_a_visit_code_or_a_card_number_is_no_digit():
    assert visit_code_matches("0427", "０４２７")
    assert not visit_code_matches("0427", "04²7")
    assert not luhn_ok("4111²11111111111")


def test_the_most_a_price_may_be_is_a_rule_number_in_yuan():
    data = yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))
    _, rules = parse_catalog(data)
    assert rules.pricing.unit_price_max_cents == 10_000_000
    data["rules"]["pricing"]["unit_price_max"] = 5000
    _, rules = parse_catalog(data)
    assert rules.pricing.unit_price_max_cents == 500_000
