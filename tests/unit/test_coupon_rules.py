"""Coupon rules without I/O: promo codes (their form, their limits, each use's coupon), a
coupon named by where it came from (a compensation one with its order), birthdays (as typed,
changed once a year, whose coupon is due which day — 29 February too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conversations.flows.me_birthday import read_birthday
from domain.birthdays import birthday_coupon, celebrated_on, check_change, month_day
from domain.coupons import Coupon, Promo, compensation_reason, promo_code, source
from domain.errors import DomainError
from domain.people import Customer
from domain.pricing import CouponKind, CouponTerms
from domain.rules import CouponRules

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)
RULES = CouponRules()
SH = ZoneInfo("Asia/Shanghai")


def promo(**kw) -> Promo:
    terms = CouponTerms("SPRING20", CouponKind.FIXED, amount_cents=2_000)
    args = {"total_limit": 3, "per_customer": 1, "id": 9, **kw}
    return Promo("SPRING20", terms, NOW, NOW + timedelta(days=30), **args)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("spring20", "SPRING20"), (" Spring-20 ", "SPRING-20"), ("ab", None), ("春天20", None)],
)
def test_a_promo_code_is_read_in_any_case(typed, code):
    assert promo_code(typed) == code


def test_a_promo_code_says_why_it_cannot_be_used():
    promo().check_open(0, NOW)
    with pytest.raises(DomainError, match="已过期"):
        promo().check_open(0, NOW + timedelta(days=30))
    with pytest.raises(DomainError, match="还未开始"):
        promo().check_open(0, NOW - timedelta(seconds=1))
    with pytest.raises(DomainError, match="您已经用过了"):
        promo(per_customer=2).check_open(2, NOW)
    with pytest.raises(DomainError, match="已被领完"):
        promo(issued=3).check_open(0, NOW)


def test_each_use_is_a_coupon_of_its_own_named_by_the_code_typed():
    use = promo().coupon_for(42, 0)
    assert use.customer_id == 42 and use.promo_id == 9 and use.code == use.terms.code
    assert use.code != promo().coupon_for(42, 1).code
    assert source(use).get("zh") == "优惠码 SPRING20"
    assert use.terms.promo == "SPRING20"  # how a refusal names it, never its own code


def test_a_compensation_coupon_names_its_order_an_older_one_just_its_kind():
    terms = CouponTerms("C1", CouponKind.FIXED, amount_cents=2_000)
    new = Coupon("C1", terms, NOW, NOW, 1, compensation_reason(7, 240117))
    old = Coupon("C2", terms, NOW, NOW, 1, "complaint 7")
    assert source(new).get("zh") == "售后补偿券(订单 #240117)"
    assert source(new).get("en") == "After-sales compensation coupon (order #240117)"
    assert source(old).get("zh") == "售后补偿券"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("3月8日", "03-08"),
        ("03-08", "03-08"),
        ("March 8", "03-08"),
        ("8th of March", "03-08"),
        ("1990年3月8号", "03-08"),
        ("三月八日", "03-08"),
        ("2月29日", "02-29"),
        ("2月30日", None),
        ("13-01", None),
        ("明天", None),
        ("周六", None),
        ("5号", None),
    ],
)
def test_a_birthday_is_a_month_and_a_day(typed, stored):
    assert read_birthday(typed) == stored


def test_a_birthday_changes_once_a_year():
    c = Customer(NOW, birthday="03-08", birthday_set_at=NOW)
    check_change(c, "03-08", NOW, RULES, SH)  # the same again: nothing changes
    with pytest.raises(DomainError, match="365") as refused:
        check_change(c, "03-09", NOW + timedelta(days=364), RULES, SH)
    assert refused.value.text.get("en").endswith("after Tue 23 Nov")  # a day as format_when's
    with pytest.raises(DomainError) as refused:
        check_change(c, "03-09", NOW + timedelta(days=1), RULES, SH)
    assert refused.value.text.get("zh").endswith("2027年11月23日 周二 后可再修改")  # its year
    check_change(c, "03-09", NOW + timedelta(days=365), RULES, SH)
    check_change(Customer(NOW), "03-09", NOW, RULES, SH)  # the first time


def test_whose_coupon_is_due_which_day():
    assert celebrated_on(date(2027, 3, 8), RULES) == (2027, ["03-08"])
    assert celebrated_on(date(2027, 2, 28), RULES) == (2027, ["02-28", "02-29"])
    assert celebrated_on(date(2028, 2, 28), RULES) == (2028, ["02-28"])
    early = CouponRules(birthday_days_before=3)
    assert celebrated_on(date(2026, 12, 30), early) == (2027, ["01-02"])
    assert month_day(2, 29) == "02-29" and month_day(4, 31) is None


def test_the_birthday_coupon_is_one_per_customer_and_year():
    coupon = birthday_coupon(5, 2027, NOW, RULES)
    assert coupon.code == birthday_coupon(5, 2027, NOW + timedelta(days=2), RULES).code
    assert coupon.code != birthday_coupon(5, 2028, NOW, RULES).code
    assert coupon.terms.amount_cents == RULES.birthday_coupon_cents
    assert coupon.valid_until == NOW + timedelta(days=RULES.birthday_coupon_days)
    assert source(coupon).get("zh") == "生日券"
