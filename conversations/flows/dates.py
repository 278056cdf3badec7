"""Understanding dates and times people type: "明天 下午3点", "12月5日 9:30", "sat 3pm"."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

_WEEKDAYS = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
_RELATIVE = {"今天": 0, "today": 0, "明天": 1, "tomorrow": 1, "后天": 2, "大后天": 3}
_YMD = re.compile(r"(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_DAY_ONLY = re.compile(r"(?<!\d)(\d{1,2})\s*[日号]")
_WEEKDAY = re.compile(
    r"(?:周|星期|礼拜)([一二三四五六日天])|\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b"
)
_HM = re.compile(r"(?<!\d)(\d{1,2})\s*[:：点时]\s*(\d{1,2}|半)?\s*(?:分)?(?!\s*[-/.月])")
_AMPM = re.compile(r"(?<![\d:])(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b")
_AFTERNOON = ("下午", "晚上", "傍晚", "夜里", "pm")


def parse_when(text: str, today: date) -> tuple[date | None, time | None]:
    """Find a date and/or a time in ``text`` relative to ``today`` (business-local).

    Returns ``(None, None)`` when nothing is recognised; an impossible date (2月30日) is None.
    """
    s = text.strip().lower()
    day = _date_part(s, today)
    clock = _time_part(s)
    return day, clock


def names_impossible_date(text: str, today: date) -> bool:
    """Whether ``text`` names a date that does not exist ("2月30日", "4-31", "31号" in a month
    of 30 days): told as such, never read as no date at all."""
    s = text.strip().lower()
    if any(word in s for word in _RELATIVE) or "day after tomorrow" in s:
        return False
    for pattern, read in ((_YMD, _on_ymd), (_WEEKDAY, _on_weekday), (_DAY_ONLY, _on_day)):
        m = pattern.search(s)
        if m:
            return read(m, s, today) is None
    return False


def _date_part(s: str, today: date) -> date | None:
    for word, offset in sorted(_RELATIVE.items(), key=lambda kv: -len(kv[0])):
        if word in s:
            return today + timedelta(days=offset)
    if "day after tomorrow" in s:
        return today + timedelta(days=2)
    for pattern, read in ((_YMD, _on_ymd), (_WEEKDAY, _on_weekday), (_DAY_ONLY, _on_day)):
        m = pattern.search(s)
        if m:  # the first kind of date found decides, even when it is impossible
            return read(m, s, today)
    return None


def _on_ymd(m: re.Match[str], s: str, today: date) -> date | None:
    """A date ("2025-12-05", "12月5日"); one without a year is the next from today."""
    year = int(m.group(1)) if m.group(1) else today.year
    try:
        found = date(year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    if not m.group(1) and found < today:
        found = found.replace(year=year + 1)
    return found


def _on_weekday(m: re.Match[str], s: str, today: date) -> date:
    """A weekday ("周六", "sat"): the next one, today included; next week's ("下周六")."""
    target = _WEEKDAYS[m.group(1) or m.group(2)[:3]]
    if "下周" in s or "next" in s:  # that day of next week (weeks start on Monday)
        return today + timedelta(days=7 - today.weekday() + target)
    return today + timedelta(days=(target - today.weekday()) % 7)


def _on_day(m: re.Match[str], s: str, today: date) -> date | None:
    """A day of the month ("5号"): this month's, or next month's once it has passed."""
    try:
        found = today.replace(day=int(m.group(1)))
    except ValueError:
        return None
    if found < today:
        month = today.month % 12 + 1
        year = today.year + (today.month == 12)
        try:
            found = date(year, month, int(m.group(1)))
        except ValueError:
            return None
    return found


def _time_part(s: str) -> time | None:
    m = _AMPM.search(s)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        hour = hour % 12 + (12 if m.group(3) == "pm" else 0)
        return time(hour, minute)
    m = _HM.search(s)
    if not m:
        return None
    hour = int(m.group(1))
    minute = 30 if m.group(2) == "半" else int(m.group(2) or 0)
    if any(w in s for w in _AFTERNOON) and hour < 12:
        hour += 12
    if "中午" in s and hour < 6:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
