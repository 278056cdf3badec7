"""One reader of days for every screen (``understanding.days``), the direction chosen by the
caller: what a day leaves unwritten — its year, month or week — is a booking's nearer day
(``SOON``), a document's next one (``FUTURE``) or an admin's nearest (``NEAREST``)."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.understanding.days import Toward, day_named, iso_day

WEDNESDAY = date(2027, 1, 6)
SOON, FUTURE, NEAREST = Toward.SOON, Toward.FUTURE, Toward.NEAREST


@pytest.mark.parametrize(
    ("typed", "soon", "future", "nearest"),
    [
        ("12-28", date(2027, 12, 28), date(2027, 12, 28), date(2026, 12, 28)),
        ("1月2日", date(2027, 1, 2), date(2028, 1, 2), date(2027, 1, 2)),
        ("Jan 10", date(2027, 1, 10), date(2027, 1, 10), date(2027, 1, 10)),
        ("2月29日", None, date(2028, 2, 29), date(2028, 2, 29)),
        ("周一", date(2027, 1, 11), date(2027, 1, 11), date(2027, 1, 4)),
        ("周六", date(2027, 1, 9), date(2027, 1, 9), date(2027, 1, 9)),
        ("下周一", date(2027, 1, 11), date(2027, 1, 11), date(2027, 1, 11)),
        ("30号", date(2027, 1, 30), date(2027, 1, 30), date(2026, 12, 30)),
        ("5号", date(2027, 2, 5), date(2027, 2, 5), date(2027, 1, 5)),
        ("昨天", None, None, date(2027, 1, 5)),
        ("yesterday", None, None, date(2027, 1, 5)),
        ("明天", date(2027, 1, 7), date(2027, 1, 7), date(2027, 1, 7)),
        ("2026-12-28", date(2026, 12, 28), date(2026, 12, 28), date(2026, 12, 28)),
    ],
)
def test_a_day_is_looked_for_where_the_caller_says(typed, soon, future, nearest):
    assert day_named(typed, WEDNESDAY, toward=SOON) == soon
    assert day_named(typed, WEDNESDAY, toward=FUTURE) == future
    assert day_named(typed, WEDNESDAY, toward=NEAREST) == nearest


@pytest.mark.parametrize("typed", ["", "12-28 15:00", "明天下午", "周一 周二", "2月30日", "hello"])
def test_a_day_named_is_the_whole_text_and_one_that_exists(typed):
    assert day_named(typed, WEDNESDAY, toward=NEAREST) is None


def test_a_day_as_daojia_writes_it_is_read_exactly():
    assert iso_day("2027-02-28") == date(2027, 2, 28)
    assert iso_day("2027-02-30") is None and iso_day("") is None and iso_day("x") is None


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("12月28日 周一", date(2026, 12, 28)),  # a day as every screen writes it
        ("Mon 28 Dec", date(2026, 12, 28)),
        ("2027年12月9日 周四", date(2027, 12, 9)),
        ("12月28日 周二", None),  # a weekday that is not the day's: which one was meant?
        ("12月28日 下周一", None),  # two days
    ],
)
def test_a_day_copied_from_a_screen_with_its_weekday_is_that_day(typed, day):
    assert day_named(typed, WEDNESDAY, toward=NEAREST) == day
