"""Understanding dates and times people type: "明天 下午3点", "12月5日 9:30", "sat 3pm".

The reading itself lives in ``conversations.understanding.when`` (shared with the reader of
whole one-message requests); the flows keep calling these two functions.
"""

from __future__ import annotations

from datetime import date, time

from conversations.understanding.days import Toward, iso_day
from conversations.understanding.when import PartOfDay, When, read_when

__all__ = [
    "PartOfDay",
    "Toward",
    "When",
    "day_to_come",
    "names_impossible_date",
    "parse_when",
    "read_when",
]


def parse_when(text: str, today: date) -> tuple[date | None, time | None]:
    """Find a date and/or a time in ``text`` relative to ``today`` (business-local).

    Returns ``(None, None)`` when nothing is recognised; an impossible date (2月30日) is None.
    A part of the day without a clock ("周六上午") gives its default hour (9:00); call
    ``read_when`` to tell that default from a typed time.
    """
    when = read_when(text, today)
    return when.day, when.at


def names_impossible_date(text: str, today: date, *, toward: Toward = Toward.SOON) -> bool:
    """Whether ``text`` names a date that does not exist ("2月30日", "4-31", "31号" in a month
    of 30 days): told as such, never read as no date at all. ``toward`` as ``read_when``."""
    return read_when(text, today, toward=toward).impossible


def day_to_come(text: str, today: date) -> date | None:
    """The day ``text`` names where only a day to come makes sense (a document's expiry):
    ``2027-06-30`` as written, and a month and day without a year as the next such day, today
    included — "11月1日" on 7 December is next year's, where a booking's reader takes the
    nearer one (six weeks ago); a month's end ("明年六月底", "end of June") as its last day.
    The caller still refuses a day already past ("2026-11-01")."""
    return iso_day(text.strip()) or read_when(text, today, toward=Toward.FUTURE).day
