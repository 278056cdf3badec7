"""Requests typed in words: what a message names fills the booking, and only the rest is
asked; the one "when" step, hours on the extras' screen, the area taken as typical."""

from datetime import UTC, date, datetime

import pytest

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, checkout, menu
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.flows.booking_when import next_same_slot
from conversations.replies import Ask
from conversations.state import Conversation
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}


def text(value: str) -> TextReceived:
    return TextReceived(**BASE, text=value)


def at_menu(lang: str = "zh") -> Conversation:
    return Conversation(flow="menu", step="menu", customer_id=1, lang=lang)


def entered(conv: Conversation, out) -> tuple[Draft, str]:
    """Follow ``out`` into the booking as the engine would: the draft, and the step asked."""
    assert out.goto == "booking"
    conv.flow, conv.step = "booking", "category"
    step = booking.enter(CTX, conv)
    return booking.draft(conv), step.step or step.goto


def test_a_whole_request_fills_every_slot_it_names_and_goes_to_the_quote():
    conv = at_menu()
    out = menu.on_text(CTX, conv, text("明天下午三点 日常保洁 3小时 90平 漕溪北路88号 1201"))
    d, next_step = entered(conv, out)
    assert (d.item, d.quantity, d.area_sqm) == ("daily_cleaning", 3, 90)
    assert d.start == datetime.fromisoformat("2026-11-24T15:00:00+08:00")
    assert d.address_text == "漕溪北路88号 1201"
    assert next_step == "checkout"  # nothing left to ask


def test_a_request_asks_only_for_what_it_left_out():
    conv = at_menu()
    d, next_step = entered(conv, menu.on_text(CTX, conv, text("周六上午找个阿姨做3小时保洁")))
    assert (d.item, d.quantity, d.day) == ("daily_cleaning", 3, date(2026, 11, 28))
    assert next_step == "address"
    conv = at_menu("en")
    d, next_step = entered(conv, menu.on_text(CTX, conv, text("daily cleaning on saturday")))
    assert d.item == "daily_cleaning" and next_step == "options"  # hours, then the day's time


def test_a_day_without_a_time_asks_the_time_of_that_day():
    conv = at_menu()
    d, _ = entered(conv, menu.on_text(CTX, conv, text("后天 日常保洁 2小时 世纪大道100号5楼")))
    assert d.day == date(2026, 11, 25) and d.start is None
    assert booking.advance(CTX, conv, d).step == "time"


def test_a_name_with_near_misses_offers_its_category_instead_of_guessing():
    conv = at_menu()
    d, next_step = entered(conv, menu.on_text(CTX, conv, text("保洁")))
    assert (d.category, d.item) == ("cleaning", "") and next_step == "item"


def test_a_past_or_impossible_time_in_a_request_is_told_and_asked_again():
    conv = at_menu()
    out = menu.on_text(CTX, conv, text("2月30日 日常保洁"))
    assert "没有这一天" in out.replies[1].text  # after the item's card
    d, _ = entered(conv, out)
    assert d.item == "daily_cleaning" and d.day is None
    conv = at_menu()
    out = menu.on_text(CTX, conv, text("今天早上8点 日常保洁"))  # an hour ago
    assert (
        "已经过去" in out.replies[1].text
        and booking.Draft.from_json(conv.data[booking.SEED]).start is None
    )


def test_an_item_named_in_words_shows_its_card_as_a_tap_on_it_does():
    """Typed, "空调不制冷了,能上门修一下吗" went to a quote of ¥0.00 (the call-out less the
    first-order discount) and never said that parts and labour are quoted on site: the card
    a tap on the item shows was skipped."""
    conv = at_menu()
    out = menu.on_text(CTX, conv, text("空调不制冷了,能上门修一下吗"))
    assert "配件与工时另行报价" in out.replies[0].text, out.replies
    assert out.replies[0].text.startswith("家电维修(上门检测) · ¥50.00/次")
    conv = at_menu()
    out = menu.on_text(CTX, conv, text("保洁"))  # no item chosen yet: no card
    assert not any("验收标准" in getattr(r, "text", "") for r in out.replies)


def test_words_that_name_nothing_bookable_get_the_menu_again_with_a_hint():
    conv = at_menu()
    out = menu.on_text(CTX, conv, text("你好"))
    assert out.goto is None and out.reask and "没太明白" in out.replies[0].text
    assert menu.on_text(CTX, conv, text("12")).goto is None  # a bare number names nothing


def test_words_at_the_category_question_are_read_too():
    conv = Conversation(flow="booking", step="category", customer_id=1)
    booking.enter(CTX, conv)
    out = booking.on_words(CTX, conv, text("家里空调要洗一下"))
    assert booking.draft(conv).item == "ac_cleaning" and out.step == "options"  # with hours
    out = booking.on_words(CTX, conv, text("🙂"))
    assert out.reask and "没太明白" in out.replies[0].text


