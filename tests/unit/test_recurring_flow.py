"""The recurring flow driven with the typed results of its commands, and its typed data: a
stored older shape starts the flow over instead of failing."""

from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from conversations.events import ChoiceMade
from conversations.flows import recurring
from conversations.flows.base import Ctx
from conversations.replies import Ask, Say
from conversations.results.recurring import (
    Subscribed,
    SubscriptionDrafted,
    SubscriptionPlan,
    SubscriptionRow,
    SubscriptionsListed,
    SubscriptionStopped,
)
from conversations.state import Conversation
from domain.commands import SkipVisit, StopSubscription, Subscribe
from domain.queries import LoadSubscriptions
from domain.text import Bilingual
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
CLEANING = Bilingual("日常保洁", "Daily cleaning")
ROW = SubscriptionRow(3, CLEANING, 5, time(9), datetime(2026, 11, 28, 1, 0, tzinfo=UTC))
PLAN = SubscriptionPlan(
    240117,
    CLEANING,
    5,
    time(9, 30),
    datetime(2026, 11, 28, 1, 30, tzinfo=UTC),
    datetime(2026, 11, 25, 1, 30, tzinfo=UTC),
    3,
    12_000,
)


def conv(step: str = "list", lang: str = "zh", **data) -> Conversation:
    return Conversation(
        flow="recurring", step=step, lang=lang, customer_id=5, data={"recurring": data}
    )


def test_the_list_shows_each_booking_with_its_next_visit_and_a_stop_button():
    c = conv()
    out = recurring.on_subscriptions(CTX, c, SubscriptionsListed((ROW,)))
    [ask] = out.replies
    assert isinstance(ask, Ask) and out.step == recurring.Step.LIST
    assert "· 每周六 09:00 日常保洁(下次 11月28日 周六 09:00)" in ask.text
    assert [(o.key, o.label) for o in ask.options][:2] == [
        ("skip:3", "跳过 11月28日 周六 这次"),
        ("stop:3", "停止 每周六 09:00"),
    ]
    out = recurring.on_list_choice(CTX, c, ChoiceMade(**BASE, key="stop:3"))
    assert out.step == recurring.Step.STOP
    c.step = recurring.Step.STOP
    assert "停止「每周六 09:00 日常保洁」" in recurring.ask(CTX, c).replies[0].text
    assert recurring.on_stop(CTX, c, ChoiceMade(**BASE, key="yes")).commands == [
        StopSubscription(5, 3)
    ]
    out = recurring.on_stopped(CTX, c, SubscriptionStopped(ROW))
    assert out.replies == [Say("已停止「每周六 09:00 日常保洁」。")]
    assert out.step == recurring.Step.LIST and c.data["recurring"]["stop"] is None


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "· 每周六 09:00 日常保洁(首单 #240117 付款后开始)"),
        ("en", "· every Saturday at 09:00: Daily cleaning (starts once order #240117 is paid)"),
    ],
)
def test_a_booking_waiting_for_its_first_orders_payment_says_so_instead_of_a_next_visit(
    lang, said
):
    waiting = replace(ROW, waits_for=240117)
    [ask] = recurring.on_subscriptions(
        CTX, conv(lang=lang), SubscriptionsListed((waiting,))
    ).replies
    assert isinstance(ask, Ask) and said in ask.text, ask.text
    assert "下次" not in ask.text and "next" not in ask.text


def test_skipping_asks_about_the_visit_shown_and_names_the_one_after_it():
    c = conv(lang="en")
    out = recurring.on_subscriptions(CTX, c, SubscriptionsListed((ROW,)))
    assert ("skip:3", "Skip Sat 28 Nov") in [(o.key, o.label) for o in out.replies[0].options]
    out = recurring.on_list_choice(CTX, c, ChoiceMade(**BASE, key="skip:3"))
    assert out.step == recurring.Step.SKIP
    c.step = recurring.Step.SKIP
    [question] = recurring.ask(CTX, c).replies
    assert "Sat 28 Nov 09:00" in question.text and "Sat 5 Dec 09:00" in question.text
    out = recurring.on_skip(CTX, c, ChoiceMade(**BASE, key="yes"))
    assert out.commands == [SkipVisit(5, 3, ROW.next_at)]
    out = recurring.on_skip(CTX, c, ChoiceMade(**BASE, key="no"))
    assert out.step == recurring.Step.LIST and c.data["recurring"]["skip"] is None


def test_the_draft_is_shown_and_confirmed_with_its_day_and_time():
    c = conv(step="confirm", lang="en", number=240117)
    out = recurring.on_draft(CTX, c, SubscriptionDrafted(PLAN))
    text = out.replies[0].text
    assert "Repeat order #240117 every Saturday at 09:30: Daily cleaning." in text
    assert "First visit: Sat 28 Nov 09:30. Each visit becomes an order 3 days ahead" in text
    assert "about ¥120.00 a visit today" in text
    out = recurring.on_confirm(CTX, c, ChoiceMade(**BASE, key="confirm"))
    assert out.commands == [Subscribe(5, 240117, 5, "09:30")]


def test_subscribing_says_when_the_first_order_is_made_and_leaves_the_flow():
    c = conv(step="confirm", number=240117, weekday=5, at_time="09:30")
    out = recurring.on_subscribed(CTX, c, Subscribed(PLAN))
    assert out.goto == "menu" and "recurring" not in c.data
    assert "第一次上门 11月28日 周六 09:30,订单将于 11月25日 周三 生成" in out.replies[0].text
    soon = replace(PLAN, made_at=None)
    assert "订单稍后生成" in recurring.on_subscribed(CTX, conv(), Subscribed(soon)).replies[0].text


def test_an_older_stored_shape_starts_the_flow_over_instead_of_failing():
    # before the typed data, the list was kept as {id: {"item_zh": …, …}}
    old = {"3": {"id": 3, "item_zh": "日常保洁", "weekday": 5, "at_time": "09:00"}}
    c = conv(subs=old)
    out = recurring.on_list_choice(CTX, c, ChoiceMade(**BASE, key="stop:3"))
    assert out.step == recurring.Step.LIST and out.reask and not out.commands
    assert c.data["recurring"]["subs"] == ()
    assert recurring.ask(CTX, c).commands == [LoadSubscriptions(5)]
    c = conv(step="stop", stop={"id": 3})  # the stop was the whole listed dict
    out = recurring.ask(CTX, c)
    assert out.step == recurring.Step.LIST and out.reask


def test_entering_forgets_an_earlier_visits_choices():
    c = conv(number=240117, weekday=2, at_time="18:00", stop=3, skip=3)
    recurring.enter(CTX, c)
    assert c.data["recurring"] == {
        "number": 240117,
        "weekday": None,
        "at_time": "",
        "subs": (),
        "stop": None,
        "skip": None,
    }
