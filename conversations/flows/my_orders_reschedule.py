"""Moving a placed order to another time from my orders (改约时间): the new time typed — or
named with the request ("改到后天上午10点", "move my cleaning to Friday 10am") — its terms
shown (free, or a fee paid first), the move confirmed."""

from __future__ import annotations

from datetime import date, datetime, time

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import my_orders_views as views
from conversations.flows.base import Ctx, Outcome, button_expired, tr
from conversations.flows.booking_when import refusal
from conversations.flows.checkout_state import due_to_json
from conversations.flows.dates import parse_when
from conversations.flows.flow_state import restart
from conversations.flows.my_orders_state import (
    FIRST,
    NAME,
    OrdersData,
    Step,
    customer_of,
    keeping_orders,
)
from conversations.replies import Say
from conversations.results.orders import OrderRescheduled, OrderRow, RescheduleQuoted
from conversations.results.surcharges import RescheduleFeeDue
from conversations.state import Conversation
from domain.commands import RequestPayment, RescheduleOrder
from domain.queries import QuoteReschedule


@keeping_orders
def on_reschedule_fee_due(
    ctx: Ctx, conv: Conversation, result: RescheduleFeeDue, o: OrdersData
) -> Outcome:
    """A move with a fee: the order moves once the fee is paid."""
    o.payment, o.new_start = due_to_json(result.due), ""
    return Outcome(views.reschedule_fee_due(ctx, conv, result), step=Step.PAY, reask=True)


def move(ctx: Ctx, conv: Conversation, order: OrderRow, o: OrdersData) -> Outcome:
    """``order``, which may move, to the new time its request named ("改到后天上午10点": ``o``'s
    ``to_day`` and ``to_at``), quoted at once: its terms and the yes asked next, never moved
    without."""
    day = date.fromisoformat(o.to_day) if o.to_day else None
    at = time.fromisoformat(o.to_at) if o.to_at else None
    o.number, o.to_day, o.to_at = order.number, "", ""
    start = start_asked(ctx, order.start_at, day, at)
    return quote_move(ctx, conv, order.number, start, step=Step.RESCHEDULE_WHEN)


def start_asked(ctx: Ctx, start_at: datetime, day: date | None, at: time | None) -> datetime:
    """The new start a move asked in words names, for an order starting at ``start_at``: a
    day alone at the order's hour, an hour alone on its day."""
    now_at = start_at.astimezone(ctx.tz)
    return datetime.combine(day or now_at.date(), at or now_at.time(), tzinfo=ctx.tz)


@keeping_orders
def on_new_time(ctx: Ctx, conv: Conversation, event: TextReceived, o: OrdersData) -> Outcome:
    """A typed new time ("明天下午三点"): a day and a time, bookable (as a booking's)."""
    if o.number is None:
        return restart(conv, NAME, OrdersData, FIRST)
    start = typed_start(ctx, event.text)
    if start is None:
        return Outcome([no_new_time(conv)], reask=True)
    return quote_move(ctx, conv, o.number, start)


def typed_start(ctx: Ctx, text: str) -> datetime | None:
    """A new time typed for a move ("明天下午三点"): a day and a time, else None."""
    day, at = parse_when(text, ctx.now.astimezone(ctx.tz).date())
    return None if day is None or at is None else datetime.combine(day, at, tzinfo=ctx.tz)


def no_new_time(conv: Conversation) -> Say:
    return Say(tr(conv, "请输入日期和时间,例如「明天下午三点」。"))


def quote_move(
    ctx: Ctx, conv: Conversation, number: int, start: datetime, step: str | None = None
) -> Outcome:
    """The move of order ``number`` to ``start`` quoted (its terms then shown, to confirm);
    a start it cannot have is said, and the new time asked (again)."""
    wrong = refusal(ctx, conv, start, None)  # the horizon: the order's service's (quoted)
    if wrong is not None:
        return Outcome([wrong], step=step, reask=True)
    return Outcome(step=step, commands=[QuoteReschedule(customer_of(conv), number, start)])


@keeping_orders
def on_reschedule_quote(
    ctx: Ctx, conv: Conversation, result: RescheduleQuoted, o: OrdersData
) -> Outcome:
    o.new_start, o.fee_cents = result.start_at.isoformat(), result.fee_cents
    return Outcome(views.reschedule_question(ctx, conv, result), step=Step.RESCHEDULE_CONFIRM)


@keeping_orders
def on_reschedule_choice(
    ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData
) -> Outcome:
    if event.key == "yes" and conv.step == Step.RESCHEDULE_CONFIRM:
        if o.number is None or o.fee_cents is None or not o.new_start:
            return restart(conv, NAME, OrdersData, FIRST)
        start = datetime.fromisoformat(o.new_start)
        return Outcome(commands=[RescheduleOrder(customer_of(conv), o.number, start, o.fee_cents)])
    if event.key == "no":
        o.new_start = ""
        return Outcome([views.time_unchanged(conv)], step=Step.DETAIL, reask=True)
    return Outcome([Say(button_expired(conv))], reask=True)


@keeping_orders
def on_rescheduled(
    ctx: Ctx, conv: Conversation, result: OrderRescheduled, o: OrdersData
) -> Outcome:
    """Moved: said; an order not paid yet goes on to its payment question (as checkout's
    move does), any other to the menu."""
    if result.unpaid:
        pay = RequestPayment(customer_of(conv), result.number)
        return Outcome(views.rescheduled(ctx, conv, result), step=Step.DETAIL, commands=[pay])
    return Outcome(views.rescheduled(ctx, conv, result), goto="menu")
