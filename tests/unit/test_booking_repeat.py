"""A booking asked to repeat in words: the draft keeps it, the quote says it, the order placed
is repeated by the same command as "每周重复" on an order — and a repeat recurring bookings do
not offer, or a service that cannot repeat, is said and booked once."""

from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows import booking, checkout, menu
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.replies import Ask
from conversations.results.booking import (
    OrderPaid,
    OrderPlaced,
    PaymentDue,
    QuoteLineView,
    QuoteReady,
)
from conversations.results.recurring import Subscribed, SubscriptionPlan
from conversations.state import Conversation
from domain.commands import Subscribe
from domain.queries import PreviewQuote
from domain.text import N_, Bilingual
from store.catalog_file import load_catalog
from tests.unit.test_booking_horizon import three_days_ahead

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
SATURDAY_9 = datetime.fromisoformat("2026-11-28T09:00:00+08:00")
WEEKLY = Draft(
    category="cleaning",
    item="daily_cleaning",
    options=[],
    quantity=3,
    area_sqm=60,
    day=SATURDAY_9.date(),
    start=SATURDAY_9,
    address_text="漕溪北路88号 1201",
    weekly=True,
)
QUOTE = QuoteReady(
    lines=(QuoteLineView(Bilingual("日常保洁 3 小时", "Daily cleaning 3 h"), 12000),),
    total_cents=12000,
    deposit_cents=0,
    coupon_code=None,
    coupons=(),
    points_available=0,
    use_points=False,
    summary=Bilingual("11月28日 09:00,预计 3 小时", "Sat 28 Nov 09:00, about 3 h"),
)
DUE = PaymentDue(240117, 12000, NOW, "SBX1", "sandbox", "", (), "到家 #240117 日常保洁")
PLAN = SubscriptionPlan(
    240117,
    Bilingual("日常保洁", "Daily cleaning"),
    5,
    time(9),
    datetime.fromisoformat("2026-12-05T09:00:00+08:00"),
    datetime.fromisoformat("2026-11-28T09:00:00+08:00"),
    7,
    12000,
)


def text(value: str) -> TextReceived:
    return TextReceived(**BASE, text=value)


def texts(replies) -> str:
    return "\n".join(getattr(r, "text", "") for r in replies)


def one_off_said(said: str) -> bool:
    """Whether the customer was told the booking is a one-off (the service's card, which a
    service named in words shows, is said either way)."""
    return "按单次预约" in said or "booked as a one-off" in said


def typed_at_menu(words: str, lang: str = "zh") -> tuple[Draft, str]:
    """``words`` typed at the menu, followed into the booking: the draft, and what was said."""
    conv = Conversation(flow="menu", step="menu", customer_id=1, lang=lang)
    out = menu.on_text(CTX, conv, text(words))
    assert out.goto == "booking"
    conv.flow, conv.step = "booking", "category"
    booking.enter(CTX, conv)
    return booking.draft(conv), texts(out.replies)


@pytest.mark.parametrize(
    ("words", "lang"),
    [
        ("每周六上午9点 日常保洁3小时 漕溪北路88号 1201", "zh"),
        ("每个周六上午9点 日常保洁3小时", "zh"),
        ("daily cleaning every Saturday 9am, 3 hours", "en"),
        ("weekly daily cleaning Saturday 9am 3 hours", "en"),
    ],
)
def test_a_weekly_request_keeps_the_repeat_with_its_service_day_and_time(words, lang):
    d, said = typed_at_menu(words, lang)
    assert d.weekly and not one_off_said(said)
    assert (d.item, d.quantity, d.start) == ("daily_cleaning", 3, SATURDAY_9)


def test_a_saturday_alone_is_booked_once():
    d, said = typed_at_menu("周六上午9点 日常保洁3小时")
    assert not d.weekly and d.start == SATURDAY_9 and not one_off_said(said)


@pytest.mark.parametrize(
    ("words", "lang", "told"),
    [
        ("隔周六上午9点 日常保洁3小时", "zh", "不支持隔周"),
        ("每两周六上午9点 日常保洁3小时", "zh", "不支持隔周"),
        ("每天上午9点 日常保洁3小时", "zh", "不支持每天"),
        ("每周二、四上午9点 日常保洁", "zh", "不支持一周几次"),
        ("daily cleaning every other Saturday 9am", "en", "every other week isn't offered"),
        ("daily cleaning every two weeks, Saturday 9am", "en", "every other week isn't offered"),
        ("daily cleaning every day 9am", "en", "every day isn't offered"),
    ],
)
def test_a_repeat_not_offered_is_said_and_the_booking_is_a_one_off(words, lang, told):
    d, said = typed_at_menu(words, lang)
    assert not d.weekly and d.item == "daily_cleaning"
    assert told in said
    assert ("按单次预约" if lang == "zh" else "booked as a one-off") in said


