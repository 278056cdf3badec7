"""A question about an order typed at the menu (or in 我的, at the orders list, on an order's
screen) goes where the existing flows answer it — never into a new booking — and the order
is picked when none is named: the one it fits, else the list."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import timedelta

import pytest

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import after_sales, booking, global_words, me, menu, my_orders
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.replies import Ask, Say
from conversations.results.orders import CustomerAction, OrdersListed
from conversations.state import Conversation
from domain.lifecycle import OrderStatus
from domain.queries import LoadOrder, LoadOrders, QuoteCancellation
from tests.unit.test_my_orders_flow import CTX, NOW, ROW, shown

BASE = {"channel": "web", "user_id": "1", "at": NOW}
PAID = replace(ROW, number=200964, status=OrderStatus.PAID)
ACCEPTED = replace(ROW, number=200965, status=OrderStatus.ACCEPTED)
SETTLED = replace(
    ROW, number=200900, status=OrderStatus.SETTLED, finished_at=NOW - timedelta(days=30)
)
FINISHED = replace(ROW, number=200901, status=OrderStatus.FINISHED, finished_at=NOW)


def text(typed: str) -> TextReceived:
    return TextReceived(**BASE, text=typed)


def at_menu(lang: str = "zh") -> Conversation:
    return Conversation(flow="menu", step="menu", customer_id=5, lang=lang)


def entered(conv: Conversation, out, ctx: Ctx = CTX):
    """Where the engine's ``goto`` lands: the flow's ``enter``."""
    assert out.goto is not None, out
    flow = CUSTOMER_FLOWS[out.goto]
    conv.flow, conv.step = out.goto, str(flow.FIRST)
    return flow.enter(ctx, conv)


def listed(conv: Conversation, *rows, ctx: Ctx = CTX):
    """The orders read for the question: what the flow does with them."""
    out = my_orders.on_orders(ctx, conv, OrdersListed(rows))
    if out.step is not None:
        conv.step = out.step
    return out


@pytest.mark.parametrize(
    ("typed", "lang"),
    [
        ("where is my order", "en"),
        ("when will the cleaner come?", "en"),
        ("where is my cleaner?", "en"),
        ("status", "en"),
        ("has anyone accepted my order", "en"),
        ("订单到哪了", "zh"),
        ("师傅什么时候到", "zh"),
    ],
)
def test_where_is_my_order_reads_the_orders_and_starts_no_booking(typed, lang):
    conv = at_menu(lang)
    out = menu.on_text(CTX, conv, text(typed))
    assert out.goto == "orders" and "booking" not in conv.data
    assert entered(conv, out).commands == [LoadOrders(5)]


def test_a_request_to_book_still_books_and_reads_nothing():
    for typed in ("I need a cleaner tomorrow 3pm", "明天下午三点 日常保洁 3小时", "深度保洁 90平"):
        conv = at_menu()
        out = menu.on_text(CTX, conv, text(typed))
        assert out.goto == "booking" and not out.commands, typed


def test_with_one_order_under_way_its_detail_comes_at_once():
    conv = at_menu("en")
    entered(conv, menu.on_text(CTX, conv, text("where is my cleaner?")))
    out = listed(conv, PAID, SETTLED)
    assert out.commands == [LoadOrder(5, 200964)]
    detail = my_orders.on_order(CTX, conv, replace(shown(), order=PAID))
    assert detail.step == "detail" and "#200964" in detail.replies[0].text


def test_with_two_orders_under_way_the_list_comes():
    conv = at_menu()
    entered(conv, menu.on_text(CTX, conv, text("订单到哪了")))
    out = listed(conv, PAID, ACCEPTED)
    assert not out.commands and out.step == "list"
    ask = out.replies[-1]
    assert isinstance(ask, Ask) and "您最近的订单" in ask.text
    assert {o.key for o in ask.options} >= {"o:200964", "o:200965"}


def test_with_no_order_my_orders_says_so():
    conv = at_menu("en")
    entered(conv, menu.on_text(CTX, conv, text("where is my order")))
    out = listed(conv)
    assert [r.text for r in out.replies] == ["You have no orders yet."]


def test_with_only_past_orders_none_is_under_way_and_they_are_listed():
    conv = at_menu()
    entered(conv, menu.on_text(CTX, conv, text("status")))
    out = listed(conv, SETTLED)
    assert out.replies[0].text == "您现在没有进行中的订单。"
    assert isinstance(out.replies[1], Ask) and "#200900" in out.replies[1].options[0].label


@pytest.mark.parametrize(
    "typed", ["cancel my order", "取消订单", "不要了,取消订单", "我要取消预约"]
)
def test_cancel_with_one_cancellable_order_asks_its_terms_first(typed):
    conv = at_menu()
    entered(conv, menu.on_text(CTX, conv, text(typed)))
    out = listed(conv, PAID, SETTLED)
    assert out.step == "cancel_confirm" and out.reask and not out.commands  # nothing cancelled
    assert my_orders.ask(CTX, conv).commands == [QuoteCancellation(5, 200964)]


def test_cancel_with_two_cancellable_orders_picks_from_them():
    conv = at_menu("en")
    entered(conv, menu.on_text(CTX, conv, text("cancel my order")))
    out = listed(conv, PAID, ACCEPTED, SETTLED)
    ask = out.replies[-1]
    assert isinstance(ask, Ask) and ask.text == "Which order would you like to cancel?"
    assert [o.key for o in ask.options] == ["o:200964", "o:200965", "menu"]
    picked = my_orders.on_list_choice(CTX, conv, ChoiceMade(**BASE, key="o:200965"))
    assert picked.commands == [LoadOrder(5, 200965)]
    actions = (CustomerAction.CANCEL, CustomerAction.REORDER)
    out = my_orders.on_order(CTX, conv, replace(shown(), order=ACCEPTED, actions=actions))
    assert out.step == "cancel_confirm" and out.reask


def test_cancel_with_a_number_asks_that_orders_terms():
    conv = at_menu("en")
    out = entered(conv, menu.on_text(CTX, conv, text("Cancel order 200964")))
    assert out.commands == [LoadOrder(5, 200964)]  # read first: whether it may be cancelled
    actions = (CustomerAction.CANCEL, CustomerAction.REORDER)
    out = my_orders.on_order(CTX, conv, replace(shown(), order=PAID, actions=actions))
    assert out.step == "cancel_confirm" and out.reask


@pytest.mark.parametrize(
    ("typed", "step", "read", "mode"),
    [
        ("where is order 200964", "list", True, ""),  # its detail, as the list gives it
        ("cancel order 200964", None, True, "cancel"),  # read: its terms, or why not
        ("reschedule order 200964", None, True, "move"),  # read: whether it may move now
        ("refund order #200964", None, True, "refund"),  # read: cancelled, or complained
    ],
)
def test_a_question_naming_its_order_goes_to_that_order_in_the_questions_way(
    typed, step, read, mode
):
    conv = at_menu("en")
    out = entered(conv, menu.on_text(CTX, conv, text(typed)))
    assert out.step == step
    assert out.commands == ([LoadOrder(5, 200964)] if read else [])
    kept = conv.data["orders"]
    assert (kept["number"], kept["mode"], kept["booking"]) == (200964, mode, False)


@pytest.mark.parametrize("typed", ["200964", "#200964"])
def test_an_orders_number_sent_alone_at_the_menu_or_the_list_shows_that_order(typed):
    conv = at_menu()
    out = entered(conv, menu.on_text(CTX, conv, text(typed)))
    assert out.step == "list" and out.commands == [LoadOrder(5, 200964)]
    conv.step = "list"
    assert my_orders.on_list_text(CTX, conv, text(typed)).commands == [LoadOrder(5, 200964)]
    hint = my_orders.on_list_text(CTX, conv, text("13812345678"))
    assert hint.reask and not hint.commands and "订单号" in hint.replies[0].text


def test_a_complaint_naming_its_order_starts_its_complaint():
    conv = at_menu("en")
    out = menu.on_text(CTX, conv, text("I want to complain about order 200964"))
    assert out.goto == "feedback"
    assert conv.data["feedback"] == asdict(after_sales.FeedbackData("complain", 200964))


def test_an_order_that_cannot_be_cancelled_says_why_with_its_detail():
    conv = at_menu("en")
    entered(conv, menu.on_text(CTX, conv, text("cancel my order")))
    listed(conv, PAID, ACCEPTED)
    actions = (CustomerAction.REORDER,)
    out = my_orders.on_order(CTX, conv, replace(shown(), order=SETTLED, actions=actions))
    assert out.step == "detail" and isinstance(out.replies[0], Say)
    assert "#200900" in out.replies[0].text


@pytest.mark.parametrize("typed", ["refund", "退款", "I want to complain", "我要投诉", "投诉"])
def test_complaint_or_refund_of_a_served_order_starts_its_complaint(typed):
    conv = at_menu()
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text(typed)) or menu.on_text(
        CTX, conv, text(typed)
    )
    entered(conv, out)
    out = listed(
        conv, FINISHED, SETTLED, PAID if "投诉" in typed or "complain" in typed else SETTLED
    )
    assert out.goto == "feedback"
    assert conv.data["feedback"] == asdict(after_sales.FeedbackData("complain", 200901))


def test_a_refund_of_an_order_not_served_yet_is_its_cancellation_with_its_terms():
    conv = at_menu()
    entered(conv, menu.on_text(CTX, conv, text("我要退款")))
    out = listed(conv, PAID, SETTLED)
    assert out.step == "cancel_confirm" and out.reask


def test_a_complaint_with_no_order_in_its_window_says_when_one_can_be_made():
    conv = at_menu("en")
    entered(conv, menu.on_text(CTX, conv, text("I want to complain")))
    out = listed(conv, PAID, SETTLED)
    hours = CTX.rules.after_sales.complaint_window_hours
    assert f"within {hours} hours" in out.replies[0].text and out.step == "list"


def test_reschedule_with_one_movable_order_asks_its_new_time():
    conv = at_menu()
    entered(conv, menu.on_text(CTX, conv, text("改时间")))
    out = listed(conv, PAID, SETTLED)
    assert out.commands == [LoadOrder(5, 200964)]
    actions = (CustomerAction.RESCHEDULE, CustomerAction.CANCEL)
    asked = my_orders.on_order(CTX, conv, replace(shown(), order=PAID, actions=actions))
    assert asked.step == "reschedule_when" and "改到什么时间" in asked.replies[0].text


@pytest.mark.parametrize("typed", ["human", "real person please", "转人工", "找客服"])
def test_a_person_asked_for_is_support(typed):
    assert menu.on_text(CTX, at_menu(), text(typed)).goto == "support"


def test_in_me_a_question_about_an_order_is_no_request():
    conv = Conversation(flow="me", step="shown", customer_id=5, lang="en")
    out = me.on_text(CTX, conv, text("when will the cleaner come?"))
    assert out.goto == "orders" and "booking" not in conv.data


def test_at_the_orders_list_a_question_is_answered_not_refused():
    conv = Conversation(flow="orders", step="list", customer_id=5, data={"orders": {}})
    out = my_orders.on_list_text(CTX, conv, text("取消订单"))
    assert out.goto == "orders"
    assert entered(conv, out).commands == [LoadOrders(5)]


def test_on_an_orders_detail_a_question_without_a_number_is_about_that_order():
    conv = Conversation(
        flow="orders", step="detail", customer_id=5, data={"orders": {"number": 200964}}
    )
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text("cancel it please"))
    assert out is not None
    assert entered(conv, out).commands == [LoadOrder(5, 200964)]
    actions = (CustomerAction.CANCEL, CustomerAction.REORDER)
    out = my_orders.on_order(CTX, conv, replace(shown(), order=PAID, actions=actions))
    assert out.step == "cancel_confirm" and out.reask


@pytest.mark.parametrize(
    ("flow", "step"),
    [("booking", "address"), ("booking", "notes"), ("support", "write"), ("support", "chat")],
)
def test_a_step_that_reads_words_keeps_them(flow, step):
    """An address, a note, a message to support are answers, whatever they say."""
    conv = Conversation(flow=flow, step=step, customer_id=5)
    assert global_words.route(CUSTOMER_FLOWS, CTX, conv, text("where is my cleaner?")) is None


def booking_at(step: str, lang: str = "zh", **draft) -> Conversation:
    """A customer at the booking's ``step``, its draft as far as it got."""
    conv = Conversation(flow="booking", step=step, customer_id=5, lang=lang)
    booking.keep(conv, Draft(**draft))
    return conv


