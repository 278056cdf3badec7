"""Checkout's payment step: the order placed (repeated weekly first when the booking asked:
``checkout_repeat``) waits for its payment — in the sandbox a tap confirms it, words typed
meanwhile are answered once its status is read (it may have been paid on the payment page):
still unpaid, a move asked ("改到明天下午3点", "改时间") moves this order (``checkout_move``)
— and the booking is over once it is paid, kept for later, or cannot be paid on this
channel."""

from __future__ import annotations

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, booking_repeat, checkout_move, menu, order_questions
from conversations.flows import payment_views as views
from conversations.flows.base import Ctx, Outcome, button_expired
from conversations.flows.checkout_state import NAME, Step, keep, state
from conversations.replies import Say
from conversations.results.booking import OrderPaid, OrderPlaced, PaymentUnavailable
from conversations.results.orders import OrderShown
from conversations.state import Conversation
from conversations.understanding.intents import Asked, Intent
from domain.commands import ConfirmSandboxPayment
from domain.lifecycle import OrderStatus
from domain.queries import LoadOrder

SAID = "checkout.said"
"""``conv.scratch``: words typed at the payment question, while the order's status is read."""


def finish(conv: Conversation) -> None:
    """The booking is over (paid, kept for later, or impossible): forget it."""
    booking.forget(conv)
    conv.data.pop(NAME, None)


def on_placed(ctx: Ctx, conv: Conversation, result: OrderPlaced) -> Outcome:
    """Placed, to be paid: asked to repeat weekly, it is repeated first (``Subscribe``, as
    "每周重复" on the order does; not when its quote found the repeat set up already),
    then paid."""
    st = state(conv)
    st.due = result.due
    keep(conv, st)
    said = views.order_placed(ctx, conv, result.due)
    d = booking.draft(conv)
    repeat = booking_repeat.subscribe(ctx, conv, d, result.due.number, st.repeating)
    if repeat is not None:
        return Outcome(said, step=Step.REPEAT, commands=[repeat])
    return Outcome(said, step=Step.PAY, reask=True)


def on_unavailable(ctx: Ctx, conv: Conversation, result: PaymentUnavailable) -> Outcome:
    """No provider for the channel: the order was not placed."""
    finish(conv)
    return Outcome(views.unavailable(conv), goto="menu")


def on_pay(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    due = state(conv).due
    if event.key == "pay" and due is not None and due.reference and due.provider == "sandbox":
        return Outcome(commands=[ConfirmSandboxPayment(due.reference, conv.customer_id)])
    if event.key == "later":
        finish(conv)
        number, by = (due.number, views.pay_by(ctx, conv, due)) if due else (None, "")
        return Outcome([views.kept_for_later(conv, number, by)], goto="menu")
    return Outcome([Say(button_expired(conv))], reask=True)


def on_pay_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """Words at the payment question: the order may have been paid meanwhile elsewhere (the
    payment page), which this conversation does not hear of — its status is read first."""
    due = state(conv).due
    if due is None or conv.customer_id is None:
        return Outcome(reask=True)
    conv.scratch[SAID] = event.text
    return Outcome(commands=[LoadOrder(conv.customer_id, due.number)])


def on_pay_checked(ctx: Ctx, conv: Conversation, result: OrderShown) -> Outcome:
    """Still unpaid: a move asked is this order's, and quoted; other words, it says it is
    unpaid and asks again. Paid (or no longer payable): the checkout is over, and the words
    are read as a new request from the menu."""
    said = str(conv.scratch.pop(SAID, ""))
    if result.order.status == OrderStatus.AWAITING_PAYMENT:
        move = _move_asked(ctx, said, result.order.number)
        if move is not None:
            return checkout_move.begin(ctx, conv, result.order, move)
        return Outcome([views.not_paid_yet(conv, result.order.number)], reask=True)
    finish(conv)
    menu.seed(conv, menu.MenuData(said=said))
    return Outcome(goto="menu")


def _move_asked(ctx: Ctx, said: str, number: int) -> Asked | None:
    """A move ``said`` asks of the order being paid (``number``, or none named)."""
    asked = order_questions.asked_in(ctx, said)
    if asked is None or asked.intent != Intent.RESCHEDULE or asked.number not in (None, number):
        return None
    return asked


def on_paid(ctx: Ctx, conv: Conversation, result: OrderPaid) -> Outcome:
    """Paid in the sandbox: on to the worker search."""
    finish(conv)
    return Outcome(views.paid_message(conv, result), goto="menu")


def on_paid_as_placed(ctx: Ctx, conv: Conversation, result: OrderPaid) -> Outcome:
    """Placed with nothing to pay (coupon, points): repeated weekly first when the booking
    asked, then on to the worker search."""
    said = views.paid_message(conv, result)
    d, repeating = booking.draft(conv), state(conv).repeating
    repeat = booking_repeat.subscribe(ctx, conv, d, result.number, repeating)
    if repeat is not None:
        return Outcome(said, step=Step.REPEAT, commands=[repeat])
    finish(conv)
    return Outcome(said, goto="menu")


def on_sandbox_gone(ctx: Ctx, conv: Conversation, result: PaymentUnavailable) -> Outcome:
    """A sandbox button from before it was turned off: the order stays unpaid."""
    finish(conv)
    return Outcome(views.unavailable(conv, placed=True), goto="menu")
