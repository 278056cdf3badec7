from datetime import date, time

import pytest

from conversations.flows.dates import names_impossible_date, parse_when

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("明天 下午3点", date(2026, 11, 23), time(15)),
        ("12月5日 9:30", date(2026, 12, 5), time(9, 30)),
        ("12-05 09:00", date(2026, 12, 5), time(9)),
        ("2026-12-24 18:00", date(2026, 12, 24), time(18)),
        ("周六 10点", date(2026, 11, 28), time(10)),
        ("下周一 上午9点", date(2026, 11, 23), time(9)),
        ("sat 3pm", date(2026, 11, 28), time(15)),
        ("tomorrow 10am", date(2026, 11, 23), time(10)),
        ("后天", date(2026, 11, 24), None),
        ("9点半", None, time(9, 30)),
        ("晚上8点", None, time(20)),
        ("3号", date(2026, 12, 3), None),
        ("1月2日", date(2027, 1, 2), None),
    ],
)
def test_dates_and_times_people_type(text, day, at):
    assert parse_when(text, SUNDAY) == (day, at)


@pytest.mark.parametrize("text", ["hello", "2月30日", "25:00", "30", ""])
def test_nonsense_is_not_a_date(text):
    assert parse_when(text, SUNDAY) == (None, None)


@pytest.mark.parametrize(
    ("text", "impossible"),
    [
        ("2月30日 9:00", True),
        ("4-31", True),
        ("31号", True),  # November (SUNDAY's month) has no 31st
        ("30号", False),
        ("2026-02-29", True),
        ("12月5日", False),
        ("明天 9点", False),
        ("周六", False),
        ("下午3点", False),
    ],
)
def test_a_date_that_does_not_exist_is_known_as_one(text, impossible):
    assert names_impossible_date(text, SUNDAY) is impossible
