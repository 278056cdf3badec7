"""Booking details: category → item (its extras and how many hours on one screen) → when
(three likely slots, "as soon as possible", or another day) → address, then on to checkout;
the area is taken as the item's typical one (shown on the quote, one tap to change) and notes
are added on the quote. The answers are a ``Draft`` the flow owns (``conv.data["booking"]``)
and resets on entry, so a new booking never inherits an earlier one's date or address.
Reorder, typed requests and checkout's "change time" enter with a draft handed in
(``start_with``): only what it lacks is asked.
"""

from __future__ import annotations

from conversations.events import ChoiceMade, LocationShared, TextReceived
from conversations.flows import booking_views as views
from conversations.flows import order_questions
from conversations.flows.base import Ctx, Outcome, Transitions, pick_an_option, too_long
from conversations.flows.booking_draft import (
    ADDRESS_MIN,
    MAX_AREA,
    MIN_AREA,
    Draft,
    read_area,
    reads_as_address,
)
from conversations.flows.booking_draft import NAME as NAME
from conversations.flows.booking_draft import draft as draft
from conversations.flows.booking_draft import keep as keep
from conversations.flows.booking_steps import EARLIER, SEED, advance
from conversations.flows.booking_steps import FIRST as FIRST
from conversations.flows.booking_steps import ORDER as ORDER
from conversations.flows.booking_steps import Step as Step
from conversations.flows.booking_steps import change_address as change_address
from conversations.flows.booking_steps import change_time as change_time
from conversations.flows.booking_steps import forget as forget
from conversations.flows.booking_steps import ready as ready
from conversations.flows.booking_steps import start_with as start_with
from conversations.flows.booking_when import (
    asked_at_night,
    night_question,
    on_date,
    on_time,
    on_when,
)
from conversations.flows.booking_words import from_words as from_words
from conversations.flows.booking_words import on_words as add_words
from conversations.flows.dates import read_when
from conversations.flows.flow_state import StaleState, restarting, restarting_all
from conversations.replies import Say
from conversations.results.booking import AddressesFound
from conversations.state import Conversation
from conversations.understanding.numbers import names_a_fraction, read_number
from domain import limits
from domain.commands import Booking
from domain.digits import whole
from domain.errors import QuoteError
from domain.queries import LoadAddresses


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    seed = conv.data.pop(SEED, None)
    try:
        d = Draft.from_json(seed) if seed is not None else Draft()
    except StaleState:
        d = Draft()
    return advance(ctx, conv, d)


def restart(ctx: Ctx, conv: Conversation) -> Outcome:
    """A booking this release cannot read (an older shape): start it afresh."""
    keep(conv, Draft())
    return Outcome(step=FIRST, reask=True)


@restarting(NAME, restart)
def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    d = draft(conv)
    step = Step(conv.step)
    for done in EARLIER.get(step, ()):
        if not done(ctx, d):
            return advance(ctx, conv, d)  # reached by "back" after an earlier answer changed
    if step == Step.ADDRESS:
        return Outcome(commands=[LoadAddresses(_customer(conv))])
    if step == Step.OPTIONS and d.ticked is None:
        d.ticked = list(d.options or [])
        keep(conv, d)
    if step == Step.TIME and d.day is None:
        return Outcome(step=Step.WHEN, reask=True)
    if step == Step.WHEN and asked_at_night(d):
        return night_question(ctx, conv, d)
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
    return advance(ctx, conv, d)


