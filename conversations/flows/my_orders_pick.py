"""The order a question in words is about, when it names none ("where is my cleaner?", "取消
订单", "改期", "我要投诉", "退款": ``order_questions``): the customer's orders are read, and
the one order the question fits gets its screen at once — its detail, its cancellation's
terms (never cancelled without them), its new time's question, its complaint; several get
the list to pick one from; none, the list as My orders shows it, said why — or, asked at
the booking's first questions, the booking where it was, said why (nothing to leave it for)."""

from __future__ import annotations

from conversations.flows import after_sales
from conversations.flows import my_orders_views as views
from conversations.flows.base import Ctx, Outcome, tr
from conversations.flows.booking_steps import resume
from conversations.flows.my_orders_state import (
    CANCEL,
    COMPLAIN,
    MOVE,
    REFUND,
    STATUS,
    OrdersData,
    Step,
    customer_of,
)
from conversations.replies import Ask, Reply, Say
from conversations.results.orders import CustomerAction, OrderRow, OrderShown
from conversations.state import Conversation
from domain.aftersales import complaint_open
from domain.lifecycle import UNDER_WAY, Action, ActorKind, allowed_actions, refusal
from domain.queries import LoadOrder, LoadOrders
from domain.reschedule import MOVABLE

PICKING = frozenset({STATUS, CANCEL, MOVE, COMPLAIN, REFUND})
"""The modes whose list picks the order a question is about."""
CHOSEN = frozenset({CANCEL, COMPLAIN, REFUND})
"""The modes an order chosen from the list (or named) is shown in, for what was asked."""


def begin(conv: Conversation, o: OrdersData, mode: str) -> Outcome:
    """The customer's orders read, to pick the one the question (``mode``) is about."""
    o.mode, o.number = mode, None
    return Outcome(step=Step.LIST, commands=[LoadOrders(customer_of(conv))])


def fits(ctx: Ctx, mode: str, row: OrderRow) -> bool:
    """Whether the question ``mode`` may be about ``row``: one placed and not served yet
    (where is it), one the customer may cancel, move, complain about now — or, for a refund,
    cancel (not served yet) or complain about."""
    if mode == STATUS:
        return row.status in UNDER_WAY
    if mode == CANCEL:
        return Action.CANCEL in allowed_actions(row.status, ActorKind.CUSTOMER)
    if mode == MOVE:
        return row.status in MOVABLE
    complained = complaint_open(row.status, row.finished_at, ctx.now, ctx.rules.after_sales)
    return complained or (mode == REFUND and fits(ctx, CANCEL, row))


def on_orders(
    ctx: Ctx, conv: Conversation, orders: tuple[OrderRow, ...], o: OrdersData
) -> Outcome:
    """The orders read for the question ``o.mode``: the one it fits, or the list."""
    mode = o.mode
    fit = tuple(r for r in orders if fits(ctx, mode, r))
    if not fit and o.booking:  # asked while booking: why not, and the booking goes on
        o.mode = ""
        return resume(conv, [Say(_none(ctx, conv, mode, orders))])
    if len(fit) == 1:
        return _one(ctx, conv, fit[0], o)
    if not fit or mode == STATUS:  # "where is my order?": the list My orders shows
        o.mode = ""
        said = [Say(_none(ctx, conv, mode, orders))] if orders and not fit else []
        return Outcome([*said, *views.order_list(ctx, conv, orders, False)], step=Step.LIST)
    return Outcome(_pick_from(ctx, conv, fit, mode), step=Step.LIST)


def _one(ctx: Ctx, conv: Conversation, row: OrderRow, o: OrdersData) -> Outcome:
    mode, number = o.mode, row.number
    if mode == MOVE:  # its new time asked (``my_orders.on_order``), once it is read
        return Outcome(commands=[LoadOrder(customer_of(conv), number)])
    o.mode = ""
    if mode == STATUS:
        return Outcome(commands=[LoadOrder(customer_of(conv), number)])
    if mode == COMPLAIN or (mode == REFUND and not fits(ctx, CANCEL, row)):
        return _complain(conv, number)  # served, or being served: money back by a complaint
    o.number = number
    return Outcome(step=Step.CANCEL_CONFIRM, reask=True)  # the terms asked first


def on_order(ctx: Ctx, conv: Conversation, result: OrderShown, o: OrdersData) -> Outcome:
    """An order chosen from the list (or named by its number) for what was asked: complained
    about (the complaint's own check says when it cannot be), cancelled after its terms (a
    refund of an order not served yet), complained about for a refund, or its detail with
    why not."""
    mode, number, actions = o.mode, result.order.number, result.actions
    o.mode, o.number = "", number
    if mode == COMPLAIN:
        return _complain(conv, number)
    if CustomerAction.CANCEL in actions:  # not served yet: cancelling gives the money back
        return Outcome(step=Step.CANCEL_CONFIRM, reask=True)
    if mode == REFUND and CustomerAction.COMPLAIN in actions:
        return _complain(conv, number)
    if mode == CANCEL:
        why = refusal(result.order.status, Action.CANCEL, ActorKind.CUSTOMER, number)
        said = why.get(conv.lang)
    else:
        said = tr(
            conv, "订单 #{number} 现在不能申请退款,有疑问请发送「联系客服」。", number=number
        )
    return Outcome([Say(said), *views.detail(ctx, conv, result)], step=Step.DETAIL)


def _complain(conv: Conversation, number: int) -> Outcome:
    after_sales.seed(conv, after_sales.FeedbackData("complain", number))
    return Outcome(goto=after_sales.NAME)


def _none(ctx: Ctx, conv: Conversation, mode: str, orders: tuple[OrderRow, ...]) -> str:
    """Why no order was picked (the customer's orders listed after it, or the booking they
    were making asked again)."""
    if not orders:
        return tr(conv, "您还没有订单。")
    if mode == STATUS:
        return tr(conv, "您现在没有进行中的订单。")
    if mode == CANCEL:
        return tr(conv, "您没有可以取消的订单。")
    if mode == MOVE:
        return tr(conv, "您没有可以改约时间的订单。")
    hours = ctx.rules.after_sales.complaint_window_hours
    if mode == REFUND:
        return tr(
            conv,
            "您没有可以申请退款的订单:未服务的订单取消即退款,服务中或完工后 {hours} 小时内"
            "可以投诉退款。有疑问请发送「联系客服」。",
            hours=hours,
        )
    return tr(
        conv,
        "您没有可以投诉的订单:服务中或完工后 {hours} 小时内才可以投诉。有疑问请发送「联系客服」。",
        hours=hours,
    )


def _pick_from(ctx: Ctx, conv: Conversation, fit: tuple[OrderRow, ...], mode: str) -> list[Reply]:
    """The orders the question fits, to pick one (its number typed works too)."""
    text = {
        CANCEL: tr(conv, "您要取消哪个订单?"),
        MOVE: tr(conv, "您要改约哪个订单?"),
        COMPLAIN: tr(conv, "您要投诉哪个订单?"),
        REFUND: tr(conv, "您要为哪个订单申请退款?"),
    }[mode]
    listed = views.order_list(ctx, conv, fit, False)[0]
    assert isinstance(listed, Ask)
    return [Ask(text, listed.options)]
