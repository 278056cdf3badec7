"""Checkout: the itemised quote (priced by the service layer), coupon and points, confirm,
then pay with the channel's provider (the sandbox, in the demo or a test mode, confirms in
chat). Where no provider serves the channel, the customer is told so and nothing is placed.

What is being bought is the booking flow's draft, read (and given its coupon, points, notes
and area) through ``booking``'s accessors; checkout's own data (``checkout_state.State``: the
quote shown, the code asked, the phone given, the order placed) is reset whenever checkout is
entered. A first order's quote asks the phone number too: giving it places the order.

A quote above ``rules.risk.confirm_code_above_cents`` is confirmed by typing back a code the
bot shows (DESIGN §4 Risk): a big order is never placed by one stray tap.

A customer whom workers served before may choose one of them as the booking's preferred
worker (DESIGN §3; ``domain.preferred``): the quote offers those who could take it, by name.
The payment step's handlers live in ``checkout_payment``.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import replace

from conversations.events import ChoiceMade, ContactShared, Failed, TextReceived
from conversations.flows import booking, booking_repeat, checkout_repeat, link, payment_views
from conversations.flows import checkout_move as move
from conversations.flows import checkout_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, too_long
from conversations.flows.booking_draft import MAX_AREA, MIN_AREA, read_area
from conversations.flows.checkout_payment import finish as finish
from conversations.flows.checkout_payment import on_paid as on_paid
from conversations.flows.checkout_payment import on_paid_as_placed as on_paid_as_placed
from conversations.flows.checkout_payment import on_pay as on_pay
from conversations.flows.checkout_payment import on_pay_checked as on_pay_checked
from conversations.flows.checkout_payment import on_pay_text as on_pay_text
from conversations.flows.checkout_payment import on_placed as on_placed
from conversations.flows.checkout_payment import on_sandbox_gone as on_sandbox_gone
from conversations.flows.checkout_payment import on_unavailable as on_unavailable
from conversations.flows.checkout_state import NAME as NAME
from conversations.flows.checkout_state import State as State
from conversations.flows.checkout_state import Step as Step
from conversations.flows.checkout_state import due_from_json as due_from_json
from conversations.flows.checkout_state import due_to_json as due_to_json
from conversations.flows.checkout_state import keep as keep
from conversations.flows.checkout_state import state as state
from conversations.flows.flow_state import restarting, restarting_all
from conversations.flows.phones import normalise_phone, tried_a_phone
from conversations.replies import Say
from conversations.results.booking import (
    OrderPaid,
    OrderPlaced,
    PaymentUnavailable,
    QuoteReady,
    WorkerChoice,
)
from conversations.results.orders import OrderShown
from conversations.results.recurring import Subscribed
from conversations.state import Conversation
from domain import limits
from domain.commands import Booking, PlaceOrder
from domain.coupons import promo_code
from domain.queries import PreviewQuote
from domain.risk import CONFIRM_CODE_DIGITS, CONFIRM_CODE_TRIES, needs_confirm_code

FIRST = Step.QUOTE
ASKED_ELSEWHERE = {Step.REPEAT: checkout_repeat.ask, **dict.fromkeys(move.STEPS, move.ask)}


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    keep(conv, State())
    return ask(ctx, conv)


def restart(ctx: Ctx, conv: Conversation) -> Outcome:
    """Checkout data this release cannot read (an older shape): quote afresh."""
    keep(conv, State())
    return Outcome(step=Step.QUOTE, reask=True)


@restarting(NAME, restart)
def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    st = state(conv)
    if conv.step == Step.QUOTE:
        return _priced(ctx, conv, st)
    if conv.step == Step.CODE:
        if not st.code or st.total_cents is None:  # reached by "back" after it was used
            return Outcome(step=Step.QUOTE, reask=True)
        return Outcome(views.code_question(conv, st.total_cents, st.code))
    if conv.step == Step.COUPON:
        return Outcome(views.coupon_question(conv, st.coupons))
    if conv.step == Step.WORKER:
        if not st.workers:  # reached by "back" after the quote stopped offering any
            return Outcome(step=Step.QUOTE, reask=True)
        return Outcome(views.worker_question(conv, st.workers))
    if conv.step == Step.PHONE:
        return Outcome(views.phone_question(conv))
    if conv.step == Step.AREA:
        return Outcome(views.area_question(ctx, conv, booking.draft(conv).sized(ctx.catalog)))
    if conv.step == Step.NOTES:
        return Outcome(views.notes_question(conv))
    if conv.step in ASKED_ELSEWHERE:  # the repeat, a move before paying: their modules'
        return ASKED_ELSEWHERE[Step(conv.step)](ctx, conv)
    if st.due is None:  # reached by "back" without an order
        return Outcome(step=Step.QUOTE, reask=True)
    return Outcome(payment_views.pay_question(conv, st.due))


def _priced(ctx: Ctx, conv: Conversation, st: State) -> Outcome:
    """The quote is asked for (the booking's next question first, if one is unanswered)."""
    d = booking.draft(conv)
    if d.start is None and d.earlier_start is not None:  # "back" after "change time"
        d.start, d.day = d.earlier_start, d.earlier_start.astimezone(ctx.tz).date()
        booking.keep(conv, d)
    if not booking.ready(ctx, d):
        return booking.start_with(conv, d)
    return Outcome(commands=[_preview(ctx, conv, _booking(ctx, conv, st))])


def _preview(ctx: Ctx, conv: Conversation, b: Booking) -> PreviewQuote:
    """The quote of ``b``; asked to repeat weekly, it says whether that repeat is set up."""
    return PreviewQuote(b, weekly=booking_repeat.asks(ctx, booking.draft(conv)))


def on_quote(ctx: Ctx, conv: Conversation, result: QuoteReady) -> Outcome:
    st = state(conv)
    st.total_cents, st.coupons = result.total_cents, result.coupons
    st.phone_needed = result.phone_needed and not st.phone
    st.workers, st.repeating = result.workers, result.repeating
    keep(conv, st)
    d = booking.draft(conv)
    if d.worker is not None and result.preferred is None:  # no longer one to choose
        d.worker = None
        booking.keep(conv, d)
    repeat = booking_repeat.quote_line(ctx, conv, d, result.repeating)
    return Outcome(views.quote_message(ctx, conv, result, d, st.phone_needed, repeat))


def on_quote_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    st = state(conv)
    if event.key == "confirm" and st.total_cents is not None:
        if st.phone_needed:
            return Outcome(step=Step.PHONE, reask=True)
        return _confirm(ctx, conv, st, st.total_cents)
    if event.key == "link" and st.phone:  # the number is another account's: become it
        d = booking.draft(conv)
        d.coupon = None  # this account's coupon is not that one's: the best it holds
        booking.keep(conv, d)
        return link.start(conv, event, st.phone, then=NAME)
    if event.key in ("area", "notes"):
        return Outcome(step=Step.AREA if event.key == "area" else Step.NOTES, reask=True)
    if event.key in ("coupon", "worker"):
        return Outcome(step=Step.COUPON if event.key == "coupon" else Step.WORKER, reask=True)
    if event.key in ("points", "free_hour", "card"):
        d = booking.draft(conv)
        if event.key == "points":
            d.use_points = not d.use_points
        else:
            if event.key == "free_hour":
                d.free_hour = not d.free_hour
            else:
                d.use_card = not d.use_card
        booking.keep(conv, d)
        return Outcome(reask=True)
    if event.key in ("time", "address"):
        return (booking.change_time if event.key == "time" else booking.change_address)(conv)
    if event.key == "once":
        return checkout_repeat.once(conv)
    return Outcome(reask=True)


def _booking(ctx: Ctx, conv: Conversation, st: State) -> Booking:
    """What is being bought, with the phone number given here (priced with it: a number
    another account holds gets no new-customer offers)."""
    b = booking.booking(ctx, conv)
    return replace(b, phone=st.phone) if st.phone else b


def _confirm(ctx: Ctx, conv: Conversation, st: State, total_cents: int) -> Outcome:
    """Confirmed: a big order asks for the code shown first (DESIGN §4 Risk)."""
    if needs_confirm_code(total_cents, ctx.rules.risk):
        st.code = f"{secrets.randbelow(10**CONFIRM_CODE_DIGITS):0{CONFIRM_CODE_DIGITS}d}"
        st.wrong_codes = 0
        keep(conv, st)
        return Outcome(step=Step.CODE, reask=True)
    return _place(ctx, conv, st, total_cents)


def on_quote_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """Typed at the quote: a phone number the quote asked for confirms the order; anything
    else is a note for the worker (门禁、宠物…), added to the booking."""
    st = state(conv)
    phone = normalise_phone(event.text)
    if phone is not None and st.total_cents is not None:
        st.phone = phone
        return _confirm(ctx, conv, st, st.total_cents)
    if st.phone_needed and tried_a_phone(event.text):  # "12345": a number mistyped
        return Outcome([views.bad_phone(conv)], step=Step.PHONE, reask=True)
    return on_notes(ctx, conv, event)


def on_contact(ctx: Ctx, conv: Conversation, event: ContactShared) -> Outcome:
    st = state(conv)
    phone = normalise_phone(event.phone)
    if phone is None:
        return Outcome([views.bad_phone(conv)], step=Step.PHONE, reask=True)
    if st.total_cents is None:
        return Outcome(step=Step.QUOTE, reask=True)
    st.phone = phone
    return _confirm(ctx, conv, st, st.total_cents)


def on_phone_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    st = state(conv)
    phone = normalise_phone(event.text)
    if phone is None:
        return Outcome([views.bad_phone(conv)], reask=True)
    if st.total_cents is None:
        return Outcome(step=Step.QUOTE, reask=True)
    st.phone = phone
    return _confirm(ctx, conv, st, st.total_cents)


def on_notes(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    notes = event.text.strip()
    if over := too_long(conv, limits.NOTES, notes):
        return over
    d = booking.draft(conv)
    d.notes = notes
    booking.keep(conv, d)
    return Outcome([views.notes_kept(conv)], step=Step.QUOTE, reask=True)


def on_area(ctx: Ctx, conv: Conversation, event: TextReceived | ChoiceMade) -> Outcome:
    if isinstance(event, ChoiceMade) and event.key == "quote":
        return Outcome(step=Step.QUOTE, reask=True)
    raw = event.key.removeprefix("area:") if isinstance(event, ChoiceMade) else event.text
    area, d = read_area(raw), booking.draft(conv)
    sized = d.sized(ctx.catalog)  # sold by the m²: the area is its quantity (and price)
    if area is not None and sized is not None:
        if not sized.min_quantity <= area <= sized.max_quantity:
            return Outcome([views.area_out_of_range(conv, sized)], reask=True)
        d.quantity = area
    elif area is None or not MIN_AREA <= area <= MAX_AREA:
        return Outcome([views.not_an_area(conv)], reask=True)
    else:
        d.area_sqm = area
    booking.keep(conv, d)
    return Outcome(step=Step.QUOTE, reask=True)


def _place(ctx: Ctx, conv: Conversation, st: State, total_cents: int) -> Outcome:
    # from the quote step: the order (or the refusal, with a fresh quote) is answered there
    st.code, st.wrong_codes = "", 0
    keep(conv, st)
    d = booking.draft(conv)
    if not booking.ready(ctx, d):  # an answer lost meanwhile (an older state): asked again
        return booking.start_with(conv, d)
    order = PlaceOrder(_booking(ctx, conv, st), total_cents, st.phone, payer=ctx.account)
    return Outcome(step=Step.QUOTE, commands=[order])


def on_code(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    st = state(conv)
    if not st.code or st.total_cents is None:
        return Outcome(step=Step.QUOTE, reask=True)
    typed = "".join(unicodedata.normalize("NFKC", event.text).split())  # full-width digits too
    if secrets.compare_digest(typed.encode(), st.code.encode()):
        return _place(ctx, conv, st, st.total_cents)
    st.wrong_codes += 1
    left = CONFIRM_CODE_TRIES - st.wrong_codes
    if left <= 0:
        st.code, st.wrong_codes = "", 0
        keep(conv, st)
        return Outcome([views.wrong_code(conv, left)], step=Step.QUOTE, reask=True)
    keep(conv, st)
    return Outcome([views.wrong_code(conv, left)], reask=True)


def on_code_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "quote":
        st = state(conv)
        st.code, st.wrong_codes = "", 0
        keep(conv, st)
        return Outcome(step=Step.QUOTE, reask=True)
    return Outcome(reask=True)  # e.g. the quote's old "Confirm" button: the code is needed


def on_coupon(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    d = booking.draft(conv)
    if event.key == "none":
        d.coupon = ""
    elif event.key.startswith("coupon:"):
        d.coupon = event.key[7:]
    elif event.key != "quote":
        return Outcome(reask=True)
    booking.keep(conv, d)
    return Outcome(step=Step.QUOTE, reask=True)


def on_worker(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    """A worker who served the customer chosen as the booking's preferred one (a button, its
    number, or the name typed), or none ("any"); then the quote again, showing it."""
    workers = state(conv).workers
    if isinstance(event, ChoiceMade) and event.key == "quote":
        return Outcome(step=Step.QUOTE, reask=True)
    if isinstance(event, ChoiceMade) and event.key == "any":
        chosen = None
    else:
        chosen = _named(event, workers)
        if chosen is None:  # words naming none of them (or several), or a stale button
            return Outcome([views.not_a_worker(conv)], reask=True)
    d = booking.draft(conv)
    d.worker = chosen
    booking.keep(conv, d)
    return Outcome(step=Step.QUOTE, reask=True)


def _named(event: ChoiceMade | TextReceived, workers: tuple[WorkerChoice, ...]) -> int | None:
    """The worker a button, a name, or a part of one that only one name holds ("王" for
    王阿姨 when no other 王 is offered) stands for."""
    if isinstance(event, ChoiceMade):
        return next((w.id for w in workers if event.key == f"worker:{w.id}"), None)
    said = event.text.strip().casefold()
    whole = [w.id for w in workers if w.name.strip().casefold() == said]
    part = [w.id for w in workers if said and said in w.name.casefold()]
    return whole[0] if whole else part[0] if len(part) == 1 else None


def on_promo(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """A promo code typed: priced with it first — taken only when the quote comes back (a
    wrong, expired or used-up code is answered and changes nothing)."""
    code = promo_code(event.text)
    if code is None:
        return Outcome([views.bad_promo(conv)], reask=True)
    d = booking.draft(conv)
    if not booking.ready(ctx, d):  # a booking not whole (an old state): its next question
        return booking.start_with(conv, d)
    st = state(conv)
    st.promo = code
    keep(conv, st)
    b = replace(_booking(ctx, conv, st), coupon_code=code)
    return Outcome(commands=[_preview(ctx, conv, b)])


def on_promo_quote(ctx: Ctx, conv: Conversation, result: QuoteReady) -> Outcome:
    d = booking.draft(conv)
    d.coupon = state(conv).promo
    booking.keep(conv, d)
    return Outcome(on_quote(ctx, conv, result).replies, step=Step.QUOTE)


def on_refused(ctx: Ctx, conv: Conversation, event: Failed) -> Outcome:
    """The quote or the order refused: a coupon chosen or a code typed that is no longer
    good gives way to the best coupon held (the quote is asked again, with the reason)."""
    d = booking.draft(conv)
    if d.coupon:
        d.coupon = None
        booking.keep(conv, d)
    return Outcome([Say(event.message.get(conv.lang))], reask=True)


TRANSITIONS: Transitions = restarting_all(
    NAME,
    restart,
    {
        (Step.QUOTE, QuoteReady): on_quote,
        (Step.QUOTE, OrderPlaced): on_placed,
        (Step.QUOTE, PaymentUnavailable): on_unavailable,
        (Step.QUOTE, OrderPaid): on_paid_as_placed,  # nothing left to pay (coupon, points)
        (Step.QUOTE, ChoiceMade): on_quote_choice,
        (Step.QUOTE, TextReceived): on_quote_text,
        (Step.QUOTE, ContactShared): on_contact,
        (Step.PHONE, ContactShared): on_contact,
        (Step.PHONE, TextReceived): on_phone_text,
        (Step.PHONE, ChoiceMade): on_code_choice,
        (Step.AREA, TextReceived): on_area,
        (Step.AREA, ChoiceMade): on_area,
        (Step.NOTES, TextReceived): on_notes,
        (Step.NOTES, ChoiceMade): on_code_choice,
        (Step.CODE, TextReceived): on_code,
        (Step.CODE, ChoiceMade): on_code_choice,
        (Step.COUPON, ChoiceMade): on_coupon,
        (Step.COUPON, TextReceived): on_promo,
        (Step.COUPON, QuoteReady): on_promo_quote,
        (Step.WORKER, ChoiceMade): on_worker,
        (Step.WORKER, TextReceived): on_worker,
        (Step.QUOTE, Failed): on_refused,
        (Step.REPEAT, Subscribed): checkout_repeat.on_repeated,
        (Step.REPEAT, Failed): checkout_repeat.on_not_repeated,
        (Step.PAY, ChoiceMade): on_pay,
        (Step.PAY, OrderPaid): on_paid,
        (Step.PAY, TextReceived): on_pay_text,
        (Step.PAY, OrderShown): on_pay_checked,
        (Step.PAY, PaymentUnavailable): on_sandbox_gone,
        **move.TRANSITIONS,
    },
)
