"""What the my-orders flow keeps between turns, and its steps (shared by its modules:
``my_orders`` and ``my_orders_reschedule``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from conversations.flows.flow_state import keep, keeping
from conversations.state import Conversation

NAME = "orders"


class Step(StrEnum):
    LIST = "list"
    DETAIL = "detail"
    CANCEL_CONFIRM = "cancel_confirm"
    RESCHEDULE_WHEN = "reschedule_when"
    RESCHEDULE_CONFIRM = "reschedule_confirm"
    PAY = "pay"


FIRST = Step.LIST
REORDER = "reorder"
MOVE = "move"
"""``mode``: the order being shown is to be moved (``/reschedule #N``, 改期 #N)."""
STATUS = "status"
CANCEL = "cancel"
COMPLAIN = "complain"
REFUND = "refund"
"""``mode``: what the customer asked in words, the order not named yet ("where is my
order?", "取消订单", "我要投诉", "退款"): the one order it fits is picked, else the list
(``my_orders_pick``)."""
ASKED = {STATUS: STATUS, CANCEL: CANCEL, "reschedule": MOVE, COMPLAIN: COMPLAIN, REFUND: REFUND}
"""The ``action`` of a question about an order (``understanding.intents.Intent``'s value, as
``order_questions`` seeds it; the typed commands 取消订单, 改期, 投诉, 退款 name theirs the
same), by the ``mode`` its order is read in: picked when the question names none; a move, a
refund or a cancellation of an order named is read in it too (whether it may be now: its new
time asked, its terms shown, else why not). An order named is shown (``status``) in no
mode."""


@dataclass(slots=True)
class OrdersData:
    """What the flow keeps between turns, in ``conv.data["orders"]``. Other flows enter it
    (``seed``) with ``mode`` (``reorder``: the list picks an order to book again) or with
    ``action`` (``pay`` / ``confirm`` / ``reschedule`` / ``cancel`` / ``refund``…) and
    ``number``; without a number, an action of ``ASKED`` picks the order first."""

    number: int | None = None
    """The order on the screen (its detail, its cancellation, its payment)."""
    mode: str = ""
    action: str = ""
    fee_cents: int | None = None
    """The cancellation fee the customer was shown; the cancellation is refused if it moved."""
    payment: dict[str, Any] = field(default_factory=dict)
    """The payment request being paid (``checkout.due_to_json`` of its ``PaymentDue``)."""
    again_at: str = ""
    """A reorder's start ("same as last time": ISO), found from the list of orders."""
    new_start: str = ""
    """The time the order is being moved to (ISO), with its fee in ``fee_cents``."""
    surcharge: int | None = None
    """The on-site extra a request's button answers (``action``: surcharge_yes / _no)."""
    booking: bool = False
    """The question (``ASKED``) was typed at the booking's first questions: when no order
    fits it, the booking goes on where it was (``my_orders_pick``)."""
    to_day: str = ""
    to_at: str = ""
    """The new day (ISO) and time ("HH:MM") a move asked in words names ("改到后天上午10点":
    ``intents.Asked``), either "" for the order's own: kept while the order is read or
    picked, then quoted at once (``my_orders_reschedule.move``)."""


keeping_orders = keeping(NAME, OrdersData, FIRST)


def seed(conv: Conversation, data: OrdersData) -> None:
    """What the flow starts with when entered next (``goto="orders"``): ``data.mode``, or
    ``data.action`` on ``data.number``; the rest is reset on entry."""
    keep(conv, NAME, data)


def customer_of(conv: Conversation) -> int:
    assert conv.customer_id is not None
    return conv.customer_id
