"""A whole request in one message — "明天下午三点 90平 日常保洁 漕溪北路88号 1201" — read
into every slot it fills, so the booking asks only for the rest.

The parts are read in an order that keeps one from being mistaken for another: a repeat's
own words first ("每周", "every": ``repeat.py``; "每周日常保洁" then names no Sunday), the
when next ("三点" is then no quantity), the address next (its "88号" is then no day: the when
is read again without it), the amounts next ("3小时", "90平"), and the item last, from what
is left — where little but the item's words remain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from conversations.understanding.address import find_address
from conversations.understanding.items import (
    NO_MATCH,
    Candidate,
    ItemMatch,
    ItemMatcher,
    matcher_for,
)
from conversations.understanding.numbers import normalise, read_number
from conversations.understanding.phrases import Kind
from conversations.understanding.quantities import Amount, alike, find_amounts, in_unit
from conversations.understanding.repeat import Repeat, find_repeat
from conversations.understanding.when import When, when_in
from domain.catalog import Catalog, Unit

Span = tuple[int, int]


class Slot(StrEnum):
    ITEM = "item"
    QUANTITY = "quantity"
    AREA = "area"
    DAY = "day"
    TIME = "time"
    ADDRESS = "address"


@dataclass(frozen=True, slots=True)
class Request:
    """What one message asks for; ``found`` names the slots it fills.

    Attributes:
        item: the item (bundle, category) named, with near misses to offer (``items.py``).
        quantity: how many of the item's unit — hours, units, visits, days or m² (``unit``); a
            number in another unit than the item's is dropped ("深度保洁 3小时": asked).
        unit: the unit of ``quantity``; None for a bare number ("九十") whose unit the
            question it answers gives.
        area_sqm: the home's area ("90平"), for items that price or plan by it.
        when: day, time, part of the day, asap (``when.py``); "尽快" fills day and time.
        address: the address as written (normalised: full-width digits made plain).
        repeat: the repeat asked for ("每周六", "every week", "隔周"), supported or not.
    """

    item: ItemMatch
    quantity: int | None
    unit: Unit | None
    area_sqm: int | None
    when: When
    address: str | None
    found: frozenset[Slot]
    repeat: Repeat | None = None


def read_request(
    text: str, catalog: Catalog, today: date, matcher: ItemMatcher | None = None
) -> Request:
    """Every slot ``text`` fills, relative to ``today`` (business-local)."""
    matcher = matcher or matcher_for(catalog)
    s = normalise(text)
    repeat = find_repeat(s)
    if repeat is not None:
        s = _blank(s, [repeat.span])
    when = when_in(s, today)
    span = find_address(s, when.spans, matcher.after_phrases)
    address = s[span[0] : span[1]] if span else None
    if span:
        s = _blank(s, [span])
        if any(a < span[1] and span[0] < b for a, b in when.spans):
            when = when_in(s, today)  # what looked like a day ("…城5号") was the address
    rest = _blank(s, when.spans)
    amounts = find_amounts(rest)
    rest = _blank(rest, [a.span for a in amounts.values()])
    item = matcher.match(rest) if rest.strip() else NO_MATCH
    bare = read_number(text) if not (amounts or when.found or address or item.found) else None
    item = _narrowed(item, catalog, amounts)
    quantity, unit = _quantity(item, catalog, amounts)
    if bare is not None:
        quantity, unit = bare, None
    area = amounts.get(Unit.SQM)
    found = {
        Slot.ITEM: item.found,
        Slot.QUANTITY: quantity is not None,
        Slot.AREA: area is not None,
        Slot.DAY: when.day is not None or when.asap,
        Slot.TIME: when.at is not None or when.asap,
        Slot.ADDRESS: address is not None,
    }
    return Request(
        item=item,
        quantity=quantity,
        unit=unit,
        area_sqm=area.value if area else None,
        when=when,
        address=address,
        found=frozenset(slot for slot, yes in found.items() if yes),
        repeat=repeat,
    )


def _blank(s: str, spans: list[Span] | tuple[Span, ...]) -> str:
    """``s`` with the spans read already as spaces: lengths (and the other spans) kept."""
    chars = list(s)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _unit_of(candidate: Candidate, catalog: Catalog) -> Unit | None:
    return catalog.item(candidate.id).unit if candidate.kind == Kind.ITEM else None


def _narrowed(item: ItemMatch, catalog: Catalog, amounts: dict[Unit, Amount]) -> ItemMatch:
    """Near misses sold in another unit than the one the customer counted in dropped: "3小时
    保洁" is daily cleaning (by the hour), not deep cleaning (by the m²)."""
    counted = [u for u in amounts if u != Unit.SQM]
    if item.sure or len(counted) != 1:
        return item
    return item.narrowed(lambda c: alike(_unit_of(c, catalog), counted[0]))


def _quantity(
    item: ItemMatch, catalog: Catalog, amounts: dict[Unit, Amount]
) -> tuple[int | None, Unit | None]:
    """The amount in the item's unit; without one item, the only amount counted."""
    if item.best is not None and item.best.kind == Kind.ITEM:
        unit = catalog.item(item.best.id).unit
        amount = in_unit(amounts, unit)
        return (amount.value, unit) if amount else (None, None)
    counted = [a for u, a in amounts.items() if u != Unit.SQM]
    if len(counted) == 1:
        return counted[0].value, counted[0].unit
    return None, None