def test_a_repeat_typed_at_the_when_question_is_kept_with_the_day_and_time():
    d = replace(WEEKLY, day=None, start=None, weekly=False)
    conv = Conversation(flow="booking", step="when", customer_id=1)
    booking.keep(conv, d)
    out = booking.TRANSITIONS[(booking.Step.WHEN, TextReceived)](CTX, conv, text("每周六上午9点"))
    assert out.goto == "checkout"
    kept = booking.draft(conv)
    assert kept.weekly and kept.start == SATURDAY_9
    booking.keep(conv, replace(kept, start=None, day=None))
    out = booking.TRANSITIONS[(booking.Step.WHEN, TextReceived)](CTX, conv, text("隔周六上午9点"))
    assert "不支持隔周" in texts(out.replies) and not booking.draft(conv).weekly


def test_a_draft_saved_before_the_repeat_was_kept_loads_as_a_one_off():
    stored = WEEKLY.to_json()
    del stored["weekly"]
    old = Draft.from_json(stored)
    assert not old.weekly and old.start == SATURDAY_9
    assert Draft.from_json(WEEKLY.to_json()) == WEEKLY


def at_quote(d: Draft = WEEKLY, lang: str = "zh") -> Conversation:
    conv = Conversation(flow="checkout", step="quote", customer_id=7, lang=lang)
    booking.keep(conv, d)
    checkout.keep(conv, checkout.State())
    return conv


@pytest.mark.parametrize(
    ("lang", "line"),
    [("zh", "每周六 09:00 重复"), ("en", "Repeats every Saturday at 09:00")],
)
def test_the_quote_says_the_order_repeats_and_offers_to_book_it_once(lang, line):
    conv = at_quote(lang=lang)
    out = checkout.on_quote(CTX, conv, QUOTE)
    ask = out.replies[0]
    assert isinstance(ask, Ask) and line in ask.text
    assert ("可随时停止" if lang == "zh" else "Stop any time") in ask.text
    assert "once" in [o.key for o in ask.options]
    once = checkout.on_quote_choice(CTX, conv, ChoiceMade(**BASE, key="once"))
    assert once.step == "quote" and once.reask and not booking.draft(conv).weekly
    again = checkout.on_quote(CTX, conv, QUOTE).replies[0]
    assert isinstance(again, Ask) and line not in again.text
    assert "once" not in [o.key for o in again.options]


def test_the_quote_of_a_service_bookable_fewer_days_ahead_says_its_orders_come_then():
    assert (
        "之后每次上门前 7 天生成订单" in checkout.on_quote(CTX, at_quote(), QUOTE).replies[0].text
    )
    ctx = three_days_ahead(NOW)  # daily cleaning bookable only 3 days ahead
    ask = checkout.on_quote(ctx, at_quote(), QUOTE).replies[0]
    assert isinstance(ask, Ask) and "之后每次上门前 3 天生成订单" in ask.text, ask.text


def test_a_one_off_quote_says_nothing_of_a_repeat():
    ask = checkout.on_quote(CTX, at_quote(replace(WEEKLY, weekly=False)), QUOTE).replies[0]
    assert isinstance(ask, Ask) and "重复" not in ask.text


def test_a_long_placement_asked_weekly_is_quoted_once_and_never_repeated():
    placement = replace(WEEKLY, category="nanny", item="live_in_nanny", quantity=26)
    conv = at_quote(placement)
    ask = checkout.on_quote(CTX, conv, QUOTE).replies[0]
    assert isinstance(ask, Ask) and "长期合同不能每周重复,这次按单次预约" in ask.text
    out = checkout.on_placed(CTX, conv, OrderPlaced(DUE))
    assert out.step == "pay" and not out.commands


