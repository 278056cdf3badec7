"""What a demo probe found customers and workers reading: English quantities in the singular
("26 day"), a sentence built of button labels, a channel named twice, "2.5" hours read as a
date, a 台 counted in 次, a check-in asking for the location before saying it is too early."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from conversations.events import Failed, TextReceived
from conversations.flows import booking, booking_time_views, booking_views, checkout, worker
from conversations.flows.admin_after_sales_views import CATEGORY
from conversations.flows.after_sales_data import CATEGORIES, DIMENSION_TEXT
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.replies import Ask, AskLocation, Say
from conversations.results.booking import QuoteLineView, QuoteReady
from conversations.results.workers import JobOpen
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import Notice
from conversations.state import Conversation
from conversations.understanding.numbers import names_a_fraction
from domain import queries as q
from domain.aftersales import CUSTOMER_TAGS
from domain.catalog import UNIT_TEXT, Unit, counted
from domain.pricing import LineKind, QuoteRequest, Selection, quote
from domain.text import N_, Bilingual
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
START = datetime.fromisoformat("2026-11-25T10:00:00+08:00")


def texts(replies) -> str:
    return "\n".join(
        [getattr(r, "text", "") for r in replies]
        + [o.label for r in replies for o in getattr(r, "options", ())]
    )


def base_line(item_id: str, quantity: int, lang: str) -> str:
    q_ = quote(CATALOG, RULES, QuoteRequest((Selection(item_id, quantity),), START))
    [line] = [x for x in q_.lines if x.kind == LineKind.BASE]
    return line.label.get(lang)


# 1. English plurals


@pytest.mark.parametrize(
    ("item_id", "quantity", "english", "chinese"),
    [
        ("daily_cleaning", 5, "5 hours × ¥40.00", "5 小时 × ¥40.00"),
        ("ac_cleaning", 1, "1 unit × ¥120.00", "1 台 × ¥120.00"),
        ("ac_cleaning", 2, "2 units × ¥120.00", "2 台 × ¥120.00"),
        ("appliance_repair", 1, "1 visit × ¥50.00", "1 次 × ¥50.00"),
    ],
)
def test_a_quote_line_counts_its_unit_in_the_plural_in_english_only(
    item_id, quantity, english, chinese
):
    assert base_line(item_id, quantity, "en").endswith(english)
    assert base_line(item_id, quantity, "zh").endswith(chinese)


def test_a_placement_by_the_day_reads_days_on_its_quote_and_its_button():
    [day_item] = [i for c in CATALOG.categories for i in c.items if i.unit == Unit.DAY][:1]
    n = day_item.min_quantity
    assert n > 1
    assert f" {n} days × " in base_line(day_item.id, n, "en")
    en = Conversation(flow="booking", step="quantity", lang="en")
    assert booking_views.quantity_label(en, day_item, n).startswith(f"{n} days ¥")
    zh = Conversation(flow="booking", step="quantity")
    assert booking_views.quantity_label(zh, day_item, n).startswith(f"{n}天 ¥")


def test_every_unit_reads_in_the_singular_after_one_and_the_plural_after_more():
    for unit in Unit:
        one, more = UNIT_TEXT[unit].get("en"), counted(unit, 3).get("en")
        assert counted(unit, 1).get("en") == one and "(" not in one, unit
        assert more == one if not one.isalpha() else more == f"{one}s", unit
        assert counted(unit, 3).get("zh") == UNIT_TEXT[unit].get("zh")


QUOTE = QuoteReady(
    lines=(QuoteLineView(Bilingual("住家保姆 30 天", "Live-in nanny 30 days"), 780000),),
    total_cents=780000,
    deposit_cents=100000,
    coupon_code=None,
    coupons=(),
    points_available=0,
    use_points=False,
    summary=Bilingual("合同期", "Contract"),
    periods=2,
)


def at_quote(lang: str) -> Conversation:
    conv = Conversation(flow="checkout", step="quote", customer_id=7, lang=lang)
    draft = Draft(category="cleaning", item="daily_cleaning", options=[], quantity=2)
    draft.day, draft.start, draft.address_text = START.date(), START, "浦东新区世纪大道100号"
    booking.keep(conv, draft)
    checkout.keep(conv, checkout.State())
    return conv


def test_the_deposit_line_counts_periods_in_the_plural_and_one_as_one_payment():
    shown = texts(checkout.on_quote(CTX, at_quote("en"), QUOTE).replies)
    assert "the rest paid over 2 periods" in shown and "(s)" not in shown
    one = replace(QUOTE, periods=1)
    shown = texts(checkout.on_quote(CTX, at_quote("en"), one).replies)
    assert "the rest in one payment" in shown and "period" not in shown
    shown = texts(checkout.on_quote(CTX, at_quote("zh"), one).replies)
    assert "余款在合同期内一次支付" in shown


# 2. Two offers that do not stack, in one natural sentence


@pytest.mark.parametrize(
    ("instead", "english"),
    [
        (
            ("first_order", "coupon"),
            "The first-order discount and a coupon can't be combined; we applied the better"
            " one for you: the first-order discount.",
        ),
        (
            ("coupon", "first_order"),
            "The first-order discount and a coupon can't be combined; we applied the better"
            " one for you: the coupon.",
        ),
        (
            ("points", "coupon"),
            "Points and a coupon can't be combined; we applied the better one for you: points.",
        ),
    ],
)
def test_offers_that_do_not_stack_are_explained_in_a_sentence_of_their_own(instead, english):
    quoted = replace(QUOTE, periods=0, deposit_cents=0, instead=instead)
    assert english in texts(checkout.on_quote(CTX, at_quote("en"), quoted).replies)
    chinese = texts(checkout.on_quote(CTX, at_quote("zh"), quoted).replies)
    assert "不能同时使用,已为您选择更划算的" in chinese


# 3. The link notices name the channel once


@pytest.mark.parametrize("channel", ["web", "wechat", "telegram"])
@pytest.mark.parametrize("event", ["link_code", "account_linked"])
def test_the_link_notices_name_the_channel_without_a_chat_chat(channel, event):
    data = {"code": "12345678", "channel": channel, "minutes": 10}
    if event == "account_linked":
        data = {"channel": channel}
    [said] = NoticeTemplates(CTX.tz, lambda: CTX.now).render(
        Notice("customer", 1, event, data), "telegram", "en"
    )
    text = said.text
    assert "chat chat" not in text and "chat account" not in text and " a web" not in text
    assert {"web": "web chat", "wechat": "WeChat", "telegram": "Telegram"}[channel] in text


# 4. A decimal where a quantity is asked


def hours_screen(lang: str = "zh") -> Conversation:
    conv = Conversation(flow="booking", step="options", customer_id=1, lang=lang)
    booking.keep(conv, Draft(category="cleaning", item="daily_cleaning", ticked=[]))
    return conv


@pytest.mark.parametrize("typed", ["2.5", "2.5小时", "两个半小时", "2.5 hours", "１．５"])
def test_a_decimal_at_the_hours_question_is_answered_as_hours_not_read_as_a_date(typed):
    conv = hours_screen()
    out = booking.on_option(CTX, conv, TextReceived(**BASE, text=typed))
    assert out.reask and out.step is None and out.goto is None
    assert "按整小时预约" in texts(out.replies) and "2–8" in texts(out.replies)
    d = booking.draft(conv)
    assert d.day is None and d.start is None and d.quantity is None


def test_a_decimal_typed_at_the_quantity_step_says_whole_numbers_in_english_too():
    conv = Conversation(flow="booking", step="quantity", customer_id=1, lang="en")
    booking.keep(conv, Draft(category="appliance", item="ac_cleaning", options=[]))
    out = booking.on_quantity(CTX, conv, TextReceived(**BASE, text="1.5"))
    assert "whole number" in texts(out.replies) and out.reask
    out = booking.on_option(CTX, hours_screen("en"), TextReceived(**BASE, text="2.5"))
    assert "whole hour" in texts(out.replies)


def test_a_whole_number_or_a_date_still_reads_as_before():
    assert not names_a_fraction("3") and not names_a_fraction("明天下午三点")
    conv = hours_screen()
    out = booking.on_option(CTX, conv, TextReceived(**BASE, text="3"))
    assert booking.draft(conv).quantity == 3 and out.step is not None


def test_a_day_beyond_the_booking_window_is_refused_when_typed_not_after_its_time():
    conv = Conversation(flow="booking", step="when", customer_id=1)
    booking.keep(conv, Draft(category="cleaning", item="daily_cleaning", options=[], quantity=3))
    conv.step = "item"
    out = booking.on_words(CTX, conv, TextReceived(**BASE, text="2月5日 日常保洁"))
    assert "最多可预约 30 天内" in texts(out.replies)
    assert booking.draft(conv).day is None


# 5. An appliance is counted in 台


def test_an_air_conditioner_is_asked_counted_and_quoted_in_units():
    conv = Conversation(flow="booking", step="options", customer_id=1)
    draft = Draft(category="appliance", item="ac_cleaning", ticked=[])
    [ask] = booking_views.question(CTX, conv, "options", draft, draft.items(CATALOG))
    assert isinstance(ask, Ask) and "需要几台?" in ask.text and "次" not in texts([ask])
    assert "2台 ¥240.00" in texts([ask])
    en = Conversation(flow="booking", step="options", customer_id=1, lang="en")
    [ask] = booking_views.question(CTX, en, "options", draft, draft.items(CATALOG))
    assert "How many units?" in ask.text and "2 units ¥240.00" in texts([ask])
    assert base_line("ac_cleaning", 2, "zh").endswith("2 台 × ¥120.00")


def test_a_service_by_the_visit_is_still_asked_in_visits():
    item = CATALOG.item("appliance_repair")
    conv = Conversation(flow="booking", step="quantity", customer_id=1)
    assert "需要几次?" in booking_views._quantity_text(conv, item)


# 6. Check-in: the time before the location


def checking_in(lang: str = "zh") -> tuple[Conversation, object]:
    conv = Conversation(flow="worker", step="menu", lang=lang, worker_id=9, role="worker")
    worker.enter(CTX, conv)
    out = worker.run(CTX, conv, "checkin", 240117, "")
    conv.step = str(out.step)
    return conv, out


def test_a_worker_too_early_to_check_in_is_told_once_and_not_asked_for_the_location():
    conv, out = checking_in()
    assert out.commands == [q.CheckJob(9, 240117, "checkin")] and not out.replies
    assert out.step == worker.Step.CHECKING and not out.reask
    early = Failed(N_("还没到打卡时间:最早 {when} 可以打卡", when="12:00"))
    shown = worker.TRANSITIONS[(worker.Step.CHECKING, Failed)](CTX, conv, early)
    said = [r.text for r in shown.replies if isinstance(r, Say)]
    assert said == ["还没到打卡时间:最早 12:00 可以打卡"]
    assert not any(isinstance(r, AskLocation) for r in shown.replies)
    assert shown.step == "menu" and shown.reask  # the jobs menu, read again


def test_a_worker_on_time_is_asked_for_the_location():
    conv, _ = checking_in("en")
    shown = worker.TRANSITIONS[(worker.Step.CHECKING, JobOpen)](
        CTX, conv, JobOpen(240117, "checkin", "daily_cleaning")
    )
    assert shown.reask and not shown.replies and shown.step == worker.Step.CHECKIN_LOCATION
    conv.step = str(shown.step)
    assert isinstance(worker.ask(CTX, conv).replies[0], AskLocation)


# 5. One list, one case


def test_the_rating_tags_and_complaint_kinds_read_alike_in_english():
    """A tag and a complaint kind share a msgid (迟到), a rating's dimension and a complaint
    kind another (服务态度): every entry of those lists is written with a capital in English,
    so no list mixes "on time" with "Late"."""
    labels = [
        *dict(CUSTOMER_TAGS).values(),
        *dict(CATEGORIES).values(),
        *CATEGORY.values(),
        *DIMENSION_TEXT.values(),
    ]
    english = [label.get("en") for label in labels]
    assert [e for e in english if not e[0].isupper()] == []


def test_english_days_read_as_every_other_english_screen_writes_a_day():
    """ "Tue 8 Dec", as ``domain.moments.format_when`` writes one, not zero-padded ("08 Dec")."""
    en = Conversation(flow="booking", step="date", lang="en")
    ahead = CTX.rules.booking.max_days_ahead
    days = [o.label for o in booking_time_views.date_question(CTX, en, ahead).options]
    assert days[1:4] == ["Today, Mon 23 Nov", "Tomorrow, Tue 24 Nov", "Wed 25 Nov"]
    assert days[4] == "Thu 26 Nov"
    later = datetime.fromisoformat("2026-12-03T15:00:00+08:00")
    assert booking_time_views.slot_label(CTX, en, later) == "Thu 3 Dec 15:00"
    zh = Conversation(flow="booking", step="date", lang="zh")
    assert booking_time_views.slot_label(CTX, zh, later) == "12月3日 周四 15:00"


def test_english_moments_in_sentences_read_8_dec_not_08_dec():
    from conversations.services.notices import t
    from domain.moments import When, format_when
    from domain.text import translate

    at = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)

    def summary(lang: str, took: str) -> str:  # the quote's (views.quotes._summary)
        when = format_when(at, lang, at.date())
        return t(lang, "{when},预计 {took}", when=when, took=took)

    assert summary("en", "2 hours") == "Tue 8 Dec 15:00, about 2 hours"
    assert summary("zh", "2 小时") == "12月8日 周二 15:00,预计 2 小时"  # not 12月08日
    last = When(at.date(), at.date())  # a coupon's last day, as the picker writes it
    until = translate("en", "{what}(至{until})", (("what", "¥20 off"), ("until", last)))
    assert until == "¥20 off (until Tue 8 Dec)"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "按退款比例减少(已结算的从余额扣回)"),
        ("en", "reduced in proportion to the refund (taken from your balance if it was already"),
    ],
)
def test_a_worker_is_told_their_pay_shrinks_with_a_refund_not_that_it_was_taken(lang, said):
    """Before settlement nothing was paid out to take back: the pay is smaller when it is."""
    from tests.unit.notice_samples import SAMPLES

    data = SAMPLES["complaint_resolved_worker"]
    [told] = NoticeTemplates(CTX.tz, lambda: CTX.now).render(
        Notice("worker", 1, "complaint_resolved_worker", data), "telegram", lang
    )
    assert said in told.text, told.text
    [told] = NoticeTemplates(CTX.tz, lambda: CTX.now).render(
        Notice("worker", 1, "complaint_resolved_worker", {**data, "resolution": "rejected"}),
        "telegram",
        lang,
    )
    assert "比例" not in told.text and "proportion" not in told.text
