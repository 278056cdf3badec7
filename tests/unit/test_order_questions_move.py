"""A move that names its new time ("改到后天上午10点", "can you move my cleaning to Friday
10am?"), typed on an order's detail, at the menu, in 我的 or at the orders list, goes straight
to that move's terms for the order on screen — else the one order that can move, else the one
picked from the list, the time kept — never to a new booking, and nothing moves before the
yes. A time typed at the booking's own questions is the booking's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from conversations.events import ChoiceMade
from conversations.flows import booking, global_words, me, menu, my_orders
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.results.orders import CustomerAction, RescheduleQuoted
from conversations.state import Conversation
from domain.commands import RescheduleOrder
from domain.lifecycle import OrderStatus
from domain.queries import LoadOrder, LoadOrders, QuoteReschedule
from domain.text import Bilingual
from tests.unit.test_my_orders_flow import CTX, shown
from tests.unit.test_order_questions import (
    ACCEPTED,
    BASE,
    PAID,
    SETTLED,
    at_menu,
    booking_at,
    entered,
    listed,
    on_detail,
    text,
)

MOVABLE = (CustomerAction.RESCHEDULE, CustomerAction.CANCEL)
WED_10 = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 后天上午10点 in Shanghai (now: Mon 09:00)
SAID = [
    ("改到后天上午10点", "zh", WED_10),
    ("我想改到后天上午10点", "zh", WED_10),
    ("推迟到周五下午3点", "zh", datetime(2026, 11, 27, 7, 0, tzinfo=UTC)),
    ("提前到明天9点", "zh", datetime(2026, 11, 24, 1, 0, tzinfo=UTC)),
    ("改期 #200964 明天下午5点", "zh", datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
    ("can you move my cleaning to Friday 10am?", "en", datetime(2026, 11, 27, 2, 0, tzinfo=UTC)),
    ("reschedule to tomorrow 3pm", "en", datetime(2026, 11, 24, 7, 0, tzinfo=UTC)),
    ("push it back to next monday 9:30", "en", datetime(2026, 11, 30, 1, 30, tzinfo=UTC)),
]


def read(conv: Conversation, order=PAID, actions=MOVABLE):
    """The order the move is about, read: what the flow does with it."""
    out = my_orders.on_order(CTX, conv, replace(shown(), order=order, actions=actions))
    conv.step = out.step or conv.step
    return out


def quoted(conv: Conversation, number: int, start: datetime):
    """The move's terms (free) arrive: the question asked."""
    free = RescheduleQuoted(number, start, 0, Bilingual("免费", "free"))
    out = my_orders.TRANSITIONS[my_orders.Step(conv.step), RescheduleQuoted](CTX, conv, free)
    conv.step = out.step or conv.step
    return out


@pytest.mark.parametrize(("typed", "lang", "start"), SAID)
def test_on_an_orders_detail_a_move_with_its_time_is_quoted_for_that_order(typed, lang, start):
    conv = on_detail(lang=lang)
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text(typed))
    assert out is not None and out.goto == "orders" and "booking" not in conv.data
    assert entered(conv, out).commands == [LoadOrder(5, 200964)]
    out = read(conv)
    assert out.commands == [QuoteReschedule(5, 200964, start)] and not out.replies
    out = quoted(conv, 200964, start)
    assert conv.step == "reschedule_confirm"
    asks = "确认改约吗" if lang == "zh" else "Confirm?"
    assert "#200964" in out.replies[0].text and asks in out.replies[0].text
    yes = my_orders.on_reschedule_choice(CTX, conv, ChoiceMade(**BASE, key="yes"))
    assert yes.commands == [RescheduleOrder(5, 200964, start, 0)]  # moved only on the yes


@pytest.mark.parametrize(("typed", "lang", "start"), SAID)
def test_at_the_menu_the_one_order_that_can_move_is_quoted(typed, lang, start):
    conv = at_menu(lang)
    out = menu.on_text(CTX, conv, text(typed))
    assert out.goto == "orders" and "booking" not in conv.data
    number = 200964 if "#200964" in typed else None
    first = entered(conv, out).commands
    if number is None:
        assert first == [LoadOrders(5)]
        assert listed(conv, PAID, SETTLED).commands == [LoadOrder(5, 200964)]
    else:
        assert first == [LoadOrder(5, 200964)]
    assert read(conv).commands == [QuoteReschedule(5, 200964, start)]


