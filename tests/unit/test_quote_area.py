"""The home's area on the quote: shown once. An item sold by the m² (deep cleaning) counts it
as its quantity — its price line says it, and "change size" changes that quantity (so the
price); an item with an included area (regular cleaning by the hour) shows it on its own line,
and "change size" changes it (the area beyond the included one is charged)."""

from datetime import UTC, datetime

import pytest

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, checkout, menu
from conversations.flows.base import Ctx
from conversations.replies import Ask
from conversations.results.booking import QuoteLineView, QuoteReady
from conversations.state import Conversation
from domain.pricing import QuoteRequest, quote
from domain.text import Bilingual
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
DEEP = {
    "zh": "深度保洁 80平 明天下午三点 漕溪北路88号 1201",
    "en": "deep cleaning 80 sqm tomorrow 3pm 88 Caoxi Rd flat 1201",
}
REGULAR = {
    "zh": "日常保洁 3小时 120平 明天下午三点 漕溪北路88号 1201",
    "en": "regular cleaning 3 hours 120 m2 tomorrow 3pm 88 Caoxi Rd flat 1201",
}
AREA_LINE = {"zh": "房屋面积", "en": "Home size"}


def at_quote(words: str, lang: str) -> Conversation:
    """A request typed at the menu that names everything: the conversation at its quote."""
    conv = Conversation(flow="menu", step="menu", customer_id=1, lang=lang)
    out = menu.on_text(CTX, conv, TextReceived(**BASE, text=words))
    assert out.goto == "booking"
    conv.flow, conv.step = "booking", "category"
    assert booking.enter(CTX, conv).goto == "checkout"  # nothing left to ask
    conv.flow, conv.step = "checkout", "quote"
    checkout.keep(conv, checkout.State())
    return conv


def quoted(conv: Conversation) -> Ask:
    """The quote of the booking as it stands, priced by the rules (as the service does)."""
    b = booking.booking(CTX, conv)
    x = quote(CATALOG, RULES, QuoteRequest(b.selections, b.start_at))
    ready = QuoteReady(
        lines=tuple(QuoteLineView(line.label, line.amount_cents) for line in x.lines),
        total_cents=x.total_cents,
        deposit_cents=x.deposit_cents,
        coupon_code=None,
        coupons=(),
        points_available=0,
        use_points=False,
        summary=Bilingual("明天 15:00", "tomorrow 15:00"),
    )
    [ask] = checkout.on_quote(CTX, conv, ready).replies
    assert isinstance(ask, Ask)
    return ask


def change_size(conv: Conversation, answer: str) -> Ask:
    """「改面积」 tapped on the quote, ``answer`` typed: the quote again."""
    out = checkout.on_quote_choice(CTX, conv, ChoiceMade(**BASE, key="area"))
    assert (out.step, out.reask) == ("area", True)
    conv.step = "area"
    out = checkout.on_area(CTX, conv, TextReceived(**BASE, text=answer))
    assert out.step == "quote"
    conv.step = "quote"
    return quoted(conv)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_area_typed_for_an_item_sold_by_the_m2_is_its_quantity_shown_once(lang):
    conv = at_quote(DEEP[lang], lang)
    d = booking.draft(conv)
    assert (d.item, d.quantity, d.area_sqm) == ("deep_cleaning", 80, None)
    ask = quoted(conv)
    line = "深度保洁 80 平方米 × ¥8.00" if lang == "zh" else "Deep cleaning 80 m² × ¥8.00"
    assert line in ask.text and AREA_LINE[lang] not in ask.text, ask.text
    assert "area" in [o.key for o in ask.options]  # the size can still be changed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_changing_the_size_of_an_item_sold_by_the_m2_changes_its_quantity_and_price(lang):
    conv = at_quote(DEEP[lang], lang)
    total = quoted(conv).text
    conv.step = "area"
    [question] = checkout.ask(CTX, conv).replies
    assert isinstance(question, Ask)
    assert "40–500" in question.text, question.text  # the item's own range, no surcharge
    assert "¥" in question.options[0].label  # each size with what it comes to
    assert [o.key for o in question.options][-1] == "quote"
    conv.step = "quote"
    ask = change_size(conv, "120")
    d = booking.draft(conv)
    assert (d.quantity, d.area_sqm) == (120, None)
    line = "深度保洁 120 平方米 × ¥8.00" if lang == "zh" else "Deep cleaning 120 m² × ¥8.00"
    assert line in ask.text and ask.text != total and AREA_LINE[lang] not in ask.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_size_outside_the_range_of_an_item_sold_by_the_m2_is_refused_and_asked_again(lang):
    conv = at_quote(DEEP[lang], lang)
    conv.step = "area"
    out = checkout.on_area(CTX, conv, TextReceived(**BASE, text="30"))
    assert out.reask and out.step is None
    said = out.replies[0].text
    assert "40–500" in said and ("面积" in said if lang == "zh" else "m²" in said), said
    assert booking.draft(conv).quantity == 80  # unchanged


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_item_with_an_included_area_keeps_its_area_line_and_its_change(lang):
    conv = at_quote(REGULAR[lang], lang)
    d = booking.draft(conv)
    assert (d.item, d.quantity, d.area_sqm) == ("daily_cleaning", 3, 120)
    ask = quoted(conv)
    assert AREA_LINE[lang] in ask.text and "120" in ask.text
    assert "area" in [o.key for o in ask.options]
    conv.step = "area"
    [question] = checkout.ask(CTX, conv).replies
    assert "10" in question.text and "¥10.00" in question.text  # per started 10 m² beyond
    conv.step = "quote"
    ask = change_size(conv, "150")
    d = booking.draft(conv)
    assert (d.quantity, d.area_sqm) == (3, 150)  # the hours stay; the area beyond is charged
    assert AREA_LINE[lang] in ask.text and "150" in ask.text, ask.text


def test_a_draft_kept_from_before_with_an_area_for_an_item_sold_by_the_m2_shows_it_once():
    """A booking saved by an earlier release held the area typed with deep cleaning twice
    (its quantity and ``area_sqm``): its quote shows it once, as the quantity."""
    conv = at_quote(DEEP["zh"], "zh")
    d = booking.draft(conv)
    d.area_sqm = 80
    booking.keep(conv, d)
    ask = quoted(conv)
    assert "深度保洁 80 平方米" in ask.text and "房屋面积" not in ask.text, ask.text
