"""What new customers type, with what each should be read as: 30 single phrasings (items,
numbers, days and times) and 10 whole one-message requests, in Chinese and English.

Data for the unit tests (tests/unit/test_understanding_samples.py) and for a benchmark; the
readers were written as general rules, not for these strings — tests/unit also holds fresh
phrasings they were not tuned on. Dates are relative to ``TODAY``, a Wednesday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from conversations.understanding.items import ItemMatcher
from conversations.understanding.numbers import read_number
from conversations.understanding.request import Request, Slot
from conversations.understanding.when import read_when

TODAY = date(2026, 11, 18)
ASAP = "asap"
"""The day and time of a request that says "尽快": the caller picks the earliest start."""


class Reads(StrEnum):
    ITEM = "item"
    NUMBER = "number"
    WHEN = "when"


Reading = str | int | tuple[date | None, time | None] | None
"""An item's choice key ("item:daily_cleaning", None: no match), a number, or (day, time)."""


@dataclass(frozen=True, slots=True)
class Phrasing:
    text: str
    reads: Reads
    expected: Reading


@dataclass(frozen=True, slots=True)
class RequestSample:
    text: str
    expected: dict[Slot, object]
    """Every slot the message fills, with its value; no other slot may be found."""


def _item(text: str, key: str | None) -> Phrasing:
    return Phrasing(text, Reads.ITEM, key)


def _number(text: str, value: int | None) -> Phrasing:
    return Phrasing(text, Reads.NUMBER, value)


def _when(text: str, day: date | None, at: time | None) -> Phrasing:
    return Phrasing(text, Reads.WHEN, (day, at))


PHRASINGS: tuple[Phrasing, ...] = (
    _item("日常保洁 ¥40.00/小时", "item:daily_cleaning"),
    _item("日常保结", "item:daily_cleaning"),
    _item("家里空调要洗一下", "item:ac_cleaning"),
    _item("I need someone to clean my flat", "item:daily_cleaning"),
    _item("deep clean", "item:deep_cleaning"),
    _item("新房刚装修好,想做个开荒", "item:move_in_cleaning"),
    _item("抽油烟机太脏了", "item:range_hood_cleaning"),
    _item("洗衣机有异味想清洗一下", "item:washer_cleaning"),
    _item("冰箱坏了能修吗", "item:appliance_repair"),
    _item("想找个月嫂", "item:maternity_nurse"),
    _item("need a babysitter on saturday", "item:hourly_nanny"),
    _item("家里老人需要陪护", "item:elderly_companion"),
    _item("hello", None),
    _item("漕溪北路88号", None),
    _number("九十", 90),
    _number("九十平", 90),
    _number("两个小时", 2),
    _number("一百二十平米", 120),
    _number("3 hours", 3),
    _number("大概三个钟头吧", 3),
    _when("后天下午三点", date(2026, 11, 20), time(15)),
    _when("周六上午", date(2026, 11, 21), time(9)),
    _when("下周一 9点半", date(2026, 11, 23), time(9, 30)),
    _when("今晚7点", date(2026, 11, 18), time(19)),
    _when("明早8点", date(2026, 11, 19), time(8)),
    _when("tomorrow 3pm", date(2026, 11, 19), time(15)),
    _when("next monday 9:30", date(2026, 11, 23), time(9, 30)),
    _when("the day after tomorrow 10am", date(2026, 11, 20), time(10)),
    _when("下下周三", date(2026, 12, 2), None),
    _when("十二月五号上午十点半", date(2026, 12, 5), time(10, 30)),
)