@pytest.mark.parametrize(
    ("step", "typed", "lang"),
    [
        ("category", "where is my cleaner?", "en"),
        ("category", "师傅什么时候到", "zh"),
        ("item", "when will the cleaner come?", "en"),
        ("item", "取消订单", "zh"),
    ],
)
def test_at_the_bookings_buttons_a_question_about_an_order_leaves_the_booking(step, typed, lang):
    """A question ("where is my cleaner?") names a service, and chooses none: the orders are
    read (only now: nothing is read for an answer) for the order it is about."""
    conv = booking_at(step, lang, category="cleaning" if step == "item" else "")
    out = booking.TRANSITIONS[booking.Step(step), TextReceived](CTX, conv, text(typed))
    assert out.goto == "orders" and not out.commands
    assert entered(conv, out).commands == [LoadOrders(5)]
    assert booking.draft(conv).category == ("cleaning" if step == "item" else "")


def test_at_the_bookings_buttons_an_order_under_way_gets_its_detail():
    conv = booking_at("category", "en")
    entered(conv, booking.on_words(CTX, conv, text("where is my cleaner?")))
    assert listed(conv, PAID, SETTLED).commands == [LoadOrder(5, 200964)]


@pytest.mark.parametrize(
    ("rows", "said"),
    [((), "您还没有订单。"), ((SETTLED,), "您现在没有进行中的订单。")],
)
def test_a_question_at_the_booking_that_no_order_fits_goes_on_with_the_booking(rows, said):
    """A newcomer's "师傅什么时候到" is about the booking being made: they are told they have
    no such order, and asked the booking's question again, with what it has kept."""
    day = (NOW + timedelta(days=1)).date()
    conv = booking_at("item", category="cleaning", day=day)
    entered(conv, booking.on_words(CTX, conv, text("师傅什么时候到")))
    out = listed(conv, *rows)
    assert [r.text for r in out.replies] == [said] and out.goto == "booking"
    again = entered(conv, out)
    assert again.step == "item" and again.reask
    d = booking.draft(conv)
    assert (d.category, d.day) == ("cleaning", day)


