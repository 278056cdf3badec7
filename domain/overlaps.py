"""Overlaps among a worker's accepted jobs (DESIGN §4: no overlapping booking, with the travel
buffer). Dispatch keeps them from arising; a change after acceptance — a reschedule, a long
placement extended — can still make two of them overlap, and then the changed one is offered
to another worker (``conversations.services.overlaps``).

Over plain intervals, so any kind of booking (a visit, a placement's whole period) can be
checked the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Interval:
    """One booking of a worker: ``key`` names it (the order's number)."""

    key: int
    start_at: datetime
    end_at: datetime


def clash(a: Interval, b: Interval, buffer: timedelta) -> bool:
    """Whether two bookings leave less than ``buffer`` between them (to travel)."""
    return a.start_at < b.end_at + buffer and b.start_at < a.end_at + buffer


def clashes_with(target: Interval, others: Iterable[Interval], buffer: timedelta) -> list[int]:
    """The keys of the bookings (other than ``target`` itself) that clash with it."""
    return [o.key for o in others if o.key != target.key and clash(target, o, buffer)]


def overlapping_pairs(intervals: Sequence[Interval], buffer: timedelta) -> list[tuple[int, int]]:
    """Every clashing pair of a worker's bookings, each once, earlier start first."""
    ordered = sorted(intervals, key=lambda i: (i.start_at, i.key))
    pairs: list[tuple[int, int]] = []
    for n, a in enumerate(ordered):
        for b in ordered[n + 1 :]:
            if b.start_at >= a.end_at + buffer:
                break  # sorted by start: no later one can clash with ``a`` either
            if clash(a, b, buffer):
                pairs.append((a.key, b.key))
    return pairs
