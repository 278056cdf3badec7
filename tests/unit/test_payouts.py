"""Payout accounts: the card number's checks (16–19 digits, Luhn) and the masks people see."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import i18n  # noqa: F401  (installs the translations)
from domain.errors import DomainError
from domain.payouts import PayoutAccount, PayoutKind, card_number, holder_name, luhn_ok

VALID = "6225880137005576"  # 16 digits, passes Luhn
VALID_19 = "6214830100000000005"


def _check_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return d
    raise AssertionError(body)


@pytest.mark.parametrize(
    "number, ok",
    [
        ("79927398713", True),  # the textbook example
        ("79927398710", False),
        (VALID, True),
        ("6225880137005577", False),
        ("4111111111111111", True),
        ("4111111111111112", False),
        ("", False),
        ("12a4", False),
    ],
)
def test_luhn(number, ok):
    assert luhn_ok(number) is ok


@given(st.text(alphabet="0123456789", min_size=15, max_size=18))
def test_one_check_digit_of_ten_passes_and_changing_any_digit_fails(body):
    digit = _check_digit(body)
    assert sum(luhn_ok(body + d) for d in "0123456789") == 1
    number = body + digit
    assert card_number(number) == number
    i = len(number) // 2
    changed = number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1 :]
    assert not luhn_ok(changed)


def test_a_card_number_may_be_typed_with_spaces_or_dashes():
    assert card_number("6225 8801 3700 5576") == VALID
    assert card_number(" 6225-8801-3700-5576 ") == VALID
    assert card_number(VALID_19) == VALID_19


@pytest.mark.parametrize(
    "typed, message",
    [
        ("123456789012345", "16–19"),  # 15 digits
        ("62258801370055761234", "16–19"),  # 20
        ("6225880137005577", "校验位"),
        ("6225 8801 3700 557x", "16–19"),
    ],
)
def test_a_wrong_card_number_is_refused_in_words(typed, message):
    with pytest.raises(DomainError) as refused:
        card_number(typed)
    assert message in str(refused.value.text)


def test_the_holder_is_a_name():
    assert holder_name("  张  三 ") == "张 三"
    for bad in ("张", "6225880137005576", "x" * 31):
        with pytest.raises(DomainError):
            holder_name(bad)


def test_an_account_is_shown_masked_in_each_language():
    card = PayoutAccount(7, PayoutKind.BANK, VALID, "张三", "cmb")
    assert card.masked().get("zh") == "招商银行 尾号 5576"
    assert card.masked().get("en") == "China Merchants Bank ending 5576"
    assert VALID not in card.masked().get("zh") and "张三" not in card.masked().get("zh")
    assert card.bank_code == "1001"
    wallet = PayoutAccount(7, PayoutKind.WECHAT, "o-openid", "张三")
    assert wallet.masked().get("zh") == "微信零钱"
    assert "o-openid" not in wallet.masked().get("en")
