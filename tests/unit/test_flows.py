"""The conversation state tables: complete, documented, and their handlers pure."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from conversations.events import ChoiceMade, ContactShared, LocationShared, TextReceived
from conversations.flows import booking, global_words, start
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.flows.diagram import to_mermaid
from conversations.flows.phones import normalise_phone, tried_a_phone
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.results.customers import CustomerRegistered
from conversations.state import Conversation
from domain.commands import RegisterCustomer
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
DOCS = Path(__file__).parents[2] / "docs" / "flows"
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}


def text(value: str) -> TextReceived:
    return TextReceived(**BASE, text=value)


@pytest.mark.parametrize("name", sorted(CUSTOMER_FLOWS))
def test_every_step_has_a_handler_and_the_diagram_in_docs_is_current(name):
    flow = CUSTOMER_FLOWS[name]
    handled = {step for step, _ in flow.TRANSITIONS}
    assert handled == set(flow.Step), f"steps without handlers: {set(flow.Step) - handled}"
    diagram = to_mermaid(flow)
    path = DOCS / f"{name}.mmd"
    assert path.exists() and path.read_text() == diagram, (
        f'regenerate {path}: python -c "from conversations.flows.diagram import to_mermaid; '
        f"from conversations.flows.registry import FLOWS as F; "
        f"print(to_mermaid(F['{name}']), end='')\" > {path}"
    )


def test_phone_numbers_are_validated_and_normalised():
    assert normalise_phone("138 1234 5678") == "13812345678"
    assert normalise_phone("+86-139-0000-1111") == "13900001111"
    assert normalise_phone("+44 7700 900123") == "+447700900123"
    for bad in ("12345", "23812345678", "phone", "+1"):
        assert normalise_phone(bad) is None


def test_a_phone_in_full_width_digits_reads_as_the_plain_one():
    """Some Chinese input methods type digits, plus, dash and space full-width."""
    assert normalise_phone("１３８１２３４５６７８") == "13812345678"
    assert normalise_phone("＋８６　１３８－１２３４－５６７８") == "13812345678"
    assert normalise_phone("（１３８）１２３４ ５６７８") == "13812345678"
    assert normalise_phone("＋４４ ７７００ ９００１２３") == "+447700900123"
    assert normalise_phone("+1３８１２３４５６７８") == "+13812345678"  # one plain form, mixed
    assert normalise_phone("١٣٨١٢٣٤٥٦٧٨") is None  # digits of a script no phone is dialled in
    assert tried_a_phone("１２３４５") and not tried_a_phone("２楼")


def test_only_digits_are_a_phone_number_tried():
    for tried in ("12345", "138 1234 567", "+1", "0-12"):
        assert tried_a_phone(tried)
    for note in ("门禁密码1234#", "2楼", "call at 5", "放门口", ""):
        assert not tried_a_phone(note)


def test_a_contact_shared_where_an_earlier_release_asked_for_it_registers_with_it():
    conv = Conversation(
        flow="start", step="phone", lang="en", data={"start": {"referral": "AB12"}}
    )
    out = start.on_phone(CTX, conv, ContactShared(**BASE, phone="+8613912345678", name="Li"))
    assert out.commands == [RegisterCustomer("telegram", "1", "13912345678", "en", "Li", "AB12")]
    out = start.on_registered(CTX, conv, CustomerRegistered(9, None))
    assert conv.customer_id == 9 and out.goto == "menu" and "start" not in conv.data


def test_the_first_message_signs_up_at_once_and_is_read_after_as_a_request():
    conv = Conversation(flow="menu", step="menu", lang="en", channel="telegram")
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text("明天下午三点 日常保洁"))
    assert out.goto == "start"
    conv.flow, conv.step = "start", "welcome"
    out = start.enter(CTX, conv)
    assert out.commands == [RegisterCustomer("telegram", "1", "", "en", "", "")]
    assert out.step == "signing_up" and not out.replies  # no language, no phone asked
    out = start.on_registered(CTX, conv, CustomerRegistered(9, None))
    assert out.goto == "menu"
    assert conv.data["menu"] == {"said": "明天下午三点 日常保洁", "welcome": False, "quiet": False}


def booking_conv(**chosen) -> Conversation:
    d = Draft(category="cleaning", item="daily_cleaning", options=[], **chosen)
    return Conversation(
        flow="booking", step="quantity", customer_id=1, data={"booking": d.to_json()}
    )


def test_a_quantity_outside_the_item_range_is_asked_again():
    conv = booking_conv()
    out = booking.on_quantity(CTX, conv, text("12"))
    assert out.reask and out.step is None and "2 and 8" not in out.replies[0].text
    assert "2–8" in out.replies[0].text
    assert booking.draft(conv).quantity is None
    out = booking.on_quantity(CTX, conv, text("3小时"))
    assert booking.draft(conv).quantity == 3 and out.step == "when"  # the area is defaulted
    assert booking.draft(conv).area_sqm == 80  # the item's included area, changed on the quote


def test_a_date_in_the_past_or_too_soon_is_refused():
    conv = booking_conv(quantity=3, area_sqm=90)
    conv.step = "date"
    out = booking.on_date(CTX, conv, text("昨天"))
    assert out.reask and "没看懂" in out.replies[0].text
    out = booking.on_date(CTX, conv, text("今天 9:30"))  # 30 minutes from now
    assert out.step == "when" and "太早" in out.replies[0].text
    out = booking.on_date(CTX, conv, text("明天 15:00"))
    assert booking.draft(conv).start == datetime.fromisoformat("2026-11-24T15:00:00+08:00")
    assert out.step == "address"


def test_as_soon_as_possible_rounds_up_to_the_next_half_hour():
    conv = booking_conv(quantity=3, area_sqm=90)
    booking.on_date(CTX, conv, ChoiceMade(**BASE, key="asap"))
    assert booking.draft(conv).start == datetime.fromisoformat("2026-11-23T10:30:00+08:00")
    assert booking.draft(conv).asap is True


def test_a_shared_location_asks_for_the_flat_number():
    start = datetime.fromisoformat("2026-11-24T15:00:00+08:00")
    conv = booking_conv(quantity=3, area_sqm=90, day=start.date(), start=start)
    conv.step = "address"
    out = booking.on_location(
        CTX, conv, LocationShared(**BASE, lat=31.2, lon=121.4, label="人民广场")
    )
    assert out.step == "address_detail"
    booking.on_address_detail(CTX, conv, text("1号楼 502"))
    assert booking.draft(conv).address_text == "人民广场 1号楼 502"


def test_global_words_work_in_every_state():
    conv = booking_conv()
    conv.history = [["menu", "menu"], ["booking", "category"]]
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text("返回"))
    assert out.reask and conv.step == "category"
    out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text("Cancel"))
    assert out.goto == "menu" and "booking" not in conv.data
    assert global_words.route(CUSTOMER_FLOWS, CTX, conv, text("帮助")).reask
    stranger = Conversation(flow="menu", step="menu")
    assert global_words.route(CUSTOMER_FLOWS, CTX, stranger, text("hi")).goto == "start"


def test_the_start_flow_asks_nothing_and_any_answer_to_an_old_question_signs_up():
    for step in ("phone", "language", "welcome"):
        conv = Conversation(flow="start", step=step, channel="telegram")
        assert not start.ask(CTX, conv).replies
        out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text("中文"))
        if out is None:  # not a global word: the flow's own table signs up
            out = start.TRANSITIONS[(start.Step(step), TextReceived)](CTX, conv, text("中文"))
        assert out.commands or out.goto == "start"  # the switch too signs up, in Chinese
        assert conv.lang == "zh"


def test_choosing_a_bundle_skips_to_what_the_bundle_still_needs():
    conv = Conversation(flow="booking", step="category", customer_id=1)
    booking.enter(CTX, conv)
    out = booking.on_category(CTX, conv, ChoiceMade(**BASE, key="bundle:kitchen_refresh"))
    assert booking.draft(conv).bundle == "kitchen_refresh"
    assert out.step == "when"  # the area of daily cleaning in the bundle: its included one
    assert [s.item_id for s in _selections(conv)] == ["daily_cleaning", "range_hood_cleaning"]


def _selections(conv):
    d = booking.draft(conv)
    d.area_sqm, d.address_text = 90, "x" * 8
    d.start = datetime.fromisoformat("2026-11-24T15:00:00+08:00")
    booking.keep(conv, d)
    return booking.booking(CTX, conv).selections


def test_a_conversation_survives_serialisation_field_for_field():
    conv = Conversation(
        flow="worker",
        step="photos",
        data={"w": {"number": 123456}},
        lang="en",
        channel="wechat",
        customer_id=3,
        worker_id=9,
        role="worker",
        options=[["done", "Done"]],
        numbered=False,
        history=[["worker", "menu"]],
    )
    assert Conversation.loads(conv.dumps()) == conv


def test_an_impossible_or_past_date_is_told_as_such_and_nothing_is_booked():
    conv = booking_conv(quantity=3, area_sqm=90)
    conv.step = "date"
    out = booking.on_date(CTX, conv, text("2月30日 9:00"))  # was booked as today 09:00
    assert out.reask and "没有这一天" in out.replies[0].text
    assert booking.draft(conv).day is None and booking.draft(conv).start is None
    out = booking.on_date(CTX, conv, text("2025-11-01"))
    assert out.reask and "已经过去" in out.replies[0].text
    out = booking.on_date(CTX, conv, text("今天 8:00"))  # an hour ago
    assert out.step == "when" and "已经过去" in out.replies[0].text
    assert booking.draft(conv).start is None
    out = booking.on_date(CTX, conv, text("今天 9:30"))
    minutes = CTX.rules.booking.min_lead_minutes
    assert f"至少 {minutes} 分钟" in out.replies[0].text  # the rule's number, not a fixed one


def test_the_date_questions_example_is_a_date_the_booking_takes():
    conv = booking_conv(quantity=3, area_sqm=90)
    conv.step = "date"
    ask = booking.ask(CTX, conv).replies[0]
    in_two_days = CTX.now.astimezone(CTX.tz).date() + timedelta(days=2)
    assert "「11月25日 周三 9:30」" in ask.text  # a day as format_when writes it
    assert in_two_days == date(2026, 11, 25)
    conv.lang = "en"
    assert "'Wed 25 Nov 9:30'" in booking.ask(CTX, conv).replies[0].text


def test_a_customer_who_types_renew_and_an_order_number_renews_their_contract():
    # "renew #N" is also a worker's "renew a document": to a customer who is no worker it
    # means their placement (the help says "renew contract #N"), not "you are no worker"
    from domain.commands import RenewPlacement

    for words in ("renew #240117", "renew contract #240117", "续约 #240117"):
        conv = Conversation(flow="menu", step="menu", customer_id=7, lang="en")
        out = global_words.route(CUSTOMER_FLOWS, CTX, conv, text(words))
        assert out.commands == [RenewPlacement(7, 240117)], (words, out)
