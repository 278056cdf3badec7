"""The order lifecycle: one explicit table of who may move an order from which status.

``TRANSITIONS[(status, action)] = (next status, actors allowed)``. Anything not in the table is
refused with a message saying what the order can do instead.
"""

from __future__ import annotations

from enum import StrEnum

from domain.errors import InvalidTransition, NotPermitted
from domain.text import Lang, Text


class OrderStatus(StrEnum):
    QUOTED = "quoted"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    DISPATCHING = "dispatching"
    ACCEPTED = "accepted"
    ON_THE_WAY = "on_the_way"
    ARRIVED = "arrived"
    IN_SERVICE = "in_service"
    FINISHED = "finished"
    CONFIRMED = "confirmed"
    SETTLED = "settled"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class Action(StrEnum):
    REQUEST_PAYMENT = "request_payment"
    PAY = "pay"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RELEASE = "release"
    DEPART = "depart"
    ARRIVE = "arrive"
    START = "start"
    FINISH = "finish"
    CONFIRM = "confirm"
    SETTLE = "settle"
    CANCEL = "cancel"
    REFUND = "refund"
    COMPLAIN = "complain"
    RESOLVE = "resolve"
    RETURN_PAYMENT = "return_payment"
    """Not a move: money that landed after the order was cancelled goes back (timeline)."""


class ActorKind(StrEnum):
    CUSTOMER = "customer"
    WORKER = "worker"
    ADMIN = "admin"
    SYSTEM = "system"


S, A = OrderStatus, Action
C, W, AD, SY = ActorKind.CUSTOMER, ActorKind.WORKER, ActorKind.ADMIN, ActorKind.SYSTEM

TRANSITIONS: dict[tuple[OrderStatus, Action], tuple[OrderStatus, frozenset[ActorKind]]] = {
    (S.QUOTED, A.REQUEST_PAYMENT): (S.AWAITING_PAYMENT, frozenset({C, SY})),
    (S.AWAITING_PAYMENT, A.PAY): (S.PAID, frozenset({SY})),
    (S.PAID, A.DISPATCH): (S.DISPATCHING, frozenset({SY, AD})),
    (S.DISPATCHING, A.ACCEPT): (S.ACCEPTED, frozenset({W, AD})),
    (S.ACCEPTED, A.RELEASE): (S.DISPATCHING, frozenset({W, AD, SY})),
    (S.ACCEPTED, A.DEPART): (S.ON_THE_WAY, frozenset({W})),
    (S.ON_THE_WAY, A.ARRIVE): (S.ARRIVED, frozenset({W})),
    (S.ARRIVED, A.START): (S.IN_SERVICE, frozenset({W})),
    (S.IN_SERVICE, A.FINISH): (S.FINISHED, frozenset({W})),
    (S.FINISHED, A.CONFIRM): (S.CONFIRMED, frozenset({C, SY, AD})),
    (S.CONFIRMED, A.SETTLE): (S.SETTLED, frozenset({SY})),
    (S.QUOTED, A.CANCEL): (S.CANCELLED, frozenset({C, AD, SY})),
    (S.AWAITING_PAYMENT, A.CANCEL): (S.CANCELLED, frozenset({C, AD, SY})),
    (S.PAID, A.CANCEL): (S.CANCELLED, frozenset({C, AD})),
    (S.DISPATCHING, A.CANCEL): (S.CANCELLED, frozenset({C, AD, SY})),
    (S.ACCEPTED, A.CANCEL): (S.CANCELLED, frozenset({C, AD})),
    (S.ON_THE_WAY, A.CANCEL): (S.CANCELLED, frozenset({C, AD})),
    (S.ARRIVED, A.CANCEL): (S.CANCELLED, frozenset({C, AD})),
    (S.CANCELLED, A.REFUND): (S.REFUNDED, frozenset({SY, AD})),
    # a complaint refunded in full (after-sales: a complaint never moves the order itself;
    # it freezes the settlement until it is resolved — see domain.aftersales)
    (S.FINISHED, A.REFUND): (S.REFUNDED, frozenset({SY})),
    (S.CONFIRMED, A.REFUND): (S.REFUNDED, frozenset({SY})),
    (S.SETTLED, A.REFUND): (S.REFUNDED, frozenset({SY})),
}

