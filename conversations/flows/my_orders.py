"""My orders: list, detail with the status timeline, pay, move to another time (terms shown
first), cancel (fee shown first), reorder."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, checkout, checkout_views, invoice, recurring
from conversations.flows import my_orders_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.flows.booking_when import next_same_slot, refusal
from conversations.flows.dates import parse_when
from conversations.flows.flow_state import keep, keeping, load, restart
from conversations.replies import Ask, Option, Say
from conversations.results.booking import OrderPaid, PaymentRequested, PaymentUnavailable
from conversations.results.orders import (
    CancellationQuoted,
    OrderCancelled,
    OrderConfirmed,
    OrderRescheduled,
    OrderShown,
    OrdersListed,
    RescheduleQuoted,
)
from conversations.results.surcharges import (
    RescheduleFeeDue,
    SurchargeApproved,
    SurchargeDeclined,
)
from conversations.state import Conversation
from domain.commands import (
    AnswerSurcharge,
    CancelOrder,
    ConfirmOrder,
    ConfirmSandboxPayment,
    RequestPayment,
    RescheduleOrder,
)
from domain.lifecycle import OrderStatus
from domain.money import format_yuan
from domain.queries import LoadOrder, LoadOrders, QuoteCancellation, QuoteReschedule

NAME = "orders"


class Step(StrEnum):
    LIST = "list"
    DETAIL = "detail"
    CANCEL_CONFIRM = "cancel_confirm"
    RESCHEDULE_WHEN = "reschedule_when"
    RESCHEDULE_CONFIRM = "reschedule_confirm"
    PAY = "pay"


FIRST = Step.LIST
_NUMBER = re.compile(r"^\s*#?\s*(\d{6,8})\s*$")
REORDER = "reorder"
_NOT_VISITS = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})


@dataclass(slots=True)
class OrdersData:
    """What the flow keeps between turns, in ``conv.data["orders"]``. Other flows enter it
    (``seed``) with ``mode`` (``reorder``: the list picks an order to book again) or with
    ``action`` (``pay`` / ``confirm``) and ``number``."""

    number: int | None = None
    """The order on the screen (its detail, its cancellation, its payment)."""
    mode: str = ""
    action: str = ""
    fee_cents: int | None = None
    """The cancellation fee the customer was shown; the cancellation is refused if it moved."""
    payment: dict[str, Any] = field(default_factory=dict)
    """The payment request being paid (``checkout.due_to_json`` of its ``PaymentDue``)."""
    again_at: str = ""
    new_start: str = ""
    """The time the order is being moved to (ISO), with its fee in ``fee_cents``."""
    """A reorder's start ("same as last time": ISO), found from the list of orders."""


_keeping = keeping(NAME, OrdersData, FIRST)


def seed(conv: Conversation, data: OrdersData) -> None:
    """What the flow starts with when entered next (``goto="orders"``): ``data.mode``, or
    ``data.action`` on ``data.number``; the rest is reset on entry."""
    keep(conv, NAME, data)


def _customer(conv: Conversation) -> int:
    assert conv.customer_id is not None
    return conv.customer_id


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    given = load(conv, NAME, OrdersData) or OrdersData()
    action, number = given.action, given.number
    o = OrdersData(mode=given.mode, number=number if action else None)  # nothing older stays
    keep(conv, NAME, o)
    if not action:
        return ask(ctx, conv)
    if number is None:
        return Outcome(
            [Say(tr(conv, "请带上订单号,例如「确认完成 #240117」。"))],
            reask=True,
        )
    if action == "pay":
        return Outcome(commands=[RequestPayment(_customer(conv), number)])
    if action in ("surcharge_yes", "surcharge_no"):
        approve = action == "surcharge_yes"
        return Outcome(commands=[AnswerSurcharge(_customer(conv), number, approve)])
    return Outcome(commands=[ConfirmOrder(_customer(conv), number)])


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    o = load(conv, NAME, OrdersData)
    if o is None or (o.number is None and conv.step not in (Step.LIST, Step.PAY)):
        return restart(conv, NAME, OrdersData, FIRST)
    if conv.step == Step.LIST:
        return Outcome(commands=[LoadOrders(_customer(conv))])
    if conv.step == Step.PAY:
        due = checkout.due_from_json(o.payment or None)
        if due is None:  # reached by "back" without a payment request
            return Outcome(step=Step.LIST, reask=True)
        return Outcome(checkout_views.pay_question(conv, due))
    assert o.number is not None
    if conv.step == Step.CANCEL_CONFIRM:
        return Outcome(commands=[QuoteCancellation(_customer(conv), o.number)])
    if conv.step == Step.RESCHEDULE_WHEN or (
        conv.step == Step.RESCHEDULE_CONFIRM and not o.new_start
    ):
        return Outcome(views.reschedule_when(conv, o.number), step=Step.RESCHEDULE_WHEN)
    if conv.step == Step.RESCHEDULE_CONFIRM:
        start = datetime.fromisoformat(o.new_start)
        return Outcome(commands=[QuoteReschedule(_customer(conv), o.number, start)])
    return Outcome(commands=[LoadOrder(_customer(conv), o.number)])


