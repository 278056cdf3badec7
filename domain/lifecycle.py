"""The order lifecycle: one explicit table of who may move an order from which status.

``TRANSITIONS[(status, action)] = (next status, actors allowed)``. Anything not in the table is
refused with a message saying what the order can do instead.
"""

from __future__ import annotations

from enum import StrEnum

from domain.errors import InvalidTransition, NotPermitted
from domain.text import C_, N_, Bilingual, Lang, Text


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
    RESCHEDULE = "reschedule"
    """Not a move: the visit's time changed (timeline)."""
    SURCHARGE = "surcharge"
    """Not a move: the customer approved an on-site extra (timeline)."""
    WAIVE = "waive"
    """Not a move: an admin waived what was still owed on a finished order (timeline)."""


class ActorKind(StrEnum):
    CUSTOMER = "customer"
    WORKER = "worker"
    ADMIN = "admin"
    SYSTEM = "system"


ACTOR_TEXT: dict[ActorKind, Text] = {
    ActorKind.CUSTOMER: N_("客户"),
    ActorKind.WORKER: N_("服务师傅"),
    ActorKind.ADMIN: N_("管理员"),
    ActorKind.SYSTEM: N_("系统"),
}

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
    (S.IN_SERVICE, A.FINISH): (S.FINISHED, frozenset({W, AD})),  # AD: a placement ended early
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

UNDER_WAY = frozenset(
    {S.AWAITING_PAYMENT, S.PAID, S.DISPATCHING, S.ACCEPTED, S.ON_THE_WAY, S.ARRIVED, S.IN_SERVICE}
)
"""Placed and not served yet: the orders a customer's "where is my order?" asks about."""
TERMINAL = frozenset({S.SETTLED, S.REFUNDED})
"""Statuses an order never leaves, except a settled one refunded in full after a complaint."""

STATUS_TEXT: dict[OrderStatus, Text] = {
    S.QUOTED: N_("已报价"),
    S.AWAITING_PAYMENT: N_("待支付"),
    S.PAID: N_("已支付"),
    S.DISPATCHING: N_("派单中"),
    S.ACCEPTED: N_("已接单"),
    S.ON_THE_WAY: N_("师傅在路上"),
    S.ARRIVED: N_("师傅已到达"),
    S.IN_SERVICE: N_("服务中"),
    S.FINISHED: N_("服务完成,待确认"),
    S.CONFIRMED: N_("已确认"),
    S.SETTLED: N_("已结算"),
    S.CANCELLED: N_("已取消"),
    S.REFUNDED: N_("已退款"),
}

CUSTOMER_STATUS_TEXT: dict[OrderStatus, Text] = {**STATUS_TEXT, S.SETTLED: N_("已完成")}
"""An order's status as its customer reads it: "settled" is the books' word (the worker's share
paid out), not the customer's — to them the order is done."""

ACTION_TEXT: dict[Action, Text] = {
    A.REQUEST_PAYMENT: C_("action", "去支付"),  # "you can: pay, cancel", the button's "Pay"
    A.PAY: N_("支付"),
    A.DISPATCH: N_("派单"),
    A.ACCEPT: N_("接单"),
    A.RELEASE: N_("转为改派"),
    A.DEPART: N_("出发"),
    A.ARRIVE: N_("打卡"),  # as the worker's command and button name it
    A.START: N_("开始服务"),
    A.FINISH: N_("完工"),
    A.CONFIRM: N_("确认完成"),
    A.SETTLE: N_("结算"),
    A.CANCEL: N_("取消"),
    A.REFUND: N_("退款"),
    A.COMPLAIN: N_("发起投诉"),
    A.RESOLVE: N_("处理完结"),
    A.RETURN_PAYMENT: N_("逾期付款原路退回"),
    A.RESCHEDULE: C_("timeline", "改约时间"),  # the button's word, another English one
    A.SURCHARGE: N_("同意现场加价"),
    A.WAIVE: N_("免除尾款"),
}
"""Each action by name in running text: a refusal's sentence and the options it offers ("you
can: pay, cancel"), a timeline's line for what moved no status ("balance waived"), so lower
case in English; where a button shares the Chinese ("Pay", "Reschedule") this reading carries
a context (``C_``)."""


def allowed_actions(status: OrderStatus, actor: ActorKind | None = None) -> list[Action]:
    """Actions possible from ``status`` (for ``actor`` when given), in table order."""
    return [
        action
        for (source, action), (_, actors) in TRANSITIONS.items()
        if source == status and (actor is None or actor in actors)
    ]