def test_hours_are_on_the_extras_screen_and_tapping_them_closes_it():
    conv = Conversation(flow="booking", step="item", customer_id=1)
    booking.keep(conv, Draft(category="cleaning"))
    out = booking.on_item(CTX, conv, ChoiceMade(**BASE, key="item:daily_cleaning"))
    assert out.step == "options"
    conv.step = "options"
    [question] = booking.ask(CTX, conv).replies
    assert isinstance(question, Ask) and not question.numbered  # "3" typed is 3 hours
    keys = [o.key for o in question.options]
    assert "opt:fridge" in keys and "qty:2" in keys and "done" not in keys
    booking.on_option(CTX, conv, ChoiceMade(**BASE, key="opt:fridge"))
    out = booking.on_option(CTX, conv, text("三个小时"))
    d = booking.draft(conv)
    assert (d.options, d.quantity, d.area_sqm) == (["fridge"], 3, 80) and out.step == "when"


def tap(conv: Conversation, key: str, handler=booking.on_item):
    """A button tapped at the booking's step: where it goes next (kept as the step)."""
    out = handler(CTX, conv, ChoiceMade(**BASE, key=key))
    conv.step = out.step or conv.step
    return out


AFTERNOON = datetime.fromisoformat("2026-11-24T14:00:00+08:00")


@pytest.mark.parametrize(
    ("said", "lang"),
    [
        ("明天下午要打扫房子,80平米左右", "zh"),
        ("I need someone to clean my flat tomorrow afternoon, about 80 square meters", "en"),
    ],
)
def test_an_area_said_before_the_item_is_the_quantity_of_one_sold_by_the_m2(said, lang):
    """The category is taken and its items offered, the day and time kept; deep cleaning
    (priced per m²) tapped then takes the 80 m² said — its extras are offered, and the area is
    not asked again."""
    conv = at_menu(lang)
    d, step = entered(conv, menu.on_text(CTX, conv, text(said)))
    assert (d.category, d.item, d.area_sqm, d.start) == ("cleaning", "", 80, AFTERNOON)
    conv.step = step
    assert tap(conv, "item:deep_cleaning").step == "options"
    assert booking.draft(conv).quantity == 80
    assert tap(conv, "done", booking.on_option).step == "address"  # no area question
    d = booking.draft(conv)
    assert (d.item, d.quantity, d.start) == ("deep_cleaning", 80, AFTERNOON)


def test_an_area_said_before_the_item_is_taken_when_the_item_is_named_in_words_too():
    conv = at_menu()
    _, conv.step = entered(conv, menu.on_text(CTX, conv, text("明天下午要打扫房子,80平米左右")))
    booking.on_words(CTX, conv, text("深度保洁"))
    d = booking.draft(conv)
    assert (d.item, d.quantity) == ("deep_cleaning", 80)


def test_an_area_said_outside_the_items_range_is_left_to_its_question_which_gives_it():
    conv = at_menu()
    _, conv.step = entered(conv, menu.on_text(CTX, conv, text("明天下午要打扫房子,30平米")))
    tap(conv, "item:deep_cleaning")
    assert booking.draft(conv).quantity is None  # deep cleaning starts at 40 m²
    assert tap(conv, "done", booking.on_option).step == "quantity"
    [question] = booking.ask(CTX, conv).replies
    assert "40" in question.text and "500" in question.text, question.text


def test_an_area_said_before_the_item_is_the_area_of_one_that_counts_it():
    """Regular cleaning (by the hour, 80 m² included) takes the 120 m² said, not its
    typical 80."""
    conv = at_menu()
    _, conv.step = entered(conv, menu.on_text(CTX, conv, text("明天下午要打扫房子,120平米")))
    tap(conv, "item:daily_cleaning")
    d = booking.draft(conv)
    assert (d.item, d.area_sqm, d.quantity) == ("daily_cleaning", 120, None)


def test_an_items_typical_area_is_said_by_nobody_and_never_becomes_another_items_quantity():
    conv = Conversation(flow="booking", step="item", customer_id=1)
    booking.keep(conv, Draft(category="cleaning"))
    tap(conv, "item:daily_cleaning")
    assert booking.draft(conv).area_sqm == 80  # its typical area, shown on the quote
    conv.step = "item"  # "back"
    tap(conv, "item:deep_cleaning")
    d = booking.draft(conv)
    assert (d.item, d.quantity, d.area_sqm) == ("deep_cleaning", None, None)


