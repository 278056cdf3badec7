"""A day shown to a person is written one way on every screen (``format_when``: ``12月8日
周二`` / ``Tue 8 Dec``), its year only when it is more than half a year away; a coupon's and a
card's expiry and the day question's example follow it, and a birthday (no year: no weekday)
is its month and day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from conversations.flows import me_birthday, me_views
from conversations.flows.booking_time_views import date_question
from conversations.flows.dates import parse_when
from conversations.results.membership import CouponHeld
from conversations.state import Conversation
from domain.moments import format_when
from domain.text import Bilingual
from tests.unit.test_flows import CTX, NOW

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("day", "zh", "en"),
    [
        (date(2027, 1, 6), "1月6日 周三", "Wed 6 Jan"),  # next year, a month away: no year
        (date(2026, 1, 2), "1月2日 周五", "Fri 2 Jan"),  # this year's
        (date(2027, 12, 7), "2027年12月7日 周二", "Tue 7 Dec 2027"),  # a year on: its year
        (date(2025, 12, 1), "2025年12月1日 周一", "Mon 1 Dec 2025"),
    ],
)
def test_a_day_is_written_as_format_when_with_its_year_only_when_far(day, zh, en):
    assert format_when(day, "zh", TODAY) == zh
    assert format_when(day, "en", TODAY) == en


@pytest.mark.parametrize(
    ("lang", "until"), [("zh", "有效期至 1月6日 周三"), ("en", "valid until Wed 6 Jan")]
)
def test_a_coupon_s_expiry_next_year_reads_as_the_picker_writes_it(lang, until):
    coupon = CouponHeld(
        Bilingual("新人券", "welcome coupon"),
        Bilingual("满¥100.00减¥20.00", "¥20.00 off ¥100.00"),
        NOW - timedelta(days=1),
        datetime(2027, 1, 6, 1, tzinfo=UTC),
    )
    line = me_views.coupon_line(CTX, Conversation(lang=lang), coupon)
    assert until in line and "2027" not in line


@pytest.mark.parametrize(("lang", "shown"), [("zh", "已记下您的生日:1月1日。"), ("en", "1 Jan")])
def test_a_birthday_kept_is_written_as_a_day(lang, shown):
    said = me_birthday.kept(Conversation(lang=lang), 1, 1).text
    assert shown in said and "month/day" not in said


def test_the_english_day_question_s_example_is_written_as_english_days_are_and_is_understood():
    ahead = CTX.rules.booking.max_days_ahead
    asked = date_question(CTX, Conversation(lang="en"), ahead).text
    assert "e.g. 'Wed 25 Nov 9:30'" in asked, asked  # today 23 Nov: two days on
    assert parse_when("Wed 25 Nov 9:30", NOW.date()) == (date(2026, 11, 25), time(9, 30))
    assert "「11月25日 周三 9:30」" in date_question(CTX, Conversation(lang="zh"), ahead).text
    assert parse_when("11月25日 周三 9:30", NOW.date()) == (date(2026, 11, 25), time(9, 30))
