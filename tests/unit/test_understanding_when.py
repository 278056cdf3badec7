"""Numbers, days and times as customers type them (conversations/understanding)."""

from datetime import date, time

import pytest

from conversations.flows.dates import names_impossible_date, parse_when
from conversations.understanding.numbers import read_number
from conversations.understanding.when import PartOfDay, read_when

WEDNESDAY = date(2026, 11, 18)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("九十", 90),
        ("九十平", 90),
        ("两个小时", 2),
        ("3小时", 3),
        ("一百二十平米", 120),
        ("十", 10),
        ("１２０㎡", 120),
        ("2台空调", 2),
        ("大概三个钟头吧", 3),
        ("100 sqm", 100),
        ("two hours", 2),
        ("26天", 26),
    ],
)
def test_a_number_answer_is_read_in_digits_or_chinese(text, number):
    assert read_number(text) == number


@pytest.mark.parametrize(
    "text", ["3到4小时", "1.5", "一个半小时", "hello", "", "周六", "88号", "十十", "三点"]
)
def test_what_is_not_one_whole_number_is_none(text):
    assert read_number(text) is None


@pytest.mark.parametrize(
    ("text", "day", "at", "part"),
    [
        ("后天下午三点", date(2026, 11, 20), time(15), PartOfDay.AFTERNOON),
        ("明天 十点半", date(2026, 11, 19), time(10, 30), None),
        ("三点一刻", None, time(15, 15), None),
        ("九点四十", None, time(9, 40), None),
        ("下周一 9点半", date(2026, 11, 23), time(9, 30), None),
        ("这周六", date(2026, 11, 21), None, None),
        ("下下周三", date(2026, 12, 2), None, None),
        ("大后天", date(2026, 11, 21), None, None),
        ("今晚7点", WEDNESDAY, time(19), PartOfDay.EVENING),
        ("明早8点", date(2026, 11, 19), time(8), PartOfDay.MORNING),
        ("tomorrow 3pm", date(2026, 11, 19), time(15), None),
        ("next monday 9:30", date(2026, 11, 23), time(9, 30), None),
        ("in 2 days", date(2026, 11, 20), None, None),
        ("the day after tomorrow 10am", date(2026, 11, 20), time(10), None),
        ("十二月五号", date(2026, 12, 5), None, None),
        ("下个月3号", date(2026, 12, 3), None, None),
        ("3天后", date(2026, 11, 21), None, None),
        ("凌晨3点", None, time(3), PartOfDay.NIGHT),
        ("中午1点", None, time(13), PartOfDay.NOON),
        ("03:30", None, time(3, 30), None),
        ("dec 24 at 6pm", date(2026, 12, 24), time(18), None),
    ],
)
def test_days_and_clock_times(text, day, at, part):
    when = read_when(text, WEDNESDAY)
    assert (when.day, when.at, when.part_of_day) == (day, at, part)
    assert when.clock is (at is not None)


@pytest.mark.parametrize(
    ("text", "day", "at", "part"),
    [
        ("周六上午", date(2026, 11, 21), time(9), PartOfDay.MORNING),
        ("saturday morning", date(2026, 11, 21), time(9), PartOfDay.MORNING),
        ("明天中午", date(2026, 11, 19), time(12), PartOfDay.NOON),
        ("下午", None, time(14), PartOfDay.AFTERNOON),
        ("friday evening", date(2026, 11, 20), time(19), PartOfDay.EVENING),
        ("tonight", WEDNESDAY, time(19), PartOfDay.EVENING),
    ],
)
def test_a_part_of_the_day_alone_is_its_default_hour_and_says_so(text, day, at, part):
    when = read_when(text, WEDNESDAY)
    assert (when.day, when.at, when.part_of_day, when.clock) == (day, at, part, False)
    assert parse_when(text, WEDNESDAY) == (day, at)  # the flows get the default as the time


def test_an_hour_from_one_to_six_without_a_part_of_the_day_is_the_afternoon():
    assert read_when("明天3点", WEDNESDAY).at == time(15)
    assert read_when("at 4", WEDNESDAY).at == time(16)
    assert read_when("9点", WEDNESDAY).at == time(9)
    assert read_when("早上6点", WEDNESDAY).at == time(6)
    assert read_when("3am", WEDNESDAY).at == time(3)


@pytest.mark.parametrize("text", ["尽快", "越快越好", "马上来", "asap", "as soon as possible"])
def test_as_soon_as_possible_is_a_flag_not_a_time(text):
    when = read_when(text, WEDNESDAY)
    assert when.asap and when.day is None and when.at is None


@pytest.mark.parametrize(
    "text",
    [
        "漕溪北路88号",
        "88号",
        "12号楼",
        "阳光花园5号",
        "3号线",
        "3小时",
        "90平",
        "两台",
        "1.5小时",
        "3-4小时",
        "快一点",
        "便宜一点",
        "早上好",
        "good evening",
        "你好",
        "12345",
        "at 88 Caoxi North Rd",
    ],
)
def test_addresses_amounts_and_greetings_are_no_day_or_time(text):
    when = read_when(text, WEDNESDAY)
    assert (when.day, when.at, when.impossible) == (None, None, False)


@pytest.mark.parametrize(
    "text",
    ["2月30日", "二月三十号", "4-31", "31号", "2027-02-29", "feb 30", "2027-13-45", "2027-12-32"],
)
def test_a_date_that_does_not_exist_is_known_as_one(text):
    assert read_when(text, WEDNESDAY).impossible
    assert names_impossible_date(text, WEDNESDAY)
    assert parse_when(text, WEDNESDAY)[0] is None


def test_spans_point_at_what_was_read():
    text = "后天 下午三点 漕溪北路88号"
    when = read_when(text, WEDNESDAY)
    assert sorted(text[a:b] for a, b in when.spans) == ["三点", "下午", "后天"]


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("12月1日", date(2026, 12, 1)),
        ("1 Dec", date(2026, 12, 1)),
        ("Dec 1", date(2026, 12, 1)),
        ("11月20日", date(2026, 11, 20)),
        ("1月2日", date(2027, 1, 2)),
        ("3月1日", date(2027, 3, 1)),
        ("12月25日", date(2026, 12, 25)),
    ],
)
def test_a_month_day_without_a_year_is_the_nearer_one(typed, day):
    """Just past stays past (this year's, for the caller to refuse); early next year is next
    year's."""
    assert read_when(typed, date(2026, 12, 7)).day == day