@_keeping
def on_orders(ctx: Ctx, conv: Conversation, result: OrdersListed, o: OrdersData) -> Outcome:
    if o.mode == REORDER and result.orders and o.number is None:
        # "再来一单": the newest order again, at the next free start on its weekday and hour
        newest = result.orders[0]
        taken = frozenset(r.start_at for r in result.orders if r.status not in _NOT_VISITS)
        o.number = newest.number
        o.again_at = next_same_slot(ctx, newest.start_at, taken).isoformat()
        return Outcome(commands=[LoadOrder(_customer(conv), newest.number)])
    return Outcome(views.order_list(ctx, conv, result.orders, o.mode == REORDER), step=Step.LIST)


@_keeping
def on_order(ctx: Ctx, conv: Conversation, result: OrderShown, o: OrdersData) -> Outcome:
    o.number = result.order.number
    if o.mode == REORDER:
        d = views.prefill(result.again)
        start = (
            datetime.fromisoformat(o.again_at)
            if o.again_at
            else next_same_slot(ctx, result.order.start_at)
        )
        d.day, d.start = start.date(), start
        said = views.same_as_last_time(conv, result.order.number)
        return booking.start_with(conv, d, said)
    return Outcome(views.detail(ctx, conv, result), step=Step.DETAIL)


@_keeping
def on_cancel_quote(
    ctx: Ctx, conv: Conversation, result: CancellationQuoted, o: OrdersData
) -> Outcome:
    o.fee_cents = result.fee_cents
    return Outcome(views.cancel_question(conv, result), step=Step.CANCEL_CONFIRM)


@_keeping
def on_cancelled(ctx: Ctx, conv: Conversation, result: OrderCancelled, o: OrdersData) -> Outcome:
    refund = format_yuan(result.refund_cents)
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "订单 #{number} 已取消,退款 {refund} 将原路退回。",
                    number=result.number,
                    refund=refund,
                )
            )
        ],
        goto="menu",
    )


@_keeping
def on_confirmed(ctx: Ctx, conv: Conversation, result: OrderConfirmed, o: OrdersData) -> Outcome:
    number = result.number
    rate = Option(f"act:rate:{number}", tr(conv, "评价本次服务 #{number}", number=number))
    return Outcome(
        [
            Ask(
                tr(conv, "订单 #{number} 已确认完成,感谢您的信任!欢迎为师傅打分。", number=number),
                (rate,),
                numbered=False,
            )
        ],
        goto="menu",
    )


@_keeping
def on_payment_requested(
    ctx: Ctx, conv: Conversation, result: PaymentRequested, o: OrdersData
) -> Outcome:
    """An order's payment asked for (from its detail, or ``pay #N``)."""
    o.payment = checkout.due_to_json(result.due)
    return Outcome(step=Step.PAY, reask=True)


@_keeping
def on_surcharge_approved(
    ctx: Ctx, conv: Conversation, result: SurchargeApproved, o: OrdersData
) -> Outcome:
    """The customer approved an on-site extra: it is paid like the order was."""
    o.number, o.payment = result.number, checkout.due_to_json(result.due)
    return Outcome(views.surcharge_approved(conv, result), step=Step.PAY, reask=True)


