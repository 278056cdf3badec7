"""The birthday step of 我的: the question, what a typed birthday is ("3月8日", "03-08",
"1990年3月8日", "March 8", "8 Mar" — read by the booking's day reader), and the answers."""

from __future__ import annotations

import re
from datetime import date

from conversations.flows.base import Ctx, tr
from conversations.replies import Ask, Option, Reply, Say
from conversations.state import Conversation
from conversations.understanding.days import Toward, find_day
from conversations.understanding.numbers import normalise
from domain.birthdays import month_day
from domain.moments import format_when
from domain.money import format_yuan

_LEAP = date(2000, 1, 1)
"""Read against the first day of a leap year: any month and day is that year's (29 Feb too)."""
_A_DATE = re.compile(r"[\d一二三四五六七八九十]\s*月|\d\s*[-/.]\s*\d|[a-z]{3}", re.IGNORECASE)
"""A month with a day, not a relative day ("明天") or a weekday ("周六")."""


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def typed_born(text: str) -> date | None:
    """The whole date when ``text`` gives the year too ("2030-01-01", "1990年3月8日"), for
    ``domain.birthdays.check_born``; None without one (or with no such day that year)."""
    s = normalise(text).strip()
    year, kept = _YEAR.search(s), read_birthday(text)
    if year is None or kept is None:
        return None
    month, day = (int(x) for x in kept.split("-"))
    try:
        return date(int(year.group(1)), month, day)
    except ValueError:  # 29 February of a year without one
        return None


def read_birthday(text: str) -> str | None:
    """The month and day ``text`` names ("03-08"), or None."""
    s = normalise(text).strip()
    if not _A_DATE.search(s) or len(s) > 20:
        return None
    found = find_day(s, _LEAP, toward=Toward.FUTURE)
    if found is None or found.day is None:
        return None
    return month_day(found.day.month, found.day.day)


def question(ctx: Ctx, conv: Conversation) -> list[Reply]:
    c = ctx.rules.coupons
    text = tr(
        conv,
        "请回复您的生日(月和日),例如 3月8日 或 03-08。每年生日会收到一张 {amount} "
        "生日券;生日每年只能修改一次。",
        amount=format_yuan(c.birthday_coupon_cents),
    )
    return [Ask(text, (Option("back", tr(conv, "返回")),))]


def not_a_birthday(conv: Conversation) -> Say:
    return Say(tr(conv, "没看懂这个日期,请回复月和日,例如 3月8日 或 03-08。"))


def birthday_text(conv: Conversation, month: int, day: int) -> str:
    """A birthday as the reader writes a day of no year (``format_when``: "3月8日" / "8 Mar":
    no weekday, it falls on another each year)."""
    return format_when(date(_LEAP.year, month, day), conv.lang, None)


def kept(conv: Conversation, month: int, day: int) -> Say:
    return Say(tr(conv, "已记下您的生日:{day}。", day=birthday_text(conv, month, day)))
