"""Which day a message names: "明天", "周六", "下下周三", "12月5日", "5号", "in 2 days".

Kinds of day are tried in a fixed order — a relative word, "N天后", a full date, a month's
end (a day to come only: "6月底"), a month name, a weekday, a day of the month — and the
first kind found decides, even when the day it names does not exist ("2月30日"): a customer
told "no such date" learns more than one asked again. Numbers that only look like days are
not read as days: "88号" (no month has 88 days), "漕溪北路88号" and "12号楼" (a house or a
building), "3号线" (a metro line).

What a day leaves unwritten — the year of "12-28", the month of "5号", the week of "周一" — is
filled in one place (``_resolve``), by the direction the caller chooses (``Toward``): a
customer's booking, a document's expiry and an admin's look-up read the same words.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from conversations.understanding.numbers import EN_NUM, NUM, normalise, numeral


class Toward(StrEnum):
    """Where a day written without its year, month or week is looked for."""

    SOON = "soon"
    """A day to book: this year's month and day, or next year's when that is nearer ("1月5日"
    on 7 December), never last year's — one just gone stays gone, for the caller to say so;
    this month's day of the month, or next month's once passed; the next such weekday, today
    included. A word for a past day (昨天) is no day."""
    FUTURE = "future"
    """Only a day to come, today included (a document's expiry: "11月1日" on 7 December is
    next November's, "2月29日" the next year that has one); else as ``SOON``."""
    NEAREST = "nearest"
    """The nearest such day, before or after today (an admin's look-up: "12-28" on 5 January
    is last year's, "周一" on a Wednesday two days ago); 昨天 and "yesterday" are read."""


NOT_A_DAY: Literal[False] = False
"""What a reader returns for a match that turns out to be no date: keep looking."""

Reading = date | None | Literal[False]
"""A day, None for a date that does not exist, NOT_A_DAY for a number that is no date."""


@dataclass(frozen=True, slots=True)
class _Yearless:
    month: int
    day: int


@dataclass(frozen=True, slots=True)
class _Monthless:
    day: int


@dataclass(frozen=True, slots=True)
class _Weekless:
    weekday: int


@dataclass(frozen=True, slots=True)
class _Gone:
    """A day a word says is past (昨天): read only looking both ways."""

    day: date


@dataclass(frozen=True, slots=True)
class _MonthEnd:
    """The last day of a month: read only where a day to come is (a document runs out at the
    month's end; a visit "by the end of June" is no day to book)."""

    day: date


Named = Reading | _Yearless | _Monthless | _Weekless | _Gone | _MonthEnd
"""What a kind of day read from the text, before ``_resolve`` fills in what was unwritten."""


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
    "昨天": -1,
    "昨日": -1,
    "前天": -2,
    "today": 0,
    "tonight": 0,
    "tomorrow": 1,
    "tmr": 1,
    "tmrw": 1,
    "yesterday": -1,
}
_RELATIVE = re.compile(
    r"(大后天|后天|明天|明日|明儿|今天|今日|今儿|昨天|昨日|前天)|(明|今)([早晨晚夜])"
    r"|\b(?:the\s+)?day\s+after\s+(?:tomorrow|tmr|tmrw)\b"
    r"|\b(today|tonight|tomorrow|tmr|tmrw|yesterday)\b",
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
EN_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The English weekdays by the three letters they are read by, Monday first."""
EN_WEEKDAY_ENDINGS = r"(?:day|sday|nesday|rsday|urday|s|rs|r)?\b"
"""What may follow those three letters: "sat", "saturday", "tues", "thurs"."""
_WEEKDAY = re.compile(
    r"(下下个?|下个?|这个?|本)?\s*(?:周|星期|礼拜)([一二三四五六日天1-7])"
    r"|\b(?:(next|this|coming)\s+)?"
    rf"({'|'.join(EN_WEEKDAYS)}){EN_WEEKDAY_ENDINGS}",
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
    **{w: i for i, w in enumerate(EN_WEEKDAYS)},
}


def find_day(s: str, today: date, *, toward: Toward) -> DayFound | None:
    """The first day ``s`` (normalised text) names, by the order of kinds above, what it
    leaves unwritten looked for ``toward`` (``Toward``)."""
    for pattern, read in _KINDS:
        for m in pattern.finditer(s):
            found = _resolve(read(m, s, today), today, toward)
            if found is not NOT_A_DAY:
                return DayFound(found, m.span(), _hint(m) if pattern is _RELATIVE else "")
    return None


def day_named(text: str, today: date, *, toward: Toward) -> date | None:
    """The day ``text`` is, as a whole ("12-28", "12月28日", "下周一", "next Monday",
    "2026-12-01", "明天", or as a screen writes one: "12月28日 周一", "Mon 28 Dec"), looked
    for ``toward``; None when the text is more or less than a day, a weekday written with it
    is not that day's, or the day does not exist ("2月30日")."""
    s = normalise(text).strip()
    found = find_day(s, today, toward=toward)
    if found is None or found.day is None:
        return None
    if found.span == (0, len(s)):
        return found.day
    start, end = found.span
    named = _WEEKDAY.fullmatch(f"{s[:start]} {s[end:]}".strip())
    if named is None or named.group(1) or named.group(3):  # "下周一" names a day of its own
        return None
    weekday = _WEEKDAY_INDEX[(named.group(2) or named.group(4)).lower()]
    return found.day if weekday == found.day.weekday() else None


def iso_day(raw: str) -> date | None:
    """A day as daojia writes it (``2026-12-01``: a button's key, a flow's kept data); None
    when ``raw`` is empty or no such day."""
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _hint(m: re.Match[str]) -> str:
    return m.group(3) or ("晚" if (m.group(4) or "").lower() == "tonight" else "")


def _relative(m: re.Match[str], s: str, today: date) -> Named:
    word = (m.group(1) or m.group(2) or m.group(4) or "").lower()
    offset = _OFFSETS.get(word, 2)  # no group: the day after tomorrow
    day = today + timedelta(days=offset)
    return _Gone(day) if offset < 0 else day


def _later(m: re.Match[str], s: str, today: date) -> Named:
    raw = m.group(1) or m.group(3)
    count = 1 if raw.lower() in ("a", "an") else numeral(raw)
    if count is None or not 0 < count <= 60:
        return NOT_A_DAY
    unit = (m.group(2) or m.group(4)).lower()
    return today + timedelta(days=count * (1 if unit in ("天", "day", "days") else 7))


def _ymd(m: re.Match[str], s: str, today: date) -> Named:
    """A date ("2025-12-05", "12月5日", "十二月五号"); one without a year is looked for by
    ``_resolve``. A month past 12 or a day past 31 is no date (a range, a score) at all —
    unless a year comes first ("2027-13-45"): that is a date that does not exist."""
    if not m.group(2).isdigit() and m.group(3) != "月":
        return NOT_A_DAY
    month, day = numeral(m.group(2)), numeral(m.group(4))
    if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None if m.group(1) and month is not None and day is not None else NOT_A_DAY
    if m.group(1) is None:
        return _Yearless(month, day)
    try:
        return date(int(m.group(1)), month, day)
    except ValueError:
        return None


def _month_name(m: re.Match[str], s: str, today: date) -> Named:
    name = (m.group(1) or m.group(4)).lower()
    day = int(m.group(2) or m.group(3))
    month = 1 + [w[:3] for w in _MONTHS.split("|")].index(name[:3])
    return _Yearless(month, day) if 1 <= day <= 31 else NOT_A_DAY


def _month_end(m: re.Match[str], s: str, today: date) -> Named:
    """The last day of a month ("6月底", "明年六月底", "2027年6月末", "end of June 2027",
    "end of next June"): without a year the next such day, today included, "next" June the
    one after this month's; read only ``Toward.FUTURE`` (``_MonthEnd``)."""
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
    return _MonthEnd(_last_day(year, month)) if 1 <= year <= 9999 else None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _weekday(m: re.Match[str], s: str, today: date) -> Named:
    """A weekday ("周六", "sat", "this saturday"): this week's ("这周六": weeks start on
    Monday — even when it has passed, which the caller says); next week's ("下周六", "next
    saturday"); the week after's ("下下周三"); alone, looked for by ``_resolve``."""
    target = _WEEKDAY_INDEX[(m.group(2) or m.group(4)).lower()]
    which = (m.group(1) or m.group(3) or "").lower().rstrip("个")
    monday = today - timedelta(days=today.weekday())
    if which in ("这", "本"):
        return monday + timedelta(days=target)
    if which in ("下", "next"):
        return monday + timedelta(days=7 + target)
    if which == "下下":
        return monday + timedelta(days=14 + target)
    return _Weekless(target)


def _day_of_month(m: re.Match[str], s: str, today: date) -> Named:
    """A day of the month ("5号", "十五号"), looked for by ``_resolve``; "下个月5号" is next
    month's. Not one right after a road or a building."""
    before = s[m.start(2) - 1] if m.start(2) else " "
    if before in _ADDRESS_BEFORE or (before.isascii() and before.isalpha()):
        return NOT_A_DAY
    day = numeral(m.group(2))
    if day is None or not 1 <= day <= 31:
        return NOT_A_DAY
    return _in_month(today, 1, day) if m.group(1) else _Monthless(day)


def _resolve(named: Named, today: date, toward: Toward) -> Reading:
    """The day ``named`` is, what it left unwritten looked for ``toward``."""
    if isinstance(named, _Gone):
        return named.day if toward is Toward.NEAREST else NOT_A_DAY
    if isinstance(named, _MonthEnd):
        return named.day if toward is Toward.FUTURE else NOT_A_DAY
    if isinstance(named, _Weekless):
        ahead = (named.weekday - today.weekday()) % 7
        back = toward is Toward.NEAREST and ahead > 3  # nearer a week ago
        return today + timedelta(days=ahead - 7 if back else ahead)
    if isinstance(named, _Monthless):
        return _month_of(named.day, today, toward)
    if isinstance(named, _Yearless):
        return _year_of(named.month, named.day, today, toward)
    return named


def _year_of(month: int, day: int, today: date, toward: Toward) -> date | None:
    """The month and day in the year ``toward`` says (29 February: a year that has one)."""
    if toward is Toward.FUTURE:
        for each in (today.year, today.year + 1, today.year + 4 - today.year % 4):
            ahead_of = _on(each, month, day)
            if ahead_of is not None and ahead_of >= today:
                return ahead_of
        return None
    if toward is Toward.NEAREST:
        around = (_on(today.year + k, month, day) for k in (-1, 0, 1))
        return min((d for d in around if d), key=lambda d: abs(d - today), default=None)
    found = _on(today.year, month, day)
    if found is None or found >= today:
        return found
    # the nearer of this year's and next year's: "12月1日" on 7 December is six days ago (and
    # said to be past), not next December; "1月5日" on 7 December is next January's
    later = _on(today.year + 1, month, day)
    if later is None:  # 29 February, passed this year and missing next
        return None
    return later if later - today < today - found else found


def _month_of(day: int, today: date, toward: Toward) -> date | None:
    """The day of the month in the month ``toward`` says: this month's, or next month's once
    passed; the nearest of last, this and next month's."""
    if toward is Toward.NEAREST:
        around = (_in_month(today, k, day) for k in (-1, 0, 1))
        return min((d for d in around if d), key=lambda d: abs(d - today), default=None)
    found = _in_month(today, 0, day)
    if found is None or found >= today:
        return found
    return _in_month(today, 1, day)


def _in_month(today: date, months: int, day: int) -> date | None:
    """The ``day`` of the month ``months`` from today's; None when that month has none."""
    year, month = divmod(today.year * 12 + today.month - 1 + months, 12)
    return _on(year, month + 1, day)


def _on(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_KINDS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str, date], Named]], ...] = (
    (_RELATIVE, _relative),
    (_LATER, _later),
    (_YMD, _ymd),
    (_MONTH_END, _month_end),
    (_MONTH_NAME, _month_name),
    (_WEEKDAY, _weekday),
    (_DAY_OF_MONTH, _day_of_month),
)