@_keeping
def on_surcharge_declined(
    ctx: Ctx, conv: Conversation, result: SurchargeDeclined, o: OrdersData
) -> Outcome:
    return Outcome(views.surcharge_declined(conv, result.number), goto="menu")


@_keeping
def on_reschedule_fee_due(
    ctx: Ctx, conv: Conversation, result: RescheduleFeeDue, o: OrdersData
) -> Outcome:
    """A move with a fee: the order moves once the fee is paid."""
    o.payment, o.new_start = checkout.due_to_json(result.due), ""
    return Outcome(views.reschedule_fee_due(ctx, conv, result), step=Step.PAY, reask=True)


@_keeping
def on_payment_unavailable(
    ctx: Ctx, conv: Conversation, result: PaymentUnavailable, o: OrdersData
) -> Outcome:
    return Outcome(checkout_views.unavailable(conv, placed=True), goto="menu")


@_keeping
def on_paid(ctx: Ctx, conv: Conversation, result: OrderPaid, o: OrdersData) -> Outcome:
    return Outcome(checkout_views.paid_message(conv, result), goto="menu")


@_keeping
def on_list_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData) -> Outcome:
    if event.key.startswith("o:"):
        return Outcome(commands=[LoadOrder(_customer(conv), int(event.key[2:]))])
    if event.key in ("book", "menu"):
        return Outcome(goto="booking" if event.key == "book" else "menu")
    return Outcome(reask=True)


@_keeping
def on_list_text(ctx: Ctx, conv: Conversation, event: TextReceived, o: OrdersData) -> Outcome:
    m = _NUMBER.match(event.text)
    if m is None:
        return Outcome(
            [Say(tr(conv, "请选择订单,或回复 6 位订单号。"))],
            reask=True,
        )
    return Outcome(commands=[LoadOrder(_customer(conv), int(m.group(1)))])


@_keeping
def on_detail_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData) -> Outcome:
    if o.number is None:
        return restart(conv, NAME, OrdersData, FIRST)
    number = o.number
    if event.key == "pay":
        return Outcome(commands=[RequestPayment(_customer(conv), number)])
    if event.key == "cancel":
        return Outcome(commands=[QuoteCancellation(_customer(conv), number)])
    if event.key == "reschedule":
        o.new_start = ""
        return Outcome(views.reschedule_when(conv, number), step=Step.RESCHEDULE_WHEN)
    if event.key == "reorder":
        o.mode = REORDER
        return Outcome(commands=[LoadOrder(_customer(conv), number)])
    if event.key == "repeat":
        recurring.seed(conv, recurring.RecurringData(number=number))
        return Outcome(goto="recurring")
    if event.key == "invoice":
        invoice.seed(conv, invoice.InvoiceData(number=number))
        return Outcome(goto=invoice.NAME)
    if event.key == "list":
        return Outcome(step=Step.LIST, reask=True)
    return Outcome(reask=True)


@_keeping
def on_cancel_confirm(ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData) -> Outcome:
    if event.key == "yes":
        if o.number is None or o.fee_cents is None:
            return restart(conv, NAME, OrdersData, FIRST)
        return Outcome(commands=[CancelOrder(_customer(conv), o.number, o.fee_cents)])
    if event.key == "no":
        return Outcome(
            [Say(tr(conv, "好的,订单保留。"))],
            step=Step.DETAIL,
            reask=True,
        )
    return Outcome(reask=True)


@_keeping
def on_new_time(ctx: Ctx, conv: Conversation, event: TextReceived, o: OrdersData) -> Outcome:
    """A typed new time ("明天下午三点"): a day and a time, bookable (as a booking's)."""
    if o.number is None:
        return restart(conv, NAME, OrdersData, FIRST)
    day, at = parse_when(event.text, ctx.now.astimezone(ctx.tz).date())
    if day is None or at is None:
        return Outcome([Say(tr(conv, "请输入日期和时间,例如「明天下午三点」。"))], reask=True)
    start = datetime.combine(day, at, tzinfo=ctx.tz)
    wrong = refusal(ctx, conv, start)
    if wrong is not None:
        return Outcome([wrong], reask=True)
    return Outcome(commands=[QuoteReschedule(_customer(conv), o.number, start)])