def test_with_several_orders_that_can_move_the_one_picked_is_quoted_with_the_time_kept():
    conv = at_menu()
    entered(conv, menu.on_text(CTX, conv, text("我想改到后天上午10点")))
    out = listed(conv, PAID, ACCEPTED)
    assert out.replies[-1].text == "您要改约哪个订单?" and not out.commands
    picked = my_orders.on_list_choice(CTX, conv, ChoiceMade(**BASE, key="o:200965"))
    assert picked.commands == [LoadOrder(5, 200965)]
    out = read(conv, ACCEPTED)
    assert out.commands == [QuoteReschedule(5, 200965, WED_10)]


def test_in_me_and_at_the_orders_list_a_move_with_its_time_is_no_request():
    conv = Conversation(flow="me", step="shown", customer_id=5, lang="en")
    out = me.on_text(CTX, conv, text("reschedule to tomorrow 3pm"))
    assert out.goto == "orders" and "booking" not in conv.data
    conv = Conversation(flow="orders", step="list", customer_id=5, data={"orders": {}})
    out = my_orders.on_list_text(CTX, conv, text("改到后天上午10点"))
    assert out.goto == "orders" and entered(conv, out).commands == [LoadOrders(5)]
    assert listed(conv, PAID).commands == [LoadOrder(5, 200964)]
    assert read(conv).commands == [QuoteReschedule(5, 200964, WED_10)]


@pytest.mark.parametrize(
    ("typed", "start"),
    [
        ("推迟到周五", datetime(2026, 11, 27, 7, 0, tzinfo=UTC)),  # at its hour (15:00)
        ("改到下午4点", datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),  # on its day (Tuesday)
        ("change it to 11am", datetime(2026, 11, 24, 3, 0, tzinfo=UTC)),
    ],
)
def test_a_day_alone_keeps_the_orders_hour_and_an_hour_alone_its_day(typed, start):
    conv = on_detail()
    entered(conv, global_words.route(CUSTOMER_FLOWS, CTX, conv, text(typed)))
    assert read(conv).commands == [QuoteReschedule(5, 200964, start)]


@pytest.mark.parametrize("typed", ["改时间", "改期", "reschedule", "改到尽快"])
def test_a_move_without_a_time_asks_it_as_before(typed):
    conv = on_detail()
    entered(conv, global_words.route(CUSTOMER_FLOWS, CTX, conv, text(typed)))
    out = read(conv)
    assert out.step == "reschedule_when" and "改到什么时间" in out.replies[0].text
    assert not out.commands


def test_a_time_the_order_cannot_have_is_said_and_its_new_time_asked():
    conv = on_detail()
    entered(conv, global_words.route(CUSTOMER_FLOWS, CTX, conv, text("改到今天早上8点")))
    out = read(conv)  # an hour ago
    assert not out.commands and out.step == "reschedule_when" and out.reask
    assert out.replies and "改到什么时间" not in out.replies[0].text  # why, then the question


def test_an_order_that_cannot_move_says_so_with_its_detail_and_nothing_is_quoted():
    conv = on_detail()
    entered(conv, global_words.route(CUSTOMER_FLOWS, CTX, conv, text("改到后天上午10点")))
    out = read(conv, replace(PAID, status=OrderStatus.IN_SERVICE), (CustomerAction.COMPLAIN,))
    assert out.step == "detail" and not out.commands
    assert out.replies[0].text.startswith("订单 #200964 的师傅已出发,无法改约时间")  # why not
    assert (conv.data["orders"]["to_day"], conv.data["orders"]["to_at"]) == ("", "")


@pytest.mark.parametrize("step", ["category", "item"])
def test_at_the_bookings_questions_a_time_to_change_to_is_the_bookings_own(step):
    """ "改到明天下午3点" while booking moves the booking being made, not an order."""
    conv = booking_at(step, category="cleaning" if step == "item" else "")
    out = booking.on_words(CTX, conv, text("改到明天下午3点"))
    assert out.goto is None and not out.commands
    assert booking.draft(conv).start == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