def on_item(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    d = draft(conv)
    kind, _, ref = event.key.partition(":")
    if kind != "item":
        return Outcome(reask=True)
    item = ctx.catalog.item(ref)
    d.choose_item(item)
    return advance(ctx, conv, d, [Say(views.item_card(conv, item))])


def on_words(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """Words typed where the booking offers buttons (the category, the item, its extras): a
    question about an order ("where is my cleaner?", "师傅什么时候到", "取消订单": read from
    the words alone, no order read for an answer) leaves the booking for its answer, as at
    the menu (``order_questions``) — the booking goes on where it was when no order fits it
    (``my_orders_pick``); else what they name is added to the draft (``add_words``)."""
    return order_questions.read(ctx, conv, event.text, booking=True) or add_words(ctx, conv, event)


def on_option(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    """The extras are ticked one by one; how many hours (a button, or typed) closes the
    screen with them, as does "Done" where the quantity is asked after (an area)."""
    d = draft(conv)
    item = d.items(ctx.catalog)[0]
    ticked = d.ticked if d.ticked is not None else []
    if isinstance(event, TextReceived) and names_a_fraction(event.text):
        return Outcome([views.not_whole(conv, item)], reask=True)  # "2.5": hours, not 2月5日
    if isinstance(event, TextReceived) and read_number(event.text) is None:
        return on_words(ctx, conv, event)  # "明天下午三点": not a quantity, maybe more
    if isinstance(event, TextReceived) or event.key.startswith("qty:"):
        d.options, d.ticked = ticked, None
        outcome = on_quantity(ctx, conv, event, d)
        if outcome.step is not None or outcome.goto is not None:
            return outcome
        d.options, d.ticked = None, ticked  # not a quantity: the screen stays as it was
        keep(conv, d)
        return outcome
    if event.key == "done":
        d.options, d.ticked = ticked, None
        return advance(ctx, conv, d)
    if event.key == "alt" and item.high_altitude:
        d.high_altitude = not d.high_altitude
    elif event.key.startswith("opt:"):
        option_id = event.key[4:]
        if not any(o.id == option_id for o in item.options):  # a stale or forged button
            return Outcome([Say(pick_an_option(conv))], reask=True)
        if option_id in ticked:
            ticked.remove(option_id)
        else:
            ticked.append(option_id)
    d.ticked = ticked
    keep(conv, d)
    return Outcome(reask=True)


def on_quantity(
    ctx: Ctx, conv: Conversation, event: TextReceived | ChoiceMade, d: Draft | None = None
) -> Outcome:
    raw = event.key.removeprefix("qty:") if isinstance(event, ChoiceMade) else event.text
    qty = read_number(raw)
    d = d or draft(conv)
    item = d.items(ctx.catalog)[0]
    if qty is None:
        wrong = views.not_whole if names_a_fraction(raw) else views.not_a_number
        return Outcome([wrong(conv, item)], reask=True)
    try:
        item.check_quantity(qty)
    except QuoteError:
        return Outcome([views.out_of_range(conv, item)], reask=True)
    d.quantity = qty
    return advance(ctx, conv, d)


def on_area(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    d = draft(conv)
    area = read_area(event.text)
    if area is None or not MIN_AREA <= area <= MAX_AREA:
        return Outcome([views.not_an_area(conv)], reask=True)
    d.area_sqm = area
    return advance(ctx, conv, d)


def on_addresses(ctx: Ctx, conv: Conversation, result: AddressesFound) -> Outcome:
    return Outcome(views.address_question(conv, result.addresses))


def on_address_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    ref = event.key.removeprefix("addr:")
    address_id = whole(ref) if ref != event.key else None
    if address_id is None:
        return Outcome(reask=True)
    d = draft(conv)
    d.address_id, d.address_text, d.location = address_id, "", None
    return advance(ctx, conv, d)


def on_address_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    text = " ".join(event.text.split())
    if over := too_long(conv, limits.ADDRESS, text):
        return over
    if len(text) < ADDRESS_MIN:
        return Outcome([views.address_too_short(conv)], reask=True)
    today = ctx.now.astimezone(ctx.tz).date()
    if not reads_as_address(text, today):
        timed = read_when(text, today)
        return Outcome(
            [views.not_an_address(conv, timed=bool(timed.day or timed.at or timed.asap))],
            reask=True,
        )
    d = draft(conv)
    d.address_text, d.address_id = text, None
    return advance(ctx, conv, d)


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
    if not reads_as_address(detail, ctx.now.astimezone(ctx.tz).date(), detail=True):
        return Outcome([views.not_an_address(conv, detail=True)], reask=True)
    d.address_text = f"{d.place or views.map_pin(conv)} {detail}"
    return advance(ctx, conv, d)


def on_notes(ctx: Ctx, conv: Conversation, event: TextReceived | ChoiceMade) -> Outcome:
    d = draft(conv)
    if isinstance(event, TextReceived):
        if over := too_long(conv, limits.NOTES, event.text.strip()):
            return over
        d.notes = event.text.strip()
    return advance(ctx, conv, d)


TRANSITIONS: Transitions = restarting_all(
    NAME,
    restart,
    {
        (Step.CATEGORY, ChoiceMade): on_category,
        (Step.CATEGORY, TextReceived): on_words,
        (Step.ITEM, ChoiceMade): on_item,
        (Step.ITEM, TextReceived): on_words,
        (Step.OPTIONS, ChoiceMade): on_option,
        (Step.OPTIONS, TextReceived): on_option,
        (Step.QUANTITY, ChoiceMade): on_quantity,
        (Step.QUANTITY, TextReceived): on_quantity,
        (Step.AREA, TextReceived): on_area,
        (Step.WHEN, ChoiceMade): on_when,
        (Step.WHEN, TextReceived): on_when,
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
