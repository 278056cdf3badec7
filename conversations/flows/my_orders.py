"""My orders: list, detail with the status timeline, pay, move to another time (terms shown
first: ``my_orders_reschedule``), cancel (fee shown first), reorder."""

from __future__ import annotations

from datetime import datetime

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import (
    booking,
    checkout,
    invoice,
    my_orders_pick,
    order_questions,
    payment_views,
    recurring,
)
from conversations.flows import my_orders_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, button_expired, tr
from conversations.flows.booking_when import next_same_slot
from conversations.flows.flow_state import keep, load, restart
from conversations.flows.my_orders_reschedule import (
    move,
    on_new_time,
    on_reschedule_choice,
    on_reschedule_fee_due,
    on_reschedule_quote,
    on_rescheduled,
)
from conversations.flows.my_orders_state import (
    ASKED,
    CANCEL,
    MOVE,
    REFUND,
    STATUS,
    customer_of,
    keeping_orders,
)
from conversations.flows.my_orders_state import (  # the flow's own, for those entering it
    FIRST as FIRST,
)
from conversations.flows.my_orders_state import NAME as NAME
from conversations.flows.my_orders_state import REORDER as REORDER
from conversations.flows.my_orders_state import OrdersData as OrdersData
from conversations.flows.my_orders_state import Step as Step
from conversations.flows.my_orders_state import seed as seed
from conversations.replies import Ask, Option, Say
from conversations.results.booking import OrderPaid, PaymentRequested, PaymentUnavailable
from conversations.results.orders import (
    CancellationQuoted,
    CustomerAction,
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
from conversations.understanding.intents import typed_number
from domain.commands import (
    AnswerSurcharge,
    CancelOrder,
    ConfirmOrder,
    ConfirmSandboxPayment,
    RequestPayment,
)
from domain.digits import whole
from domain.lifecycle import OrderStatus
from domain.money import format_yuan
from domain.queries import LoadOrder, LoadOrders, QuoteCancellation, QuoteReschedule
from domain.reschedule import not_movable

_NOT_VISITS = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    given = load(conv, NAME, OrdersData) or OrdersData()
    action, number = given.action, given.number
    to_day, to_at = given.to_day, given.to_at  # a move's new time, asked in words
    if action in ASKED and number is None:  # "where is my order?": the order picked first
        o = OrdersData(booking=given.booking, to_day=to_day, to_at=to_at)
        out = my_orders_pick.begin(conv, o, ASKED[action])
        keep(conv, NAME, o)
        return out
    # the order read first: whether it may be now (a cancellation's terms, a new time
    # asked; else why not, with its detail)
    read_first = action in ("reschedule", REFUND, CANCEL)
    mode = ASKED[action] if read_first else given.mode
    o = OrdersData(mode=mode, number=number if action else None)  # nothing older stays
    if mode == MOVE:
        o.to_day, o.to_at = to_day, to_at
    keep(conv, NAME, o)
    if not action:
        return ask(ctx, conv)  # the list: the customer picks the order
    if number is None:
        return Outcome(
            [Say(tr(conv, "请带上订单号,例如「确认完成 #240117」。"))],
            reask=True,
        )
    if action in ("show", STATUS):  # "#N" sent at the menu, "where is #N?": its detail
        return Outcome(step=Step.LIST, commands=[LoadOrder(customer_of(conv), number)])
    if read_first:
        return Outcome(commands=[LoadOrder(customer_of(conv), number)])
    if action in ("surcharge_yes", "surcharge_no"):
        approve = action == "surcharge_yes"
        answer = AnswerSurcharge(customer_of(conv), number, approve, given.surcharge)
        return Outcome(commands=[answer])
    # paying, confirming: on the order's screen, so that a refusal (paid already, cancelled:
    # a button from an older message) is said with the order's detail, not the list
    if action == "pay":
        return Outcome(step=Step.DETAIL, commands=[RequestPayment(customer_of(conv), number)])
    return Outcome(step=Step.DETAIL, commands=[ConfirmOrder(customer_of(conv), number)])


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    o = load(conv, NAME, OrdersData)
    if o is None or (o.number is None and conv.step not in (Step.LIST, Step.PAY)):
        return restart(conv, NAME, OrdersData, FIRST)
    if conv.step == Step.LIST:
        return Outcome(commands=[LoadOrders(customer_of(conv))])
    if conv.step == Step.PAY:
        due = checkout.due_from_json(o.payment or None)
        if due is None:  # reached by "back" without a payment request
            return Outcome(step=Step.LIST, reask=True)
        return Outcome(payment_views.pay_question(conv, due))
    assert o.number is not None
    if conv.step == Step.CANCEL_CONFIRM:
        return Outcome(commands=[QuoteCancellation(customer_of(conv), o.number)])
    if conv.step == Step.RESCHEDULE_WHEN or (
        conv.step == Step.RESCHEDULE_CONFIRM and not o.new_start
    ):
        return Outcome(views.reschedule_when(conv, o.number), step=Step.RESCHEDULE_WHEN)
    if conv.step == Step.RESCHEDULE_CONFIRM:
        start = datetime.fromisoformat(o.new_start)
        return Outcome(commands=[QuoteReschedule(customer_of(conv), o.number, start)])
    return Outcome(commands=[LoadOrder(customer_of(conv), o.number)])


@keeping_orders
def on_orders(ctx: Ctx, conv: Conversation, result: OrdersListed, o: OrdersData) -> Outcome:
    if o.mode in my_orders_pick.PICKING:  # a question in words: its order picked
        return my_orders_pick.on_orders(ctx, conv, result.orders, o)
    if o.mode == REORDER and result.orders and o.number is None:
        # "再来一单": the newest order again, at the next free start on its weekday and hour
        newest = result.orders[0]
        taken = frozenset(r.start_at for r in result.orders if r.status not in _NOT_VISITS)
        o.number = newest.number
        o.again_at = next_same_slot(ctx, newest.start_at, taken).isoformat()
        return Outcome(commands=[LoadOrder(customer_of(conv), newest.number)])
    return Outcome(views.order_list(ctx, conv, result.orders, o.mode == REORDER), step=Step.LIST)


@keeping_orders
def on_order(ctx: Ctx, conv: Conversation, result: OrderShown, o: OrdersData) -> Outcome:
    if o.mode in my_orders_pick.CHOSEN:  # picked for a question: cancel, complain, refund
        return my_orders_pick.on_order(ctx, conv, result, o)
    o.number = result.order.number
    if o.mode == MOVE:
        o.mode, o.new_start = "", ""
        movable = CustomerAction.RESCHEDULE in result.actions
        if movable and (o.to_day or o.to_at):  # "改到后天上午10点": quoted at once
            return move(ctx, conv, result.order, o)
        o.to_day = o.to_at = ""
        if movable:
            return Outcome(views.reschedule_when(conv, o.number), step=Step.RESCHEDULE_WHEN)
        refused = Say(not_movable(result.order.status, result.order.number).get(conv.lang))
        return Outcome([refused, *views.detail(ctx, conv, result)], step=Step.DETAIL)
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


@keeping_orders
def on_cancel_quote(
    ctx: Ctx, conv: Conversation, result: CancellationQuoted, o: OrdersData
) -> Outcome:
    o.fee_cents = result.fee_cents
    return Outcome(views.cancel_question(conv, result), step=Step.CANCEL_CONFIRM)


@keeping_orders
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


@keeping_orders
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


@keeping_orders
def on_payment_requested(
    ctx: Ctx, conv: Conversation, result: PaymentRequested, o: OrdersData
) -> Outcome:
    """An order's payment asked for (from its detail, or ``pay #N``)."""
    o.payment = checkout.due_to_json(result.due)
    return Outcome(step=Step.PAY, reask=True)


@keeping_orders
def on_surcharge_approved(
    ctx: Ctx, conv: Conversation, result: SurchargeApproved, o: OrdersData
) -> Outcome:
    """The customer approved an on-site extra: it is paid like the order was."""
    o.number, o.payment = result.number, checkout.due_to_json(result.due)
    return Outcome(views.surcharge_approved(conv, result), step=Step.PAY, reask=True)


@keeping_orders
def on_surcharge_declined(
    ctx: Ctx, conv: Conversation, result: SurchargeDeclined, o: OrdersData
) -> Outcome:
    return Outcome(views.surcharge_declined(conv, result.number), goto="menu")


@keeping_orders
def on_payment_unavailable(
    ctx: Ctx, conv: Conversation, result: PaymentUnavailable, o: OrdersData
) -> Outcome:
    return Outcome(payment_views.unavailable(conv, placed=True), goto="menu")


@keeping_orders
def on_paid(ctx: Ctx, conv: Conversation, result: OrderPaid, o: OrdersData) -> Outcome:
    return Outcome(payment_views.paid_message(conv, result), goto="menu")


@keeping_orders
def on_list_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData) -> Outcome:
    number = whole(event.key[2:]) if event.key.startswith("o:") else None
    if number is not None:  # a forged or stale button's number is no order of theirs
        return Outcome(commands=[LoadOrder(customer_of(conv), number)])
    if event.key in ("book", "menu"):
        return Outcome(goto="booking" if event.key == "book" else "menu")
    return Outcome([Say(button_expired(conv))], reask=True)


