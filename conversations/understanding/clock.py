"""The clock time a message names: "3pm", "9:30", "三点一刻", "九点四十", "十点半", "at 3".

Only the hour and minute are read here; which half of the day they fall in is decided with
the part of the day (``when.py``), since "三点" is 15:00 after 下午 and 03:00 after 凌晨.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.understanding.numbers import CN_DIGITS, NUM, UNITS, numeral


@dataclass(frozen=True, slots=True)
class ClockFound:
    """An hour and minute as typed, and where. ``fixed``: the text already says which half of
    the day ("3pm", "15:00", "09:00"), so no part of the day moves it; ``valid`` is False
    for a clock that does not exist ("25:00", "13pm") — read as no time at all."""

    hour: int
    minute: int
    span: tuple[int, int]
    fixed: bool = False
    valid: bool = True


_AMPM = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?",
    re.IGNORECASE,
)
_NOON = re.compile(r"\b(?:noon|midday)\b", re.IGNORECASE)
_OCLOCK = re.compile(
    r"(?<![\d:.])(\d{1,2})\s*o'?\s?clock\b"
    r"|\b(?:at|@|around|by)\s*(\d{1,2})(?::(\d{2}))?"
    r"(?=\s*(?:$|[,.;!?]|tomorrow|today|tonight|on\b|this\b|next\b|please|pls))",
    re.IGNORECASE,
)
_DIGITAL = re.compile(r"(?<![\d.:])(\d{1,2})\s*:\s*(\d{2})(?![\d:])")
_CHINESE = re.compile(rf"(?<![\d.])({NUM})\s*(?:点|點|时)(?!间|候|评|赞|击|心|儿|菜|多钟)(钟)?")
_MINUTES = re.compile(
    rf"(半)|([13一三])刻|(整)|[零〇]?({NUM})(?![\d{CN_DIGITS}])\s*分?"
    rf"(?!\s*(?:{UNITS}|号|日|月|楼|层|室|栋))",
)
_A_BIT_BEFORE = re.compile(
    r"(?:快|早|晚|慢|便宜|贵|多|少|好|大|小|高|低|轻|细|干净|仔细|认真|有|差|稍|稍微|再|提前)\s*$"
)


def find_clock(s: str) -> ClockFound | None:
    """The first clock time ``s`` (normalised text) names, by a fixed order of forms."""
    m = _AMPM.search(s)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        ok = 1 <= hour <= 12 and minute <= 59
        hour = hour % 12 + (12 if m.group(3).lower() == "p" else 0)
        return ClockFound(hour, minute, m.span(), fixed=True, valid=ok)
    if m := _NOON.search(s):
        return ClockFound(12, 0, m.span(), fixed=True)
    if m := _OCLOCK.search(s):
        hour = int(m.group(1) or m.group(2))
        minute = int(m.group(3) or 0)
        return ClockFound(hour, minute, m.span(), valid=hour <= 12 and minute <= 59)
    if m := _DIGITAL.search(s):
        hour, minute = int(m.group(1)), int(m.group(2))
        fixed = m.group(1).startswith("0") or hour == 0 or hour >= 13
        return ClockFound(hour, minute, m.span(), fixed, valid=hour <= 23 and minute <= 59)
    return _chinese(s)


def _chinese(s: str) -> ClockFound | None:
    """Chinese clock times: "三点", "9点半", "三点一刻", "九点四十(分)", "十点零五", "3点钟";
    a "一点" that is "a bit" ("快一点", "便宜一点") is no time."""
    for m in _CHINESE.finditer(s):
        hour = numeral(m.group(1))
        if hour is None:
            continue
        end, minute = m.end(), 0
        if not m.group(2):
            minutes = _MINUTES.match(s, end)
            if minutes and (value := _minute(minutes)) is not None:
                end, minute = minutes.end(), value
            elif m.group(1) == "一" and _A_BIT_BEFORE.search(s, 0, m.start()):
                continue
        return ClockFound(hour, minute, (m.start(), end), valid=hour <= 23)
    return None


def _minute(m: re.Match[str]) -> int | None:
    if m.group(1):
        return 30
    if m.group(2):
        return 15 if m.group(2) in "1一" else 45
    if m.group(3):
        return 0
    value = numeral(m.group(4))
    return value if value is not None and value <= 59 else None
