"""A request typed in one message ("明天下午三点 90平 日常保洁 漕溪北路88号 1201", "周六上午找个
阿姨做3小时保洁"): what it names fills the booking draft, and the booking asks only for the
rest. Typed at the menu it starts a booking; typed at the booking's first questions it adds to
the draft being made.

An item named with near misses ("保洁": daily, deep or move-in cleaning) is not guessed: the
category they share is taken and its items are offered. A repeat ("每周六", "every Saturday")
is kept with the draft, or said not offered (``booking_repeat``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.events import TextReceived
from conversations.flows import booking_repeat as repeat
from conversations.flows import booking_views as views
from conversations.flows.base import Ctx, Outcome
from conversations.flows.booking_draft import ADDRESS_MIN, MAX_AREA, MIN_AREA, Draft, draft
from conversations.flows.booking_steps import advance, start_with
from conversations.flows.booking_time_views import days_ahead
from conversations.flows.booking_when import refusal, take_asap
from conversations.replies import Reply, Say
from conversations.state import Conversation
from conversations.understanding.items import ItemMatch
from conversations.understanding.phrases import Kind
from conversations.understanding.quantities import alike
from conversations.understanding.request import Request, Slot, read_request
from domain.catalog import Catalog, Item, Unit
from domain.errors import QuoteError


def from_words(ctx: Ctx, conv: Conversation, text: str) -> Outcome | None:
    """The booking entered with what ``text`` names; None when it names nothing bookable."""
    r = read_request(text, ctx.catalog, ctx.now.astimezone(ctx.tz).date())
    if not r.found - {Slot.QUANTITY}:  # a bare number names nothing to book
        return None
    d = Draft()
    said = fill(ctx, conv, d, r)
    return start_with(conv, d, said)


def fill(ctx: Ctx, conv: Conversation, d: Draft, r: Request) -> list[Reply]:
    """Put into ``d`` every slot of ``r`` the booking takes; what is refused is said."""
    said: list[Reply] = []
    if r.item.found:
        before = d.item
        _choose(ctx.catalog, d, r.item)
        if d.item and d.item != before:  # what a tap on the item shows: terms, what is extra
            said.append(Say(views.item_card(conv, ctx.catalog.item(d.item))))
    items = d.items(ctx.catalog)
    if items and not d.bundle:
        _amounts(d, r, items[0].unit, items[0])
    area = r.area_sqm
    if area is not None and MIN_AREA <= area <= MAX_AREA and d.counts_area(ctx.catalog):
        d.area_sqm = area  # not of one sold by the m²: its quantity took it (``_amounts``)
    if r.when.impossible:
        said.append(views.no_such_date(conv))
    elif r.when.asap:
        take_asap(ctx, d)
    elif r.when.day is not None or r.when.at is not None:
        _when(ctx, conv, d, r, said)
    if r.address and len(r.address) >= ADDRESS_MIN:
        d.address_text, d.address_id = r.address, None
    said += repeat.take(conv, d, r.repeat)
    return said


def _when(ctx: Ctx, conv: Conversation, d: Draft, r: Request, said: list[Reply]) -> None:
    today = ctx.now.astimezone(ctx.tz).date()
    day = r.when.day or today
    ahead = days_ahead(ctx, d)
    if r.when.at is None:  # the day: its time is asked next (booking's WHEN asks the time)
        if day < today:
            said.append(views.in_the_past(conv))
        elif day > today + timedelta(days=ahead):
            said.append(views.too_far(conv, ahead))  # said now, not once a time is picked
        else:
            d.day, d.start, d.asap = day, None, False
        return
    start = datetime.combine(day, r.when.at, tzinfo=ctx.tz)
    wrong = refusal(ctx, conv, start, ahead)
    if wrong is None:
        d.day, d.start, d.asap = day, start, False
    else:
        said.append(wrong)


def _choose(catalog: Catalog, d: Draft, match: ItemMatch) -> None:
    best = match.best
    assert best is not None
    if not match.sure:
        categories = {_category_of(catalog, c.kind, c.id) for c in match.candidates}
        if len(categories) == 1 and None not in categories:
            d.forget_choices(item=True)
            d.category = str(categories.pop())
        return
    if best.kind == Kind.ITEM:
        d.choose_item(catalog.item(best.id))
        return
    d.forget_choices(item=True)
    if best.kind == Kind.BUNDLE:
        d.category, d.bundle = "", best.id
    else:
        d.category = best.id


def _category_of(catalog: Catalog, kind: Kind, ref: str) -> str | None:
    if kind == Kind.CATEGORY:
        return ref
    if kind == Kind.ITEM:
        return catalog.item(ref).category_id
    return None


def _amounts(d: Draft, r: Request, unit: Unit, item: Item) -> None:
    """The quantity in the item's own unit ("3小时" for hours; "120平" for an item sold by the
    m²); one out of the item's range is left to its question, which gives the range."""
    quantity = r.quantity if r.unit is None or alike(r.unit, unit) else None
    if unit == Unit.SQM and quantity is None:
        quantity = r.area_sqm
    if quantity is None:
        return
    try:
        item.check_quantity(quantity)
    except QuoteError:
        return
    d.quantity = quantity
    if d.options is None:
        d.options = []  # the extras' screen was skipped: none (they can be added later)


def on_words(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """Words typed where the booking offers buttons (the category, the item): what they name
    is added to the draft and the booking goes on from there; nothing named → the hint."""
    r = read_request(event.text, ctx.catalog, ctx.now.astimezone(ctx.tz).date())
    if not r.found - {Slot.QUANTITY}:
        return Outcome([views.not_understood(conv)], reask=True)
    d = draft(conv)
    said = fill(ctx, conv, d, r)
    return advance(ctx, conv, d, said)
