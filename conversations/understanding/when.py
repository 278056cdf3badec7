"""When a customer wants the service: a day, a time, a part of the day, or "as soon as
possible" — read from what they type ("后天下午三点", "周六上午", "tomorrow 3pm", "尽快").

A part of the day without a clock stands for a default hour (上午 9:00, 中午 12:00, 下午
14:00, 晚上 19:00) so that "周六上午" can be booked as it is; ``When.clock`` tells a caller
whether the time was typed or is that default, to confirm it or offer the slots around it.

An hour from 1 to 6 with nothing saying which half of the day ("3点", "at 3") is read as the
afternoon: nobody books a home service for three in the night by typing "3点"; "凌晨3点",
"3am" and "03:00" say the night when it is meant.

Everything here is pure: ``today`` comes from the caller, in the business's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum

from conversations.understanding.clock import ClockFound, find_clock
from conversations.understanding.days import Toward, find_day
from conversations.understanding.numbers import normalise


class PartOfDay(StrEnum):
    MORNING = "morning"
    NOON = "noon"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"  # 凌晨, 半夜: the small hours, never a default


DEFAULT_HOUR = {
    PartOfDay.MORNING: 9,
    PartOfDay.NOON: 12,
    PartOfDay.AFTERNOON: 14,
    PartOfDay.EVENING: 19,
}

_PM_BELOW: dict[PartOfDay | None, int] = {
    PartOfDay.AFTERNOON: 12,
    PartOfDay.EVENING: 12,
    PartOfDay.NOON: 6,  # 中午1点 is 13:00, 中午12点 is noon
    None: 7,  # "3点" alone: the afternoon (see above)
}
"""An hour from 1 up to (not including) this, in this part of the day, is after noon."""

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class When:
    """What a message says about when.

    Attributes:
        day: the day named; None when none is (or it does not exist: ``impossible``).
        at: the time named, or the part of the day's default hour (``clock`` False).
        part_of_day: the part of the day named ("上午", "tonight"), if any.
        clock: whether ``at`` was typed as a clock time ("3点", "9:30", "3pm").
        asap: "尽快", "马上", "asap": the caller picks the earliest start it can offer.
        impossible: the text names a date that does not exist ("2月30日").
        spans: where in ``normalise(text)`` each of these was written, for a reader of a
            whole request to take them out before reading the rest.
    """

    day: date | None = None
    at: time | None = None
    part_of_day: PartOfDay | None = None
    clock: bool = False
    asap: bool = False
    impossible: bool = False
    spans: tuple[Span, ...] = field(default=(), compare=False)

    @property
    def found(self) -> bool:
        return self.day is not None or self.at is not None or self.asap or self.impossible


# Only words that name a part of the day: "午饭后" (after lunch) and the like are too vague
# to book, and asked again.
_PARTS = re.compile(
    r"(凌晨|半夜|深夜)|(清晨|早上|早晨|上午|一早)|(中午)|(下午|午后)"
    r"|(傍晚|晚上|夜里|夜间|晚间)"
    r"|\b(?:(morning)|(noon|midday|lunchtime|lunch\s+time)|(afternoon)|(evening|night))\b",
    re.IGNORECASE,
)
_GREETING = re.compile(r"\s*好")
_PART_BY_GROUP = (
    PartOfDay.NIGHT,
    PartOfDay.MORNING,
    PartOfDay.NOON,
    PartOfDay.AFTERNOON,
    PartOfDay.EVENING,
    PartOfDay.MORNING,
    PartOfDay.NOON,
    PartOfDay.AFTERNOON,
    PartOfDay.EVENING,
)
_HINTS = {
    "早": PartOfDay.MORNING,
    "晨": PartOfDay.MORNING,
    "晚": PartOfDay.EVENING,
    "夜": PartOfDay.EVENING,
}
_ASAP = re.compile(
    r"尽快|尽早|越快越好|越早越好|马上|立刻|立即|赶紧|现在就|现在过来|现在来|急需"
    r"|\b(?:asap|as\s+soon\s+as\s+possible|right\s+away|right\s+now|immediately|urgent(?:ly)?)\b",
    re.IGNORECASE,
)


def read_when(text: str, today: date, *, toward: Toward = Toward.SOON) -> When:
    """The day, time, part of the day and urgency ``text`` names, relative to ``today``; a
    day written without its year, month or week looked for ``toward`` (``days.Toward``: a
    booking's by default)."""
    return when_in(normalise(text), today, toward=toward)


def when_in(s: str, today: date, *, toward: Toward = Toward.SOON) -> When:
    """``read_when`` for text already normalised (``numbers.normalise``): spans index ``s``."""
    spans: list[Span] = []
    day_found = find_day(s, today, toward=toward)
    if day_found is not None:
        spans.append(day_found.span)
    part = _part_of_day(s, spans)
    if part is None and day_found is not None and day_found.hint:
        part = _HINTS[day_found.hint]
    clock = find_clock(s)
    at: time | None = None
    if clock is not None:
        spans.append(clock.span)
        at = _on_the_clock(clock, part)
    elif part in DEFAULT_HOUR:
        at = time(DEFAULT_HOUR[part])
    asap = _ASAP.search(s)
    if asap:
        spans.append(asap.span())
    return When(
        day=day_found.day if day_found else None,
        at=at,
        part_of_day=part,
        clock=clock is not None and at is not None,
        asap=asap is not None,
        impossible=day_found is not None and day_found.day is None,
        spans=tuple(spans),
    )


def _part_of_day(s: str, spans: list[Span]) -> PartOfDay | None:
    for m in _PARTS.finditer(s):
        if _GREETING.match(s, m.end()) or s[: m.start()].lower().endswith("good "):
            continue  # 早上好, good morning: a greeting, not a booking
        spans.append(m.span())
        return _PART_BY_GROUP[m.lastindex - 1 if m.lastindex else 0]
    return None


def _on_the_clock(clock: ClockFound, part: PartOfDay | None) -> time | None:
    if not clock.valid:
        return None
    hour = clock.hour
    if not clock.fixed:
        if part == PartOfDay.NIGHT and hour == 12:
            hour = 0
        elif 1 <= hour < _PM_BELOW.get(part, 0):
            hour += 12
    if hour > 23 or clock.minute > 59:
        return None
    return time(hour, clock.minute)
