"""Repeats asked for in words: the weekly ones recurring bookings offer, the ones they do not
(said, never booked as if once), and the words that only look like a repeat."""

from datetime import date, time

import pytest

from conversations.understanding.items import matcher_for
from conversations.understanding.numbers import normalise
from conversations.understanding.repeat import Every, find_repeat
from conversations.understanding.request import Slot, read_request
from store.catalog_file import load_catalog

CATALOG, _ = load_catalog()
MATCHER = matcher_for(CATALOG)
WEDNESDAY = date(2026, 11, 18)
SATURDAY = date(2026, 11, 21)


def every(text: str) -> Every | None:
    found = find_repeat(normalise(text))
    return found.every if found else None


@pytest.mark.parametrize(
    "text",
    [
        "每周六上午9点 日常保洁3小时",
        "每个周六上午9点",
        "每星期六9点日常保洁",
        "每礼拜六",
        "每逢周六",
        "每周 日常保洁",
        "每周日常保洁3小时",
        "每周一次保洁",
        "一周一次",
        "daily cleaning every Saturday 9am, 3 hours",
        "Every saturday",
        "each Sunday morning",
        "every week",
        "weekly deep cleaning",
        "once a week",
    ],
)
def test_a_weekly_repeat_is_read(text):
    assert every(text) == Every.WEEK


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("隔周六9点日常保洁", Every.OTHER_WEEK),
        ("隔周 保洁", Every.OTHER_WEEK),
        ("每隔一周", Every.OTHER_WEEK),
        ("每两周六日常保洁", Every.OTHER_WEEK),
        ("双周", Every.OTHER_WEEK),
        ("every other week", Every.OTHER_WEEK),
        ("every other Saturday", Every.OTHER_WEEK),
        ("every two weeks on Saturday", Every.OTHER_WEEK),
        ("biweekly", Every.OTHER_WEEK),
        ("fortnightly", Every.OTHER_WEEK),
        ("每天上午9点日常保洁", Every.DAY),
        ("天天", Every.DAY),
        ("every day at 9am", Every.DAY),
        ("everyday", Every.DAY),
        ("每月5号", Every.MONTH),
        ("每个月", Every.MONTH),
        ("monthly", Every.MONTH),
        ("每周二、四上午9点", Every.DAYS_A_WEEK),
        ("每周二和周四", Every.DAYS_A_WEEK),
        ("每周六日 9点", Every.DAYS_A_WEEK),
        ("每周两次", Every.DAYS_A_WEEK),
        ("一周3次", Every.DAYS_A_WEEK),
        ("twice a week", Every.DAYS_A_WEEK),
        ("every Tuesday and Thursday", Every.DAYS_A_WEEK),
    ],
)
def test_a_repeat_recurring_bookings_do_not_offer_is_read_as_what_it_is(text, kind):
    assert every(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "周六上午9点 日常保洁3小时",  # one Saturday
        "下周六",
        "Saturday 9am daily cleaning",
        "daily cleaning",  # the service, not every day
        "每日保洁",  # the service's name too
        "日常保洁",
        "一周后",  # in a week
        "in 2 weeks",
        "周六下午三、四点",  # three or four o'clock, not two days
        "隔壁邻居推荐的",
        "",
    ],
)
def test_words_that_only_look_like_a_repeat_are_none(text):
    assert every(text) is None


def test_three_or_four_o_clock_on_every_saturday_is_one_day_a_week():
    assert every("每周六下午三、四点") == Every.WEEK


def request(text: str):
    return read_request(text, CATALOG, WEDNESDAY, MATCHER)


@pytest.mark.parametrize(
    "text", ["每周六上午9点 日常保洁3小时", "daily cleaning every Saturday 9am, 3 hours"]
)
def test_a_weekly_request_keeps_its_service_day_time_and_hours(text):
    r = request(text)
    assert r.repeat is not None and r.repeat.weekly
    assert r.item.best is not None and r.item.best.id == "daily_cleaning"
    assert (r.quantity, r.when.day, r.when.at) == (3, SATURDAY, time(9))


def test_weekly_daily_cleaning_written_together_names_no_sunday():
    r = request("每周日常保洁3小时")  # 每周 日常保洁, not 每周日 常保洁
    assert r.repeat is not None and r.repeat.weekly
    assert r.item.best is not None and r.item.best.id == "daily_cleaning"
    assert Slot.DAY not in r.found
    sunday = request("每周日 日常保洁")
    assert sunday.repeat is not None and sunday.when.day == date(2026, 11, 22)


def test_a_request_without_a_repeat_has_none():
    r = request("周六上午9点 日常保洁3小时")
    assert r.repeat is None and r.when.day == SATURDAY


def test_every_other_saturday_still_reads_the_saturday():
    r = request("隔周六9点日常保洁")
    assert r.repeat is not None and r.repeat.every == Every.OTHER_WEEK
    assert (r.when.day, r.when.at) == (SATURDAY, time(9))
    two = request("每两周六日常保洁")  # not the 6th of the month ("六日")
    assert two.when.day == SATURDAY