def test_the_when_question_offers_three_likely_slots_and_takes_one():
    conv = Conversation(flow="booking", step="when", customer_id=1)
    d = Draft(category="cleaning", item="daily_cleaning", options=[], quantity=2, area_sqm=80)
    booking.keep(conv, d)
    [question] = booking.ask(CTX, conv).replies
    slots = [o for o in question.options if o.key.startswith("slot:")]
    assert [o.label for o in slots] == ["今天 10:00", "今天 13:00", "今天 15:00"]
    assert "可约 30 天内" in question.text
    out = booking.on_when(CTX, conv, ChoiceMade(**BASE, key=slots[1].key))
    assert booking.draft(conv).start == datetime.fromisoformat("2026-11-23T13:00:00+08:00")
    assert out.step == "address"


def test_notes_and_a_new_area_are_given_on_the_quote():
    d = Draft(category="cleaning", item="daily_cleaning", options=[], quantity=2, area_sqm=80)
    d.start, d.address_text = datetime.fromisoformat("2026-11-24T15:00:00+08:00"), "世纪大道100号"
    conv = Conversation(flow="checkout", step="quote", customer_id=1)
    booking.keep(conv, d)
    checkout.keep(conv, checkout.State(total_cents=8000))
    out = checkout.on_quote_text(CTX, conv, text("家里有猫,请勿开窗"))
    assert booking.draft(conv).notes == "家里有猫,请勿开窗" and out.step == "quote"
    conv.step = "area"
    out = checkout.on_area(CTX, conv, text("一百二十平"))
    assert booking.draft(conv).area_sqm == 120 and out.step == "quote"


def test_a_phone_typed_at_a_first_quote_places_the_order_with_it():
    d = Draft(category="cleaning", item="daily_cleaning", options=[], quantity=2, area_sqm=80)
    d.start, d.address_text = datetime.fromisoformat("2026-11-24T15:00:00+08:00"), "世纪大道100号"
    conv = Conversation(flow="checkout", step="quote", customer_id=1)
    booking.keep(conv, d)
    checkout.keep(conv, checkout.State(total_cents=8000, phone_needed=True))
    out = checkout.on_quote_text(CTX, conv, text("138 0013 8000"))
    [place] = out.commands
    assert place.phone == "13800138000" and place.expected_total_cents == 8000


def test_same_as_last_time_is_the_next_free_start_on_that_weekday_and_hour():
    tuesday_3pm = datetime.fromisoformat("2026-11-17T15:00:00+08:00")
    assert next_same_slot(CTX, tuesday_3pm) == datetime.fromisoformat("2026-11-24T15:00:00+08:00")
    taken = frozenset({datetime.fromisoformat("2026-11-24T15:00:00+08:00")})
    assert next_same_slot(CTX, tuesday_3pm, taken).date() == date(2026, 12, 1)
    monday_9am = datetime.fromisoformat("2026-11-16T09:00:00+08:00")  # now is Monday 09:00
    assert next_same_slot(CTX, monday_9am).date() == date(2026, 11, 30)  # today's is past


def test_back_from_the_time_question_after_change_time_is_the_quote_as_it_was():
    start = datetime.fromisoformat("2026-11-24T15:00:00+08:00")
    d = Draft(category="cleaning", item="daily_cleaning", options=[], quantity=2, area_sqm=80)
    d.start, d.day, d.address_text = start, start.date(), "世纪大道100号"
    conv = Conversation(flow="checkout", step="quote", customer_id=1)
    booking.keep(conv, d)
    checkout.keep(conv, checkout.State(total_cents=8000))
    out = checkout.on_quote_choice(CTX, conv, ChoiceMade(**BASE, key="time"))
    conv.flow, conv.step = "booking", "category"
    assert booking.enter(CTX, conv).step == "when"
    conv.flow, conv.step = "checkout", "quote"  # "返回"
    out = checkout.ask(CTX, conv)
    assert out.goto is None and out.commands  # the quote again, at the time it had
    assert booking.draft(conv).start == start


def test_a_menu_buttons_name_typed_at_the_menu_opens_it_even_when_it_was_not_just_asked():
    # the menu reached without its question (a placement request answered by a notice):
    # no options were offered, yet "我的订单" / "My orders" typed there is still the button
    for lang, words in (("zh", "我的订单"), ("en", "my orders")):
        out = menu.on_text(CTX, at_menu(lang), text(words))
        assert out.goto == "orders", (lang, out)


@pytest.mark.parametrize(
    ("lang", "words", "goes"),
    [
        ("zh", "预约", "booking"),
        ("zh", "我要下单", "booking"),
        ("en", "book", "booking"),
        ("en", "Booking", "booking"),
        ("zh", "客服", "support"),
        ("en", "customer service", "support"),
        ("en", "recurring", "recurring"),
    ],
)
def test_the_words_people_type_for_a_menu_button_open_it(lang, words, goes):
    out = menu.on_text(CTX, at_menu(lang), text(words))
    assert out.goto == goes, (words, out)