@pytest.mark.parametrize("typed", ["保洁", "家里空调要洗一下", "I need a cleaner tomorrow"])
def test_an_answer_at_the_bookings_buttons_reads_no_orders(typed):
    conv = booking_at("category")
    out = booking.on_words(CTX, conv, text(typed))
    assert out.goto is None and not out.commands and booking.draft(conv).category


@pytest.mark.parametrize("typed", ["进度", "stage"])
def test_progress_from_a_customer_is_where_their_order_is(typed):
    """The worker command word "进度", typed alone by someone who is no worker, asks where
    their order is, not "you are not a worker yet"."""
    conv = at_menu()
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text(typed))
    assert out is not None and out.goto == "orders" and not out.replies
    assert entered(conv, out).commands == [LoadOrders(5)]


def test_progress_with_a_number_from_a_customer_shows_that_order():
    conv = at_menu()
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text("进度 #200964"))
    assert out is not None and entered(conv, out).commands == [LoadOrder(5, 200964)]


def test_progress_from_a_worker_is_still_the_stage_of_their_job():
    conv = Conversation(flow="worker", step="menu", worker_id=3, role="worker")
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text("进度 #200964"))
    assert out is not None and out.goto == "worker"


def on_detail(step: str = "detail", lang: str = "zh") -> Conversation:
    data = {"orders": {"number": 200964}}
    return Conversation(flow="orders", step=step, customer_id=5, lang=lang, data=data)


@pytest.mark.parametrize(
    ("typed", "lang", "item"),
    [
        ("明天下午三点 日常保洁 3小时", "zh", "daily_cleaning"),
        ("deep cleaning tomorrow 3pm", "en", "deep_cleaning"),
    ],
)
def test_on_an_orders_detail_a_request_starts_the_booking_as_at_the_menu(typed, lang, item):
    conv = on_detail(lang=lang)
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text(typed))
    assert out is not None and out.goto == "booking" and not out.commands
    entered(conv, out)
    d = booking.draft(conv)
    assert d.item == item and d.start is not None and d.start.hour == 15


def test_on_an_orders_detail_words_that_ask_nothing_are_left_to_its_hint():
    assert global_words.route(CUSTOMER_FLOWS, CTX, on_detail(), text("你好")) is None


def test_on_a_confirmation_a_time_is_no_new_booking():
    conv = on_detail("reschedule_confirm")
    assert global_words.route(CUSTOMER_FLOWS, CTX, conv, text("明天下午四点 日常保洁")) is None
