"""The birthday a customer gives in 我的 (month and day only) and the coupon it brings once a
year: given on the birthday, or ``rules.coupons.birthday_days_before`` days before it."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, tzinfo

from domain.coupons import BIRTHDAY, Coupon
from domain.errors import DomainError
from domain.moments import local_when
from domain.people import Customer
from domain.pricing import CouponKind, CouponTerms
from domain.rules import CouponRules
from domain.text import N_


def month_day(month: int, day: int) -> str | None:
    """The stored form ("03-08"), or None when no year has that day (29 February is kept)."""
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        return None
    return f"{month:02d}-{day:02d}"


def check_born(born: date, today: date, rules: CouponRules) -> None:
    """Raise DomainError (said to the customer) when a birthday typed with its year cannot be
    theirs: a day still to come, or a year more than ``rules.birthday_oldest_years`` ago. Only
    its month and day are kept."""
    if born > today:
        raise DomainError(N_("生日不能是将来的日期,请重新回复(月和日即可,例如 3月8日 或 03-08)。"))
    if born.year < today.year - rules.birthday_oldest_years:
        raise DomainError(
            N_(
                "{year} 年不像出生年份,请重新回复(月和日即可,例如 3月8日 或 03-08)。",
                year=born.year,
            )
        )


def check_change(
    customer: Customer, birthday: str, now: datetime, rules: CouponRules, tz: tzinfo
) -> None:
    """Raise DomainError when the customer changed their birthday too recently (the day it
    may change again told in the business time zone ``tz``)."""
    if not customer.birthday or customer.birthday == birthday or customer.birthday_set_at is None:
        return
    again = customer.birthday_set_at + timedelta(days=rules.birthday_change_days)
    if now < again:
        raise DomainError(
            N_(
                "生日每 {days} 天只能修改一次,{again} 后可再修改",
                days=rules.birthday_change_days,
                again=local_when(again, now, tz, clock=False),
            )
        )


def celebrated_on(today: date, rules: CouponRules) -> tuple[int, list[str]]:
    """Whose coupon is due ``today``: the year of the birthday and the stored birthdays that
    fall on it (29 February falls on the 28th when the year has none)."""
    day = today + timedelta(days=rules.birthday_days_before)
    born = [f"{day:%m-%d}"]
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        born.append("02-29")
    return day.year, born


def birthday_code(customer_id: int, year: int) -> str:
    """The coupon's code: one per customer and year (a second one cannot be stored)."""
    return f"B{year}-{customer_id}"


def birthday_coupon(customer_id: int, year: int, now: datetime, rules: CouponRules) -> Coupon:
    code = birthday_code(customer_id, year)
    terms = CouponTerms(
        code,
        CouponKind.FIXED,
        amount_cents=rules.birthday_coupon_cents,
        threshold_cents=rules.birthday_coupon_threshold_cents,
    )
    until = now + timedelta(days=rules.birthday_coupon_days)
    return Coupon(code, terms, now, until, customer_id, f"{BIRTHDAY}:{year}")
