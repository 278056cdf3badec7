"""How much a message asks for: hours ("3小时", "三个钟头", "3 hours"), units ("两台",
"2 units"), visits ("两次"), days ("26天") and area ("90平", "九十平米", "100 sqm") — each
with where it was written. Read after the when and the address are taken out, so "3点" and
"88号" are gone.

"一个半小时" and "3到4小时" are no whole number of hours and are not read: the booking asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.understanding.numbers import CN_DIGITS, EN_WORDS, numeral
from domain.catalog import Unit

Span = tuple[int, int]

_APPLIANCE = r"(?:空调|挂机|柜机|油烟机|烟机|洗衣机|热水器|冰箱)"
_AMOUNT = re.compile(
    rf"(?<![\d.到至~\-])(?P<n>\d{{1,5}}|[{CN_DIGITS}]{{1,6}}|\b(?:{EN_WORDS}|a|an)\b)\s*(?:"
    r"(?P<sqm>平方米|平方|平米|平(?![安和台价])|m2\b|sqm\b|sq\.?\s?m\b|square\s+met(?:er|re)s?\b)"
    r"|个?\s*(?P<half>半\s*)?(?P<hour>小时|钟头|个钟|hours?\b|hrs?\b|h\b)"
    rf"|(?P<unit>台|部|个(?=\s*{_APPLIANCE})|units?\b|machines?\b"
    r"|(?=(?:air[\s-]?con(?:ditioner)?s?|aircons?|acs|a/cs?|range[\s-]?hoods?|hoods?|washers?"
    r"|washing[\s-]machines?)\b))"
    r"|(?P<visit>次|套|times\b|visits?\b)"
    r"|个?\s*(?P<day>天(?!\s*(?:后|以后|之后|前|内))|days?\b))",
    re.IGNORECASE,
)
# an appliance counted in English is left in the text ("2 air conditioners"): it names the item
_UNITS = {
    "sqm": Unit.SQM,
    "hour": Unit.HOUR,
    "unit": Unit.UNIT,
    "visit": Unit.VISIT,
    "day": Unit.DAY,
}
COUNTS = frozenset({Unit.UNIT, Unit.VISIT})
"""Units that count things done: "两台" or "两次" of an item sold by either is the same two."""
_RANGE_AFTER = re.compile(r"\s*(?:到|至|~|-|或|or\b|to\b)\s*\d", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Amount:
    """A number and its unit as typed, and where."""

    value: int
    unit: Unit
    span: Span


def alike(a: Unit | None, b: Unit | None) -> bool:
    """Whether an amount counted in ``a`` is one in ``b`` (the same unit, or both counts)."""
    return a == b or (a in COUNTS and b in COUNTS)


def in_unit(amounts: dict[Unit, Amount], unit: Unit) -> Amount | None:
    """The amount of ``amounts`` in ``unit`` ("两台" for an item sold by the 台; "两次" too)."""
    found = amounts.get(unit)
    if found is None and unit in COUNTS:
        found = next((a for u, a in amounts.items() if u in COUNTS), None)
    return found


def find_amounts(s: str) -> dict[Unit, Amount]:
    """The first amount of each unit ``s`` (normalised text) names."""
    found: dict[Unit, Amount] = {}
    for m in _AMOUNT.finditer(s):
        if m.group("half") or _RANGE_AFTER.match(s, m.end("n")):
            continue  # "一个半小时", "3到4小时": no one whole number
        unit = _UNITS[next(k for k in _UNITS if m.group(k) is not None)]
        raw = m.group("n")
        value = 1 if raw.lower() in ("a", "an") else numeral(raw)
        if unit not in found and value:
            found[unit] = Amount(value, unit, m.span())
    return found