TERMINAL = frozenset({S.SETTLED, S.REFUNDED})
"""Statuses an order never leaves, except a settled one refunded in full after a complaint."""

STATUS_TEXT: dict[OrderStatus, Text] = {
    S.QUOTED: Text("已报价", "quoted"),
    S.AWAITING_PAYMENT: Text("待支付", "awaiting payment"),
    S.PAID: Text("已支付", "paid"),
    S.DISPATCHING: Text("派单中", "finding a worker"),
    S.ACCEPTED: Text("已接单", "accepted"),
    S.ON_THE_WAY: Text("师傅在路上", "worker on the way"),
    S.ARRIVED: Text("师傅已到达", "worker arrived"),
    S.IN_SERVICE: Text("服务中", "in service"),
    S.FINISHED: Text("服务完成,待确认", "finished, awaiting confirmation"),
    S.CONFIRMED: Text("已确认", "confirmed"),
    S.SETTLED: Text("已结算", "settled"),
    S.CANCELLED: Text("已取消", "cancelled"),
    S.REFUNDED: Text("已退款", "refunded"),
}

ACTION_TEXT: dict[Action, Text] = {
    A.REQUEST_PAYMENT: Text("去支付", "go to payment"),
    A.PAY: Text("支付", "pay"),
    A.DISPATCH: Text("派单", "dispatch"),
    A.ACCEPT: Text("接单", "accept"),
    A.RELEASE: Text("改派", "release for reassignment"),
    A.DEPART: Text("出发", "set off"),
    A.ARRIVE: Text("到达", "arrive"),
    A.START: Text("开始服务", "start service"),
    A.FINISH: Text("完工", "finish"),
    A.CONFIRM: Text("确认完成", "confirm"),
    A.SETTLE: Text("结算", "settle"),
    A.CANCEL: Text("取消", "cancel"),
    A.REFUND: Text("退款", "refund"),
    A.COMPLAIN: Text("投诉", "complain"),
    A.RESOLVE: Text("处理完结", "resolve"),
    A.RETURN_PAYMENT: Text("逾期付款原路退回", "late payment refunded"),
}


def allowed_actions(status: OrderStatus, actor: ActorKind | None = None) -> list[Action]:
    """Actions possible from ``status`` (for ``actor`` when given), in table order."""
    return [
        action
        for (source, action), (_, actors) in TRANSITIONS.items()
        if source == status and (actor is None or actor in actors)
    ]


def next_status(status: OrderStatus, action: Action, actor: ActorKind) -> OrderStatus:
    """The status after ``action``; raises InvalidTransition or NotPermitted with a clear reason.

    The message is bilingual so it can be shown as is.
    """
    entry = TRANSITIONS.get((status, action))
    if entry is None:
        possible = allowed_actions(status)
        options = ", ".join(ACTION_TEXT[a].en for a in possible) or "nothing"
        options_zh = "、".join(ACTION_TEXT[a].zh for a in possible) or "无"
        raise InvalidTransition(
            Text(
                f"订单{STATUS_TEXT[status].zh},不能{ACTION_TEXT[action].zh}(可以:{options_zh})",
                f"An order that is {STATUS_TEXT[status].en} cannot {ACTION_TEXT[action].en} "
                f"(possible: {options})",
            )
        )
    target, actors = entry
    if actor not in actors:
        who = ", ".join(sorted(a.value for a in actors))
        raise NotPermitted(
            Text(
                f"{actor.value} 不能{ACTION_TEXT[action].zh}{STATUS_TEXT[status].zh}的订单"
                f"(仅限:{who})",
                f"A {actor.value} cannot {ACTION_TEXT[action].en} an order that is "
                f"{STATUS_TEXT[status].en} (only: {who})",
            )
        )
    return target


def status_text(status: OrderStatus, lang: Lang | str) -> str:
    return STATUS_TEXT[status].get(lang)