def on_list_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """A question typed at the list ("where is my order?", "取消订单") answered as at the
    menu (``order_questions``); else an order's number."""
    asked = order_questions.read(ctx, conv, event.text)
    return asked if asked is not None else _on_number(ctx, conv, event)


@keeping_orders
def _on_number(ctx: Ctx, conv: Conversation, event: TextReceived, o: OrdersData) -> Outcome:
    number = typed_number(event.text)
    if number is None:
        return Outcome([Say(tr(conv, "请选择订单,或回复 6 位订单号。"))], reask=True)
    return Outcome(commands=[LoadOrder(customer_of(conv), number)])


@keeping_orders
def on_detail_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData) -> Outcome:
    if o.number is None:
        return restart(conv, NAME, OrdersData, FIRST)
    number = o.number  # paying, moving, cancelling: ``act:`` buttons naming their order
    if event.key == "reorder":
        o.mode = REORDER
        return Outcome(commands=[LoadOrder(customer_of(conv), number)])
    if event.key == "repeat":
        recurring.seed(conv, recurring.RecurringData(number=number))
        return Outcome(goto="recurring")
    if event.key == "invoice":
        invoice.seed(conv, invoice.InvoiceData(number=number))
        return Outcome(goto=invoice.NAME)
    if event.key == "list":
        return Outcome(step=Step.LIST, reask=True)
    return Outcome([Say(button_expired(conv))], reask=True)


@keeping_orders
def on_cancel_confirm(ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData) -> Outcome:
    if event.key == "yes":
        if o.number is None or o.fee_cents is None:
            return restart(conv, NAME, OrdersData, FIRST)
        return Outcome(commands=[CancelOrder(customer_of(conv), o.number, o.fee_cents)])
    if event.key == "no":
        return Outcome(
            [Say(tr(conv, "好的,订单保留。"))],
            step=Step.DETAIL,
            reask=True,
        )
    return Outcome([Say(button_expired(conv))], reask=True)


@keeping_orders
def on_pay(ctx: Ctx, conv: Conversation, event: ChoiceMade, o: OrdersData) -> Outcome:
    due = checkout.due_from_json(o.payment or None)
    if event.key == "pay" and due is not None and due.reference and due.provider == "sandbox":
        return Outcome(commands=[ConfirmSandboxPayment(due.reference, conv.customer_id)])
    if event.key == "later":
        return Outcome(goto="menu")
    return Outcome([Say(button_expired(conv))], reask=True)


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
    (Step.DETAIL, OrderConfirmed): on_confirmed,
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
