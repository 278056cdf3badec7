"""Business days as instants: where a run of days in the business timezone begins and ends.

One place for it, because a day at the calendar's edge (``9999-12-31``, ``0001-01-01``) is a
date Python reads but whose end — or whose start in UTC, as the database compares instants —
no ``datetime`` holds: every screen that takes a typed day (``/orders DATE``, ``/ledger FROM
TO``, ``daojia ledger export``) asks here and treats ``None`` as a day no record is on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_bounds(tz: ZoneInfo, start: date, end: date) -> tuple[datetime, datetime] | None:
    """The instants business days ``start``..``end`` (inclusive) begin and end at, or None
    for a range that is none: ``end`` before ``start``, or days at the calendar's edge, whose
    bounds no ``datetime`` holds, in ``tz`` or in UTC (``/ledger 0001-01-01 9999-12-31``)."""
    if end < start:
        return None
    try:
        begin = datetime.combine(start, time(), tzinfo=tz)
        finish = datetime.combine(end + timedelta(days=1), time(), tzinfo=tz)
        for bound in (begin, finish):
            bound.astimezone(UTC)  # OverflowError past the calendar's edge
    except OverflowError:
        return None
    return begin, finish
