"""Moving the order just placed, before it is paid: words at the payment question that ask
for another time ("改到明天下午3点", "改时间", "move it to Friday 10am") are about this order —
placed, awaiting payment — not an older one. Its move is quoted (free: nobody has the order
yet, ``domain.reschedule``) and confirmed as my orders' own move is
(``my_orders_reschedule``); once moved, or on "no", the payment question is asked again."""

from __future__ import annotations

from datetime import datetime

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import my_orders_views as orders_views
from conversations.flows.base import Ctx, Outcome, Transitions
from conversations.flows.checkout_state import Step, keep, state
from conversations.flows.my_orders_reschedule import (
    no_new_time,
    quote_move,
    start_asked,
    typed_start,
)
from conversations.results.orders import OrderRescheduled, OrderRow, RescheduleQuoted
from conversations.state import Conversation
from conversations.understanding.intents import Asked
from domain.commands import RescheduleOrder
from domain.queries import QuoteReschedule

STEPS = (Step.MOVE_WHEN, Step.MOVE_CONFIRM)


def begin(ctx: Ctx, conv: Conversation, order: OrderRow, asked: Asked) -> Outcome:
    """A move of ``order`` (the one being paid) asked: to the time it names, quoted at once
    (a day alone at the order's hour, an hour alone on its day); none named, it is asked."""
    st = state(conv)
    st.new_start = ""
    keep(conv, st)
    if asked.day is None and asked.at is None:
        return Outcome(step=Step.MOVE_WHEN, reask=True)
    start = start_asked(ctx, order.start_at, asked.day, asked.at)
    return quote_move(ctx, conv, order.number, start, step=Step.MOVE_WHEN)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    st = state(conv)
    if st.due is None:  # no order placed (an older state): the quote
        return Outcome(step=Step.QUOTE, reask=True)
    if conv.step == Step.MOVE_WHEN or not st.new_start:
        return Outcome(orders_views.reschedule_when(conv, st.due.number), step=Step.MOVE_WHEN)
    start = datetime.fromisoformat(st.new_start)
    return Outcome(commands=[QuoteReschedule(_customer(conv), st.due.number, start)])


def on_new_time(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """A new time typed ("明天下午三点"), quoted."""
    due = state(conv).due
    if due is None:
        return Outcome(step=Step.QUOTE, reask=True)
    start = typed_start(ctx, event.text)
    if start is None:
        return Outcome([no_new_time(conv)], reask=True)
    return quote_move(ctx, conv, due.number, start)


def on_quoted(ctx: Ctx, conv: Conversation, result: RescheduleQuoted) -> Outcome:
    """The move's terms, and the yes asked."""
    st = state(conv)
    st.new_start, st.move_fee = result.start_at.isoformat(), result.fee_cents
    keep(conv, st)
    return Outcome(orders_views.reschedule_question(ctx, conv, result), step=Step.MOVE_CONFIRM)


def on_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    """Yes: moved at the terms shown. No ("不改了"): the time stays; back to paying."""
    st = state(conv)
    if event.key == "yes" and conv.step == Step.MOVE_CONFIRM and st.due and st.new_start:
        start = datetime.fromisoformat(st.new_start)
        return Outcome(
            commands=[RescheduleOrder(_customer(conv), st.due.number, start, st.move_fee)]
        )
    if event.key == "no":
        st.new_start = ""
        keep(conv, st)
        return Outcome([orders_views.time_unchanged(conv)], step=Step.PAY, reask=True)
    return Outcome(reask=True)


def on_moved(ctx: Ctx, conv: Conversation, result: OrderRescheduled) -> Outcome:
    """Moved: said, and the payment question again (nothing is dispatched before it is
    paid)."""
    st = state(conv)
    st.new_start = ""
    keep(conv, st)
    return Outcome(orders_views.rescheduled(ctx, conv, result), step=Step.PAY, reask=True)


def _customer(conv: Conversation) -> int:
    assert conv.customer_id is not None
    return conv.customer_id


TRANSITIONS: Transitions = {
    (Step.MOVE_WHEN, TextReceived): on_new_time,
    (Step.MOVE_WHEN, ChoiceMade): on_choice,
    (Step.MOVE_WHEN, RescheduleQuoted): on_quoted,
    (Step.MOVE_CONFIRM, RescheduleQuoted): on_quoted,
    (Step.MOVE_CONFIRM, ChoiceMade): on_choice,
    (Step.MOVE_CONFIRM, OrderRescheduled): on_moved,
}
