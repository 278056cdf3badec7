"""The menu's words no step takes for anything else are understood on every screen ("我的订单"
typed in 我的, "recurring" on an order's detail), and an order's number sent at the menu —
as the menu says — opens that order."""

from __future__ import annotations

import pytest

from conversations.events import TextReceived
from conversations.flows import global_words, menu, my_orders
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.state import Conversation
from domain.queries import LoadOrder
from tests.unit.test_flows import CTX, NOW

BASE = {"channel": "telegram", "user_id": "1", "at": NOW}


@pytest.mark.parametrize(
    ("flow", "step", "typed", "goto"),
    [
        ("me", "shown", "我的订单", "orders"),
        ("me", "shown", "My orders", "orders"),
        ("me", "shown", "联系客服", "support"),
        ("me", "shown", "customer service", "support"),
        ("orders", "detail", "recurring", "recurring"),
        ("orders", "detail", "Recurring", "recurring"),
    ],
)
def test_the_menu_s_own_words_are_understood_on_every_screen(flow, step, typed, goto):
    c = Conversation(flow=flow, step=step, customer_id=5)
    out = global_words.route(CUSTOMER_FLOWS, CTX, c, TextReceived(**BASE, text=typed))
    assert out is not None and out.goto == goto


@pytest.mark.parametrize("typed", ["470734", "#470734", " # 470734 "])
def test_an_order_number_sent_at_the_menu_opens_that_order(typed):
    c = Conversation(flow="menu", step="menu", customer_id=5)
    out = menu.on_text(CTX, c, TextReceived(**BASE, text=typed))
    assert out.goto == "orders"
    c.flow = "orders"
    entered = my_orders.enter(CTX, c)
    assert entered.commands == [LoadOrder(5, 470734)] and entered.step == "list"


def test_a_number_that_is_no_order_number_is_not_taken_for_one():
    c = Conversation(flow="menu", step="menu", customer_id=5)
    out = menu.on_text(CTX, c, TextReceived(**BASE, text="12"))
    assert out.goto != "orders"