REQUESTS: tuple[RequestSample, ...] = (
    RequestSample(
        "明天下午三点 90平 日常保洁 漕溪北路88号 1201",
        {
            Slot.ITEM: "item:daily_cleaning",
            Slot.AREA: 90,
            Slot.DAY: date(2026, 11, 19),
            Slot.TIME: time(15),
            Slot.ADDRESS: "漕溪北路88号 1201",
        },
    ),
    RequestSample(
        "周六上午找个阿姨做3小时保洁",
        {
            Slot.ITEM: "item:daily_cleaning",
            Slot.QUANTITY: 3,
            Slot.DAY: date(2026, 11, 21),
            Slot.TIME: time(9),
        },
    ),
    RequestSample(
        "tomorrow 3pm daily cleaning 3 hours 100 sqm at 88 Caoxi North Rd flat 1201",
        {
            Slot.ITEM: "item:daily_cleaning",
            Slot.QUANTITY: 3,
            Slot.AREA: 100,
            Slot.DAY: date(2026, 11, 19),
            Slot.TIME: time(15),
            Slot.ADDRESS: "88 Caoxi North Rd flat 1201",
        },
    ),
    RequestSample(
        "后天上午十点 洗两台空调 世纪大道100号5楼",
        {
            Slot.ITEM: "item:ac_cleaning",
            Slot.QUANTITY: 2,
            Slot.DAY: date(2026, 11, 20),
            Slot.TIME: time(10),
            Slot.ADDRESS: "世纪大道100号5楼",
        },
    ),
    RequestSample(
        "下周一 9点半 深度保洁 120平",
        {
            Slot.ITEM: "item:deep_cleaning",
            Slot.QUANTITY: 120,
            Slot.AREA: 120,
            Slot.DAY: date(2026, 11, 23),
            Slot.TIME: time(9, 30),
        },
    ),
    RequestSample(
        "尽快派人来修空调,浦东新区张杨路500号",
        {
            Slot.ITEM: "item:appliance_repair",
            Slot.DAY: ASAP,
            Slot.TIME: ASAP,
            Slot.ADDRESS: "浦东新区张杨路500号",
        },
    ),
    RequestSample(
        "月嫂 下个月5号开始 26天",
        {Slot.ITEM: "item:maternity_nurse", Slot.QUANTITY: 26, Slot.DAY: date(2026, 12, 5)},
    ),
    RequestSample(
        "this saturday morning, deep clean of 90 sqm",
        {
            Slot.ITEM: "item:deep_cleaning",
            Slot.QUANTITY: 90,
            Slot.AREA: 90,
            Slot.DAY: date(2026, 11, 21),
            Slot.TIME: time(9),
        },
    ),
    RequestSample(
        "阳光花园3栋1201室 周日下午两点 钟点育儿嫂4个小时",
        {
            Slot.ITEM: "item:hourly_nanny",
            Slot.QUANTITY: 4,
            Slot.DAY: date(2026, 11, 22),
            Slot.TIME: time(14),
            Slot.ADDRESS: "阳光花园3栋1201室",
        },
    ),
    RequestSample("日常保洁", {Slot.ITEM: "item:daily_cleaning"}),
)


def read_phrasing(sample: Phrasing, matcher: ItemMatcher) -> Reading:
    """What the understanding layer reads ``sample.text`` as, in ``sample.expected``'s terms."""
    if sample.reads == Reads.ITEM:
        best = matcher.match(sample.text).best
        return best.key if best else None
    if sample.reads == Reads.NUMBER:
        return read_number(sample.text)
    when = read_when(sample.text, TODAY)
    return when.day, when.at


def slots_of(request: Request) -> dict[Slot, object]:
    """A request's found slots with their values, in ``RequestSample.expected``'s terms."""
    when = request.when
    values: dict[Slot, object] = {
        Slot.ITEM: request.item.best.key if request.item.best else None,
        Slot.QUANTITY: request.quantity,
        Slot.AREA: request.area_sqm,
        Slot.DAY: ASAP if when.asap and when.day is None else when.day,
        Slot.TIME: ASAP if when.asap and when.at is None else when.at,
        Slot.ADDRESS: request.address,
    }
    return {slot: values[slot] for slot in Slot if slot in request.found}
