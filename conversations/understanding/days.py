"""Which day a message names: "明天", "周六", "下下周三", "12月5日", "5号", "in 2 days".

Kinds of day are tried in a fixed order — a relative word, "N天后", a full date, a month's
end (a day to come only: "6月底"), a month name, a weekday, a day of the month — and the
first kind found decides, even when the day it names does not exist ("2月30日"): a customer
told "no such date" learns more than one asked again. Numbers that only look like days are
not read as days: "88号" (no month has 88 days), "漕溪北路88号" and "12号楼" (a house or a
building), "3号线" (a metro line).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from conversations.understanding.numbers import EN_NUM, NUM, numeral

NOT_A_DAY: Literal[False] = False
"""What a reader returns for a match that turns out to be no date: keep looking."""

Reading = date | None | Literal[False]
"""A day, None for a date that does not exist, NOT_A_DAY for a number that is no date."""


@dataclass(frozen=True, slots=True)
class DayFound:
    """A day a text names (None: one that does not exist) and where it was written."""

    day: date | None
    span: tuple[int, int]
    hint: str = ""  # the part of the day a word like 今晚 or 明早 also says ("晚", "早")


_OFFSETS = {
    "大后天": 3,
    "后天": 2,
    "明天": 1,
    "明日": 1,
    "明儿": 1,
    "明": 1,
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "今": 0,
    "today": 0,
    "tonight": 0,
    "tomorrow": 1,
    "tmr": 1,
    "tmrw": 1,
}
_RELATIVE = re.compile(
    r"(大后天|后天|明天|明日|明儿|今天|今日|今儿)|(明|今)([早晨晚夜])"
    r"|\b(?:the\s+)?day\s+after\s+(?:tomorrow|tmr|tmrw)\b"
    r"|\b(today|tonight|tomorrow|tmr|tmrw)\b",
    re.IGNORECASE,
)
_LATER = re.compile(
    rf"({NUM})\s*个?\s*(天|周|星期|礼拜)\s*(?:以后|之后|后)"
    rf"|\bin\s+({EN_NUM}|a|an)\s+(days?|weeks?)\b",
    re.IGNORECASE,
)
_CN_MONTH_DAY = "一二三四五六七八九十"
_YMD = re.compile(
    rf"(?<![\d.:])(?:(\d{{4}})\s*[-/.年]\s*)?(\d{{1,2}}|[{_CN_MONTH_DAY}]{{1,3}})\s*([-/.月])"
    rf"\s*(\d{{1,2}}|[{_CN_MONTH_DAY}]{{1,3}})(?![\d.:])"
    r"(?!\s*(?:个|小时|钟|h\b|hours?|平|m2|sqm|台|次|天|人|元|块|[ap]\.?m\b))\s*[日号]?",
    re.IGNORECASE,
)
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_NAME = re.compile(
    rf"\b({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTHS})\b",
    re.IGNORECASE,
)
_MONTH_END = re.compile(
    rf"(?:(\d{{4}})\s*年|(今年|明年|后年))?\s*(\d{{1,2}}|[{_CN_MONTH_DAY}]{{1,3}})\s*月\s*[底末]"
    rf"|\b(?:the\s+)?end\s+of\s+(next\s+)?({_MONTHS})\.?(?:\s*,?\s*(\d{{4}}))?\b",
    re.IGNORECASE,
)
_YEARS_ON = {"今年": 0, "明年": 1, "后年": 2}
_WEEKDAY = re.compile(
    r"(下下个?|下个?|这个?|本)?\s*(?:周|星期|礼拜)([一二三四五六日天1-7])"
    r"|\b(?:(next|this|coming)\s+)?"
    r"(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday|s|rs|r)?\b",
    re.IGNORECASE,
)
_DAY_OF_MONTH = re.compile(
    rf"(下个?月\s*)?(?<![\d.\-#周期拜])({NUM})\s*[号日]"
    r"(?!\s*(?:楼|院|室|门|房|栋|幢|座|线|单元|铺|库|口|店|馆|仓|公寓|地块|车位|床|机))",
)
_ADDRESS_BEFORE = frozenset("路街道巷弄里村区镇楼栋幢座层室号期苑园")
_WEEKDAY_INDEX = {
    **{c: i for i, c in enumerate("一二三四五六日")},
    "天": 6,
    **{str(i + 1): i for i in range(7)},
    **{w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
}


def find_day(s: str, today: date, *, ahead: bool = False) -> DayFound | None:
    """The first day ``s`` (normalised text) names, by the order of kinds above. A month
    and day without a year is the nearer such day (when to come: a day just past is said
    to be past), or with ``ahead`` the next one, today included (a document's expiry: "11月1日"
    on 7 December is next November's)."""
    for pattern, read in _KINDS:
        for m in pattern.finditer(s):
            found = read(m, s, today, ahead)
            if found is not NOT_A_DAY:
                return DayFound(found, m.span(), _hint(m) if pattern is _RELATIVE else "")
    return None


def _hint(m: re.Match[str]) -> str:
    return m.group(3) or ("晚" if (m.group(4) or "").lower() == "tonight" else "")


def _relative(m: re.Match[str], s: str, today: date, ahead: bool) -> Reading:
    word = (m.group(1) or m.group(2) or m.group(4) or "").lower()
    return today + timedelta(days=_OFFSETS.get(word, 2))  # no group: the day after tomorrow


def _later(m: re.Match[str], s: str, today: date, ahead: bool) -> Reading:
    raw = m.group(1) or m.group(3)
    count = 1 if raw.lower() in ("a", "an") else numeral(raw)
    if count is None or not 0 < count <= 60:
        return NOT_A_DAY
    unit = (m.group(2) or m.group(4)).lower()
    return today + timedelta(days=count * (1 if unit in ("天", "day", "days") else 7))


def _ymd(m: re.Match[str], s: str, today: date, ahead: bool) -> Reading:
    """A date ("2025-12-05", "12月5日", "十二月五号"); one without a year is this
    year's or next year's (``_dated``). A month
    past 12 or a day past 31 is no date (a range, a score) at all — unless a year comes
    first ("2027-13-45"): that is a date that does not exist."""
    if not m.group(2).isdigit() and m.group(3) != "月":
        return NOT_A_DAY
    month, day = numeral(m.group(2)), numeral(m.group(4))
    if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None if m.group(1) and month is not None and day is not None else NOT_A_DAY
    return _dated(int(m.group(1)) if m.group(1) else None, month, day, today, ahead)


def _month_name(m: re.Match[str], s: str, today: date, ahead: bool) -> Reading:
    name = (m.group(1) or m.group(4)).lower()
    day = int(m.group(2) or m.group(3))
    month = 1 + [w[:3] for w in _MONTHS.split("|")].index(name[:3])
    return _dated(None, month, day, today, ahead) if 1 <= day <= 31 else NOT_A_DAY


def _month_end(m: re.Match[str], s: str, today: date, ahead: bool) -> Reading:
    """The last day of a month ("6月底", "明年六月底", "2027年6月末", "end of June 2027",
    "end of next June"): without a year the next such day, today included, "next" June the
    one after this month's. Only where a day to come is read (a document runs out at the
    month's end); a visit "by the end of June" is no day to book."""
    if not ahead:
        return NOT_A_DAY
    if m.group(3):
        month = numeral(m.group(3))
        if month is None or not 1 <= month <= 12:
            return NOT_A_DAY
    else:
        month = 1 + [w[:3] for w in _MONTHS.split("|")].index(m.group(5).lower()[:3])
    if m.group(1) or m.group(6):
        year = int(m.group(1) or m.group(6))
    elif m.group(2):
        year = today.year + _YEARS_ON[m.group(2)]
    elif m.group(4):  # "next June": not this month's
        year = today.year + (month <= today.month)
    else:
        year = today.year + (_last_day(today.year, month) < today)
    return _last_day(year, month) if 1 <= year <= 9999 else None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _dated(year: int | None, month: int, day: int, today: date, ahead: bool) -> date | None:
    """The day; without a year this year's or next year's: the nearer of the two, or with
    ``ahead`` the first not before today (29 February: the next year that has one)."""
    if year is None and ahead:
        for each in (today.year, today.year + 1, today.year + 4 - today.year % 4):
            try:
                ahead_of = date(each, month, day)
            except ValueError:
                continue
            if ahead_of >= today:
                return ahead_of
        return None
    try:
        found = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and found < today:
        try:
            later = found.replace(year=today.year + 1)
        except ValueError:  # 29 February, passed this year and missing next
            return None
        # the nearer of the two: "12月1日" on 7 December is six days ago (and said to be
        # past), not next December; "1月5日" on 7 December is next January's
        if later - today < today - found:
            found = later
    return found


def _weekday(m: re.Match[str], s: str, today: date, ahead: bool) -> Reading:
    """A weekday ("周六", "sat", "this saturday"): the next one, today included; this week's
    ("这周六": weeks start on Monday — even when it has passed, which the caller says);
    next week's ("下周六", "next saturday"); the week after's ("下下周三")."""
    target = _WEEKDAY_INDEX[(m.group(2) or m.group(4)).lower()]
    which = (m.group(1) or m.group(3) or "").lower().rstrip("个")
    monday = today - timedelta(days=today.weekday())
    if which in ("这", "本"):
        return monday + timedelta(days=target)
    if which in ("下", "next"):
        return monday + timedelta(days=7 + target)
    if which == "下下":
        return monday + timedelta(days=14 + target)
    return today + timedelta(days=(target - today.weekday()) % 7)


def _day_of_month(m: re.Match[str], s: str, today: date, ahead: bool) -> Reading:
    """A day of the month ("5号", "十五号"): this month's, or next month's once it has
    passed ("下个月5号": next month's). Not one right after a road or a building."""
    before = s[m.start(2) - 1] if m.start(2) else " "
    if before in _ADDRESS_BEFORE or (before.isascii() and before.isalpha()):
        return NOT_A_DAY
    day = numeral(m.group(2))
    if day is None or not 1 <= day <= 31:
        return NOT_A_DAY
    month_ahead = bool(m.group(1))
    if not month_ahead:
        try:
            found = today.replace(day=day)
        except ValueError:
            return None
        if found >= today:
            return found
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


_KINDS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str, date, bool], Reading]], ...] = (
    (_RELATIVE, _relative),
    (_LATER, _later),
    (_YMD, _ymd),
    (_MONTH_END, _month_end),
    (_MONTH_NAME, _month_name),
    (_WEEKDAY, _weekday),
    (_DAY_OF_MONTH, _day_of_month),
)