def test_an_order_placed_from_a_weekly_booking_is_repeated_on_its_weekday_and_time():
    conv = at_quote()
    out = checkout.on_placed(CTX, conv, OrderPlaced(DUE))
    assert "订单 #240117 已提交" in texts(out.replies)
    assert out.step == "repeat" and list(out.commands) == [Subscribe(7, 240117, 5, "09:00")]
    conv.step = "repeat"
    done = checkout.TRANSITIONS[(checkout.Step.REPEAT, Subscribed)](CTX, conv, Subscribed(PLAN))
    said = texts(done.replies)
    assert (
        "已设为每周重复:每周六 09:00 日常保洁" in said and "下一次上门 12月5日 周六 09:00" in said
    )
    assert done.step == "pay" and done.reask  # then paid as any order


def test_a_one_off_order_placed_goes_straight_to_its_payment():
    out = checkout.on_placed(CTX, at_quote(replace(WEEKLY, weekly=False)), OrderPlaced(DUE))
    assert out.step == "pay" and out.reask and not out.commands


def test_a_repeat_the_rules_refuse_is_said_and_the_order_stays_a_one_off():
    conv = at_quote(lang="en")
    checkout.on_placed(CTX, conv, OrderPlaced(DUE))
    conv.step = "repeat"
    refused = Failed(N_("这个定期预约已经设置过了"))
    out = checkout.TRANSITIONS[(checkout.Step.REPEAT, Failed)](CTX, conv, refused)
    assert texts(out.replies) == (
        "This order couldn't be set to repeat weekly: You already have this recurring booking."
        " It stays a one-off."
    )
    assert out.step == "pay" and out.reask


def test_an_order_with_nothing_to_pay_is_repeated_then_the_booking_is_over():
    conv = at_quote()
    paid = OrderPaid(240117, 0, no_worker=False, held=False, balance=False, new=True)
    out = checkout.TRANSITIONS[(checkout.Step.QUOTE, OrderPaid)](CTX, conv, paid)
    assert out.step == "repeat" and list(out.commands) == [Subscribe(7, 240117, 5, "09:00")]
    conv.step = "repeat"
    done = checkout.TRANSITIONS[(checkout.Step.REPEAT, Subscribed)](CTX, conv, Subscribed(PLAN))
    assert done.goto == "menu" and "booking" not in conv.data and "checkout" not in conv.data


def test_the_quote_of_a_weekly_booking_asks_whether_the_repeat_is_set_up_already():
    [preview] = checkout.ask(CTX, at_quote()).commands
    assert isinstance(preview, PreviewQuote) and preview.weekly
    [once] = checkout.ask(CTX, at_quote(replace(WEEKLY, weekly=False))).commands
    placement = replace(WEEKLY, category="nanny", item="live_in_nanny", quantity=26)
    [contract] = checkout.ask(CTX, at_quote(placement)).commands
    assert not once.weekly and not contract.weekly  # nothing to repeat: nothing to look for


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "您已设置过每周六 09:00 的这项定期预约,不会重复设置;这一单按单次预约。"),
        ("en", "You already have this as a recurring booking every Saturday at 09:00"),
    ],
)
def test_a_repeat_set_up_already_is_said_at_the_quote_and_the_order_placed_once(lang, line):
    conv = at_quote(lang=lang)
    ask = checkout.on_quote(CTX, conv, replace(QUOTE, repeating=True)).replies[0]
    assert isinstance(ask, Ask) and line in ask.text
    assert "重复:下单后" not in ask.text and "Repeats every" not in ask.text
    assert "once" not in [o.key for o in ask.options]  # booked once as it is
    out = checkout.on_placed(CTX, conv, OrderPlaced(DUE))
    assert out.step == "pay" and out.reask and not out.commands  # no Subscribe to refuse
    paid = OrderPaid(240117, 0, no_worker=False, held=False, balance=False, new=True)
    done = checkout.TRANSITIONS[(checkout.Step.QUOTE, OrderPaid)](CTX, conv, paid)
    assert done.goto == "menu" and not done.commands


def test_a_quote_that_no_longer_finds_the_repeat_set_up_repeats_the_order_again():
    conv = at_quote()
    checkout.on_quote(CTX, conv, replace(QUOTE, repeating=True))
    checkout.on_quote(CTX, conv, QUOTE)  # quoted again (stopped meanwhile, another time…)
    out = checkout.on_placed(CTX, conv, OrderPlaced(DUE))
    assert list(out.commands) == [Subscribe(7, 240117, 5, "09:00")]
