"""Booking details: category → item → options → quantity → area → date → time → address →
notes, then on to checkout. The answers are a ``Draft`` the flow owns (``conv.data["booking"]``)
and resets on entry, so a new booking never inherits an earlier one's date or address. Reorder
and checkout's "change time" enter with a draft handed in (``start_with``): only what it lacks
(the date and time) is asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from conversations.events import ChoiceMade, LocationShared, TextReceived
from conversations.flows import booking_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, too_long
from conversations.flows.booking_draft import NAME as NAME
from conversations.flows.booking_draft import Draft
from conversations.flows.booking_draft import draft as draft
from conversations.flows.booking_draft import keep as keep
from conversations.flows.dates import names_impossible_date, parse_when
from conversations.flows.flow_state import StaleState, restarting, restarting_all
from conversations.replies import Reply, Say
from conversations.results.booking import AddressesFound
from conversations.state import Conversation
from domain import limits
from domain.commands import Booking
from domain.errors import QuoteError
from domain.queries import LoadAddresses

SEED = "booking_seed"
"""Where ``start_with`` hands a draft to ``enter`` (taken in the same turn)."""


class Step(StrEnum):
    CATEGORY = "category"
    ITEM = "item"
    OPTIONS = "options"
    QUANTITY = "quantity"
    AREA = "area"
    DATE = "date"
    TIME = "time"
    ADDRESS = "address"
    ADDRESS_DETAIL = "address_detail"
    NOTES = "notes"


FIRST = Step.CATEGORY
ORDER = [
    Step.CATEGORY,
    Step.ITEM,
    Step.OPTIONS,
    Step.QUANTITY,
    Step.AREA,
    Step.DATE,
    Step.TIME,
    Step.ADDRESS,
    Step.NOTES,
]


def forget(conv: Conversation) -> None:
    """The booking is over (paid, kept for later, or impossible)."""
    conv.data.pop(NAME, None)
    conv.scratch.pop(NAME, None)
    conv.data.pop(SEED, None)


def start_with(conv: Conversation, d: Draft) -> Outcome:
    """Enter the booking with ``d`` filled in: only what it lacks is asked."""
    conv.data[SEED] = d.to_json()
    return Outcome(goto=NAME)


def change_time(conv: Conversation) -> Outcome:
    """Back to the date question, the rest of the booking kept (checkout's "change time")."""
    d = draft(conv)
    d.day, d.start, d.asap = None, None, False
    return start_with(conv, d)


def _options_done(ctx: Ctx, d: Draft) -> bool:
    if d.bundle or d.options is not None:
        return True
    item = ctx.catalog.item(d.item) if d.item else None
    return item is not None and not item.options and not item.high_altitude


def _area_done(ctx: Ctx, d: Draft) -> bool:
    if d.area_sqm is not None:
        return True
    return all(i.included_area_sqm is None for i in d.items(ctx.catalog))


_DONE: dict[Step, Callable[[Ctx, Draft], bool]] = {
    Step.CATEGORY: lambda ctx, d: bool(d.category or d.bundle),
    Step.ITEM: lambda ctx, d: bool(d.bundle or d.item),
    Step.OPTIONS: _options_done,
    Step.QUANTITY: lambda ctx, d: bool(d.bundle) or d.quantity is not None,
    Step.AREA: _area_done,
    Step.DATE: lambda ctx, d: d.asap or d.day is not None,
    Step.TIME: lambda ctx, d: d.start is not None,
    Step.ADDRESS: lambda ctx, d: bool(d.address_id or d.address_text),
    Step.NOTES: lambda ctx, d: d.notes is not None,
}
"""Whether each step of ``ORDER`` needs no question (answered already, or not relevant): a
table, as a chain of comparisons looked up ``Step``'s members one by one on every call."""
_CHECKS = [(step, _DONE[step]) for step in ORDER]
_EARLIER = {step: [_DONE[s] for s in ORDER[:i]] for i, step in enumerate(ORDER)}
"""The checks of the steps asked before each step of ``ORDER``."""


def ready(ctx: Ctx, d: Draft) -> bool:
    """Every question answered: the draft can be priced and placed."""
    return all(done(ctx, d) for _, done in _CHECKS)


def advance(ctx: Ctx, d: Draft, reply: list[Reply] | None = None) -> Outcome:
    """Go to the first step still needing an answer and ask it; all answered → checkout."""
    for step, done in _CHECKS:
        if not done(ctx, d):
            return Outcome(list(reply or []), step=step, reask=True)
    return Outcome(list(reply or []), goto="checkout")


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    seed = conv.data.pop(SEED, None)
    try:
        d = Draft.from_json(seed) if seed is not None else Draft()
    except StaleState:
        d = Draft()
    keep(conv, d)
    return advance(ctx, d)


def restart(ctx: Ctx, conv: Conversation) -> Outcome:
    """A booking this release cannot read (an older shape): start it afresh."""
    keep(conv, Draft())
    return Outcome(step=FIRST, reask=True)


@restarting(NAME, restart)
def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    d = draft(conv)
    step = Step(conv.step)
    for done in _EARLIER.get(step, ()):
        if not done(ctx, d):
            return advance(ctx, d)  # reached by "back" after an earlier answer changed
    if step == Step.ADDRESS:
        return Outcome(commands=[LoadAddresses(_customer(conv))])
    if step == Step.OPTIONS and d.ticked is None:
        d.ticked = list(d.options or [])
        keep(conv, d)
    return Outcome(views.question(ctx, conv, step, d, d.items(ctx.catalog)))


def _customer(conv: Conversation) -> int:
    assert conv.customer_id is not None
    return conv.customer_id


def booking(ctx: Ctx, conv: Conversation) -> Booking:
    """The command payload for what the customer has chosen (``ready``)."""
    return draft(conv).booking(ctx.catalog, _customer(conv), conv.channel, conv.lang)


def on_category(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    d = draft(conv)
    kind, _, ref = event.key.partition(":")
    if kind not in ("bundle", "cat"):
        return Outcome(reask=True)
    d.forget_choices(item=True)
    if kind == "bundle":
        d.category, d.bundle = "", ctx.catalog.bundle(ref).id
    else:
        d.category = ctx.catalog.category(ref).id
    keep(conv, d)
    return advance(ctx, d)


def on_item(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    d = draft(conv)
    kind, _, ref = event.key.partition(":")
    if kind != "item":
        return Outcome(reask=True)
    item = ctx.catalog.item(ref)
    d.forget_choices(item=False)
    d.item = item.id
    keep(conv, d)
    return advance(ctx, d, [Say(views.item_card(conv, item))])


def on_option(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    d = draft(conv)
    item = d.items(ctx.catalog)[0]
    ticked = d.ticked if d.ticked is not None else []
    if event.key == "done":
        d.options, d.ticked = ticked, None
        keep(conv, d)
        return advance(ctx, d)
    if event.key == "alt" and item.high_altitude:
        d.high_altitude = not d.high_altitude
    elif event.key.startswith("opt:"):
        option = item.option(event.key[4:])
        if option.id in ticked:
            ticked.remove(option.id)
        else:
            ticked.append(option.id)
    d.ticked = ticked
    keep(conv, d)
    return Outcome(reask=True)


_NUMBER = re.compile(
    r"^\s*(\d{1,5})\s*(?:小时|个|次|台|天|平方米|平米|㎡|m²|m2|h|hours?|days?|sqm)?\s*$",
    re.IGNORECASE,
)


def _number(text: str) -> int | None:
    m = _NUMBER.match(text)
    return int(m.group(1)) if m else None


def on_quantity(ctx: Ctx, conv: Conversation, event: TextReceived | ChoiceMade) -> Outcome:
    raw = event.key.removeprefix("qty:") if isinstance(event, ChoiceMade) else event.text
    qty = _number(raw)
    d = draft(conv)
    item = d.items(ctx.catalog)[0]
    if qty is None:
        return Outcome([views.not_a_number(conv)], reask=True)
    try:
        item.check_quantity(qty)
    except QuoteError:
        return Outcome([views.out_of_range(conv, item)], reask=True)
    d.quantity = qty
    keep(conv, d)
    return advance(ctx, d)


def on_area(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    d = draft(conv)
    area = _number(event.text)
    if area is None or not 5 <= area <= 2000:
        return Outcome([views.not_an_area(conv)], reask=True)
    d.area_sqm = area
    keep(conv, d)
    return advance(ctx, d)


def _set_start(ctx: Ctx, conv: Conversation, d: Draft, day: date, at: time) -> Outcome:
    start = datetime.combine(day, at, tzinfo=ctx.tz)
    if start < ctx.now + timedelta(minutes=ctx.rules.booking.min_lead_minutes):
        keep(conv, d)  # the day stands; the time is asked again
        late = views.in_the_past(conv) if start <= ctx.now else views.too_soon(ctx, conv)
        return Outcome([late], step=Step.TIME, reask=True)
    if start > ctx.now + timedelta(days=ctx.rules.booking.max_days_ahead):
        keep(conv, d)
        return Outcome([views.too_far(ctx, conv)], step=Step.DATE, reask=True)
    d.day, d.start, d.asap = day, start, False
    keep(conv, d)
    return advance(ctx, d)


def on_date(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    d = draft(conv)
    today = ctx.now.astimezone(ctx.tz).date()
    if isinstance(event, ChoiceMade):
        if event.key == "asap":
            lead = ctx.rules.booking.asap_lead_minutes
            start = ctx.now.astimezone(ctx.tz) + timedelta(minutes=lead)
            start = start.replace(second=0, microsecond=0)
            start += timedelta(minutes=(-start.minute) % 30)
            d.asap, d.day, d.start = True, start.date(), start
            keep(conv, d)
            return advance(ctx, d)
        if not event.key.startswith("day:"):
            return Outcome(reask=True)
        day: date | None = date.fromisoformat(event.key[4:])
        at: time | None = None
    else:
        day, at = parse_when(event.text, today)
        if day is None and names_impossible_date(event.text, today):
            return Outcome([views.no_such_date(conv)], reask=True)
        if day is None and at is not None:
            day = today
    if day is not None and day < today:
        return Outcome([views.in_the_past(conv)], reask=True)
    if day is None:
        return Outcome([views.unreadable_date(ctx, conv)], reask=True)
    d.day, d.asap, d.start = day, False, None
    if at is not None:
        return _set_start(ctx, conv, d, day, at)
    keep(conv, d)
    return advance(ctx, d)


def on_time(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    d = draft(conv)
    if d.day is None:
        return advance(ctx, d)
    day = d.day
    if isinstance(event, ChoiceMade):
        if not event.key.startswith("at:"):
            return Outcome(reask=True)
        at: time | None = time.fromisoformat(event.key[3:])
    else:
        new_day, at = parse_when(event.text, ctx.now.astimezone(ctx.tz).date())
        day = new_day or day
    if at is None:
        return Outcome([views.not_a_time(conv)], reask=True)
    return _set_start(ctx, conv, d, day, at)


def on_addresses(ctx: Ctx, conv: Conversation, result: AddressesFound) -> Outcome:
    return Outcome(views.address_question(conv, result.addresses))


def on_address_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if not event.key.startswith("addr:"):
        return Outcome(reask=True)
    d = draft(conv)
    d.address_id, d.address_text, d.location = int(event.key[5:]), "", None
    keep(conv, d)
    return advance(ctx, d)


def on_address_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    text = " ".join(event.text.split())
    if over := too_long(conv, limits.ADDRESS, text):
        return over
    if len(text) < 6:
        return Outcome([views.address_too_short(conv)], reask=True)
    d = draft(conv)
    d.address_text, d.address_id = text, None
    keep(conv, d)
    return advance(ctx, d)


def on_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    if not (-90 <= event.lat <= 90 and -180 <= event.lon <= 180):
        return Outcome(reask=True)
    d = draft(conv)
    d.location, d.place, d.address_id = (event.lat, event.lon), event.label[:120], None
    keep(conv, d)
    return Outcome(step=Step.ADDRESS_DETAIL, reask=True)


def on_address_detail(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    d = draft(conv)
    detail = " ".join(event.text.split())
    if over := too_long(conv, limits.ADDRESS_DETAIL, detail):
        return over
    if len(detail) < 2:
        return Outcome(reask=True)
    d.address_text = f"{d.place or views.map_pin(conv)} {detail}"
    keep(conv, d)
    return advance(ctx, d)


def on_notes(ctx: Ctx, conv: Conversation, event: TextReceived | ChoiceMade) -> Outcome:
    d = draft(conv)
    if isinstance(event, ChoiceMade):
        if event.key != "skip":
            return Outcome(reask=True)
        d.notes = ""
    else:
        if over := too_long(conv, limits.NOTES, event.text.strip()):
            return over
        d.notes = event.text.strip()
    keep(conv, d)
    return advance(ctx, d)


TRANSITIONS: Transitions = restarting_all(
    NAME,
    restart,
    {
        (Step.CATEGORY, ChoiceMade): on_category,
        (Step.ITEM, ChoiceMade): on_item,
        (Step.OPTIONS, ChoiceMade): on_option,
        (Step.QUANTITY, ChoiceMade): on_quantity,
        (Step.QUANTITY, TextReceived): on_quantity,
        (Step.AREA, TextReceived): on_area,
        (Step.DATE, ChoiceMade): on_date,
        (Step.DATE, TextReceived): on_date,
        (Step.TIME, ChoiceMade): on_time,
        (Step.TIME, TextReceived): on_time,
        (Step.ADDRESS, AddressesFound): on_addresses,
        (Step.ADDRESS, ChoiceMade): on_address_choice,
        (Step.ADDRESS, TextReceived): on_address_text,
        (Step.ADDRESS, LocationShared): on_location,
        (Step.ADDRESS_DETAIL, TextReceived): on_address_detail,
        (Step.NOTES, TextReceived): on_notes,
        (Step.NOTES, ChoiceMade): on_notes,
    },
)