@_keeping
def on_reschedule_quote(
    ctx: Ctx, conv: Conversation, result: RescheduleQuoted, o: OrdersData
) -> Outcome:
    o.new_start, o.fee_cents = result.start_at.isoformat(), result.fee_cents
    return Outcome(views.reschedule_question(ctx, conv, result), step=Step.RESCHEDULE_CONFIRM)


@_keeping
def on_reschedule_choice(
    ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData
) -> Outcome:
    if event.key == "yes" and conv.step == Step.RESCHEDULE_CONFIRM:
        if o.number is None or o.fee_cents is None or not o.new_start:
            return restart(conv, NAME, OrdersData, FIRST)
        start = datetime.fromisoformat(o.new_start)
        return Outcome(commands=[RescheduleOrder(_customer(conv), o.number, start, o.fee_cents)])
    if event.key == "no":
        o.new_start = ""
        return Outcome([Say(tr(conv, "好的,时间不变。"))], step=Step.DETAIL, reask=True)
    return Outcome(reask=True)


@_keeping
def on_rescheduled(
    ctx: Ctx, conv: Conversation, result: OrderRescheduled, o: OrdersData
) -> Outcome:
    return Outcome(views.rescheduled(ctx, conv, result), goto="menu")


@_keeping
def on_pay(ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData) -> Outcome:
    due = checkout.due_from_json(o.payment or None)
    if event.key == "pay" and due is not None and due.reference and due.provider == "sandbox":
        return Outcome(commands=[ConfirmSandboxPayment(due.reference, conv.customer_id)])
    if event.key == "later":
        return Outcome(goto="menu")
    return Outcome(reask=True)


TRANSITIONS: Transitions = {
    (Step.LIST, OrdersListed): on_orders,
    (Step.LIST, OrderShown): on_order,
    (Step.LIST, OrderConfirmed): on_confirmed,
    (Step.LIST, PaymentRequested): on_payment_requested,
    (Step.LIST, PaymentUnavailable): on_payment_unavailable,
    (Step.LIST, OrderPaid): on_paid,
    (Step.LIST, ChoiceMade): on_list_choice,
    (Step.LIST, SurchargeApproved): on_surcharge_approved,
    (Step.LIST, SurchargeDeclined): on_surcharge_declined,
    (Step.LIST, TextReceived): on_list_text,
    (Step.DETAIL, OrderShown): on_order,
    (Step.DETAIL, CancellationQuoted): on_cancel_quote,
    (Step.DETAIL, PaymentRequested): on_payment_requested,
    (Step.DETAIL, PaymentUnavailable): on_payment_unavailable,
    (Step.DETAIL, ChoiceMade): on_detail_choice,
    (Step.CANCEL_CONFIRM, CancellationQuoted): on_cancel_quote,
    (Step.CANCEL_CONFIRM, OrderCancelled): on_cancelled,
    (Step.CANCEL_CONFIRM, ChoiceMade): on_cancel_confirm,
    (Step.RESCHEDULE_WHEN, TextReceived): on_new_time,
    (Step.RESCHEDULE_WHEN, ChoiceMade): on_reschedule_choice,
    (Step.RESCHEDULE_WHEN, RescheduleQuoted): on_reschedule_quote,
    (Step.RESCHEDULE_CONFIRM, RescheduleQuoted): on_reschedule_quote,
    (Step.RESCHEDULE_CONFIRM, ChoiceMade): on_reschedule_choice,
    (Step.RESCHEDULE_CONFIRM, OrderRescheduled): on_rescheduled,
    (Step.RESCHEDULE_CONFIRM, RescheduleFeeDue): on_reschedule_fee_due,
    (Step.RESCHEDULE_CONFIRM, PaymentUnavailable): on_payment_unavailable,
    (Step.PAY, ChoiceMade): on_pay,
    (Step.PAY, OrderPaid): on_paid,
    (Step.PAY, PaymentUnavailable): on_payment_unavailable,
}
