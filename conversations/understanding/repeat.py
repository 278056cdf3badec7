"""A booking asked for again and again: "每周六", "每个周六", "每星期六", "每周", "每周一次",
"every Saturday", "every week", "weekly", "once a week" — and the repeats recurring bookings do
not offer, read so that the customer is told rather than booked once in silence.

Recurring bookings (``domain.recurring``) repeat one visit a week: a weekday and a time, no
interval. So "隔周", "每两周", "every other week", "every two weeks", "biweekly" (every
other week), "每天", "天天", "every day" (every day), "每月", "monthly" (every month) and
"每周二、四", "每周两次", "every Tuesday and Thursday", "twice a week" (several days a week)
are read, and not supported. "Daily" alone is no repeat: it names a service ("Daily
cleaning", 日常保洁), as "每日" does ("每日保洁").

Only the repeat's own words are marked (``Repeat.span``): of "每周六" the "每", whose "周六"
the day reader reads; of "every Saturday" the "every". A reader of a whole request blanks them
before reading the rest — "每周日常保洁" (weekly 日常保洁) then holds no Sunday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from conversations.understanding.days import EN_WEEKDAY_ENDINGS, EN_WEEKDAYS

Span = tuple[int, int]


class Every(StrEnum):
    WEEK = "week"
    """Once a week: the one repeat recurring bookings offer."""
    OTHER_WEEK = "other_week"
    DAY = "day"
    MONTH = "month"
    DAYS_A_WEEK = "days_a_week"
    """More than one day a week ("每周二、四", "twice a week")."""


@dataclass(frozen=True, slots=True)
class Repeat:
    """A repeat a text asks for, and where its own words are (in ``normalise(text)``)."""

    every: Every
    span: Span

    @property
    def weekly(self) -> bool:
        return self.every == Every.WEEK


_CN_WEEK = r"(?:周|星期|礼拜)"
_CN_WEEKDAY = rf"{_CN_WEEK}[一二三四五六日天1-7](?!常)"
"""A weekday ("周六"); not the "周日" of "每周日常保洁" (weekly 日常保洁)."""
_EN_WEEKDAY = rf"(?:{'|'.join(EN_WEEKDAYS)}){EN_WEEKDAY_ENDINGS}"
_KINDS: tuple[tuple[Every, re.Pattern[str]], ...] = (
    (
        Every.DAYS_A_WEEK,
        re.compile(
            rf"(?:每|一)\s*个?\s*{_CN_WEEK}\s*(?:[两二三四五六七]|[2-7])\s*次"
            r"|\b(?:twice|(?:two|three|four|five|six|[2-6])\s+times)\s+(?:a|per|every)\s+week\b",
            re.IGNORECASE,
        ),
    ),
    (
        Every.OTHER_WEEK,
        re.compile(
            rf"每?\s*隔\s*(?:一|1)?\s*个?\s*(?={_CN_WEEKDAY})|每\s*(?:两|二|2)\s*个?\s*(?={_CN_WEEKDAY})"
            rf"|每隔\s*(?:一|1)?\s*个?\s*{_CN_WEEK}|隔{_CN_WEEK}"
            rf"|每\s*(?:两|二|2)\s*个?\s*{_CN_WEEK}|双{_CN_WEEK}"
            rf"|\bevery\s+(?:other|second|2nd)\s+(?:weeks?\b|(?={_EN_WEEKDAY}))"
            r"|\bevery\s+(?:two|2)\s+weeks\b|\bbi-?weekly\b|\bfortnightly\b"
            r"|\bevery\s+fortnight\b|\balternate\s+weeks\b",
            re.IGNORECASE,
        ),
    ),
    (
        Every.WEEK,
        re.compile(
            rf"(?:每|一)\s*个?\s*{_CN_WEEK}\s*(?:一|1)\s*次"
            rf"|每\s*(?:逢|到)?\s*个?\s*(?={_CN_WEEKDAY})"
            rf"|每\s*个?\s*{_CN_WEEK}"
            rf"|\b(?:every|each)\s+(?={_EN_WEEKDAY})"
            r"|\b(?:every|each)\s+week\b|\bweekly\b|\bonce\s+(?:a|per|every)\s+week\b",
            re.IGNORECASE,
        ),
    ),
    (
        Every.DAY,
        re.compile(r"每\s*一?\s*天|天天|\bevery\s*day\b|\beach\s+day\b", re.IGNORECASE),
    ),
    (
        Every.MONTH,
        re.compile(r"每\s*个?\s*月|\bmonthly\b|\b(?:every|each)\s+month\b", re.IGNORECASE),
    ),
)
_WEEKDAYS = re.compile(
    rf"{_CN_WEEK}([一二三四五六日天1-7])(?!常)"
    r"|(?<=[一二三四五六日天])\s*[、,/&和及与跟]\s*([一二三四五六日天])(?![点时])"
    r"|(?<=周六|期六|拜六)([日天])(?![常点时])"
    rf"|\b({'|'.join(EN_WEEKDAYS)}){EN_WEEKDAY_ENDINGS}",
    re.IGNORECASE,
)
_SAME_DAY = {
    **dict(zip("1234567日", "一二三四五六天天", strict=True)),
    **dict(zip(EN_WEEKDAYS, "一二三四五六天", strict=True)),
}
"""Each way of writing a weekday, as the one key ``weekdays_named`` counts it by."""


def find_repeat(s: str) -> Repeat | None:
    """The repeat ``s`` (normalised text) asks for, if any: the first kind above that it
    names; a weekly one naming two weekdays or more is several days a week."""
    for every, pattern in _KINDS:
        m = pattern.search(s)
        if m is None:
            continue
        if every == Every.WEEK and len(weekdays_named(s)) > 1:
            every = Every.DAYS_A_WEEK
        return Repeat(every, m.span())
    return None


def weekdays_named(s: str) -> frozenset[str]:
    """The weekdays ``s`` names ("周二、四": two), each by one key."""
    named = set()
    for m in _WEEKDAYS.finditer(s):
        day = next(g for g in m.groups() if g)
        key = day.lower()[:3]
        named.add(_SAME_DAY.get(key, key))
    return frozenset(named)