FORWARD = (
    S.QUOTED,
    S.AWAITING_PAYMENT,
    S.PAID,
    S.DISPATCHING,
    S.ACCEPTED,
    S.ON_THE_WAY,
    S.ARRIVED,
    S.IN_SERVICE,
    S.FINISHED,
    S.CONFIRMED,
    S.SETTLED,
)
"""The statuses of an order that goes well, in order: an action that moves forward on it
and is asked for once the order is past its target was done already (a second 出发)."""


def _already_done(status: OrderStatus, action: Action) -> bool:
    """Whether the order is at or past where ``action`` would have moved it forward."""
    if status not in FORWARD:
        return False
    here = FORWARD.index(status)
    return any(
        a == action
        and source in FORWARD
        and target in FORWARD
        and FORWARD.index(source) < FORWARD.index(target) <= here
        for (source, a), (target, _) in TRANSITIONS.items()
    )


def refusal(
    status: OrderStatus, action: Action, actor: ActorKind, number: int | None = None
) -> Text:
    """Why ``action`` is not possible now, said to ``actor`` in a sentence: already done, or
    not from this status; then what *this* actor may do instead, when anything."""
    fields = {"status": STATUS_TEXT[status], "action": ACTION_TEXT[action]}
    if _already_done(status, action):
        reason = (
            N_("订单 #{number} 现在是「{status}」,无需再{action}。", number=number, **fields)
            if number is not None
            else N_("订单现在是「{status}」,无需再{action}。", **fields)
        )
    else:
        reason = (
            N_("订单 #{number} 现在是「{status}」,不能{action}。", number=number, **fields)
            if number is not None
            else N_("订单现在是「{status}」,不能{action}。", **fields)
        )
    return _with_options(reason, status, actor)


def _with_options(reason: Text, status: OrderStatus, actor: ActorKind) -> Text:
    """``reason``, then what *this* actor may do from ``status`` instead, when anything."""
    possible = allowed_actions(status, actor)  # only what the reader may do, if anything
    if not possible:
        return reason
    options = Bilingual(
        "、".join(ACTION_TEXT[a].get("zh") for a in possible),
        ", ".join(ACTION_TEXT[a].get("en") for a in possible),
    )
    return N_("{reason}您可以:{options}。", reason=reason, options=options)


PEOPLE = (C, W, AD)
"""The actors a person can be, in the order they are named (the system is none)."""


def not_permitted(
    status: OrderStatus, action: Action, actor: ActorKind, number: int | None = None
) -> Text:
    """Why ``actor`` may not do ``action`` now though someone may: the order's status in
    words, who may (people only: what the system does by itself is said to happen by
    itself), then what this actor may do instead, when anything."""
    _, actors = TRANSITIONS[(status, action)]
    people = [a for a in PEOPLE if a in actors]
    fields = {"status": STATUS_TEXT[status], "action": ACTION_TEXT[action]}
    if people:
        who = Bilingual(
            "或".join(ACTOR_TEXT[a].get("zh") for a in people),
            " or ".join(ACTOR_TEXT[a].get("en") for a in people),
        )
        reason = (
            N_(
                "订单 #{number} 现在是「{status}」,只有{who}可以{action}。",
                number=number,
                who=who,
                **fields,
            )
            if number is not None
            else N_("订单现在是「{status}」,只有{who}可以{action}。", who=who, **fields)
        )
    else:
        reason = (
            N_(
                "订单 #{number} 现在是「{status}」,「{action}」会自动进行,无需操作。",
                number=number,
                **fields,
            )
            if number is not None
            else N_("订单现在是「{status}」,「{action}」会自动进行,无需操作。", **fields)
        )
    return _with_options(reason, status, actor)


def next_status(
    status: OrderStatus, action: Action, actor: ActorKind, number: int | None = None
) -> OrderStatus:
    """The status after ``action``; raises InvalidTransition or NotPermitted with a clear reason.

    The message is bilingual so it can be shown as is; ``number`` names the order in it.
    """
    entry = TRANSITIONS.get((status, action))
    if entry is None:
        raise InvalidTransition(refusal(status, action, actor, number))
    target, actors = entry
    if actor not in actors:
        raise NotPermitted(not_permitted(status, action, actor, number))
    return target


def status_text(status: OrderStatus, lang: Lang | str) -> str:
    return STATUS_TEXT[status].get(lang)
