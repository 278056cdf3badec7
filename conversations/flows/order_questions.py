"""Where a customer's question about their orders leads, typed where a request would be read
(the menu, 我的, the orders list) or on a screen that takes no words (an order's detail):
"where is my cleaner?", "取消订单", "改期", "改到后天上午10点", "我要投诉", "退款", "转人工"
(``understanding.intents``). Each goes to the screen the existing flows have for it — my
orders (``my_orders_pick`` picks the order when none is named), the complaint, support —
and none starts a booking: a question about an order is no new request. A move that names
its new time is quoted at once, once the order is known (``my_orders_reschedule``): its
terms and the yes asked, never moved without."""

from __future__ import annotations

from conversations.flows import after_sales
from conversations.flows.base import Ctx, Outcome
from conversations.flows.flow_state import load
from conversations.flows.my_orders_state import NAME as ORDERS
from conversations.flows.my_orders_state import OrdersData, Step, seed
from conversations.state import Conversation
from conversations.understanding.intents import Asked, Intent, read_asked, when_first
from conversations.understanding.numbers import normalise


def read(ctx: Ctx, conv: Conversation, text: str, *, booking: bool = False) -> Outcome | None:
    """Where ``text`` leads, when it asks about an order or for a person; else None (read
    from the text alone: nothing is read from the database for a request to book).
    ``booking``: as ``answer``'s — where a time with a verb of moving ("改到明天下午") is
    the booking's own, and moves no order."""
    asked = asked_in(ctx, text, moves=not booking)
    return None if asked is None else answer(conv, asked, booking=booking)


def asked_in(ctx: Ctx, text: str, *, moves: bool = True) -> Asked | None:
    """``read_asked`` of ``text`` today (business-local): a move's new day and time kept."""
    return read_asked(text, ctx.now.astimezone(ctx.tz).date(), moves=moves)


def move_command(ctx: Ctx, conv: Conversation, number: int | None, words: str) -> Asked:
    """What ``/reschedule`` (改期) asks as a customer's command: the order named, else the
    one whose screen they are on, else none (picked); the new day and time the words after
    it begin with ("/reschedule #N tomorrow 3pm", "reschedule to Friday 10am")."""
    to = when_first(normalise(words), ctx.now.astimezone(ctx.tz).date())
    number = number if number is not None else on_screen(conv)
    return Asked(Intent.RESCHEDULE, number, to.day if to else None, to.at if to else None)


def answer(conv: Conversation, asked: Asked, *, booking: bool = False) -> Outcome:
    """To support (a person), the complaint (an order named), or my orders with the question
    as its action (``my_orders_state.ASKED``) — on the order named (a screen's own order is
    named by its caller), else the one picked.
    ``booking``: asked at the booking's first questions, which go on when no order fits."""
    if asked.intent == Intent.PERSON:
        return Outcome(goto="support")
    number = asked.number
    if asked.intent == Intent.COMPLAIN and number is not None:
        after_sales.seed(conv, after_sales.FeedbackData("complain", number))
        return Outcome(goto=after_sales.NAME)
    to_day = asked.day.isoformat() if asked.day else ""
    to_at = asked.at.isoformat("minutes") if asked.at else ""
    seed(
        conv,
        OrdersData(
            action=asked.intent.value, number=number, booking=booking, to_day=to_day, to_at=to_at
        ),
    )
    return Outcome(goto=ORDERS)


def on_screen(conv: Conversation) -> int | None:
    """The order whose screen the customer is on (its detail, its cancellation…), that a
    question without a number is about ("cancel it" under #200964); None elsewhere."""
    if conv.flow != ORDERS or conv.step == Step.LIST:
        return None
    shown = load(conv, ORDERS, OrdersData)
    return None if shown is None else shown.number
