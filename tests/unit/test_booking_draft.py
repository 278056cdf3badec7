"""The booking flow's typed data: a ``Draft`` owned by the booking flow, reset whenever the
flow is entered, handed in only on purpose (reorder, change of time), read by checkout; and a
stored state of an older shape restarts the flow instead of failing."""

from dataclasses import fields
from datetime import UTC, datetime

import orjson
import pytest

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, checkout
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.flows.flow_state import StaleState
from conversations.results.booking import CouponChoice, PaymentDue
from conversations.state import Conversation
from domain.pricing import Selection
from domain.text import Bilingual
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
START = datetime.fromisoformat("2026-11-24T15:00:00+08:00")
EARLIER = Draft(
    category="cleaning",
    item="daily_cleaning",
    options=[],
    quantity=2,
    area_sqm=60,
    day=START.date(),
    start=START,
    address_id=5,
    notes="",
    coupon="W1",
)


FRESH = checkout.State().to_json()


def conv_in(flow: str, step: str, **data) -> Conversation:
    return Conversation(flow=flow, step=step, customer_id=1, data=data)


def test_a_new_booking_starts_empty_whatever_an_earlier_one_left():
    conv = conv_in("booking", "category", booking=EARLIER.to_json())
    out = booking.enter(CTX, conv)
    assert out.step == "category" and out.reask
    assert booking.draft(conv) == Draft()


def test_a_reorder_hands_in_the_earlier_order_and_only_the_time_is_asked():
    earlier = Draft.again("cleaning", Selection("daily_cleaning", 3, 60), None, 5, "门禁 1203")
    conv = conv_in("orders", "detail")
    out = booking.start_with(conv, earlier)
    assert out.goto == "booking"
    conv.flow, conv.step = "booking", "category"
    assert booking.enter(CTX, conv).step == "when"
    d = booking.draft(conv)
    assert (d.item, d.quantity, d.area_sqm, d.address_id) == ("daily_cleaning", 3, 60, 5)
    assert booking.SEED not in conv.data  # taken by this entry, not by a later one
    booking.enter(CTX, conv)
    assert booking.draft(conv) == Draft()


def test_a_bundle_reorder_keeps_the_bundle_and_takes_its_typical_area():
    again = Draft.again("", Selection("daily_cleaning", 2), "kitchen_refresh", None, "")
    assert again == Draft(bundle="kitchen_refresh", notes="")
    conv = conv_in("booking", "category", booking_seed=again.to_json())
    assert booking.enter(CTX, conv).step == "when"
    assert booking.draft(conv).area_sqm == 80  # daily cleaning's included area


def test_change_time_at_checkout_keeps_the_rest_of_the_booking():
    conv = conv_in("checkout", "quote", booking=EARLIER.to_json(), checkout=FRESH)
    out = checkout.on_quote_choice(CTX, conv, ChoiceMade(**BASE, key="time"))
    assert out.goto == "booking"
    conv.flow, conv.step = "booking", "category"
    assert booking.enter(CTX, conv).step == "when"
    d = booking.draft(conv)
    assert d.start is None and d.day is None and not d.asap
    assert (d.address_id, d.coupon, d.quantity) == (5, "W1", 2)


def test_coupon_and_points_chosen_at_checkout_go_into_the_booking():
    conv = conv_in("checkout", "coupon", booking=EARLIER.to_json(), checkout=FRESH)
    checkout.on_coupon(CTX, conv, ChoiceMade(**BASE, key="none"))
    checkout.on_quote_choice(CTX, conv, ChoiceMade(**BASE, key="points"))
    command = booking.booking(CTX, conv)
    assert command.coupon_code == "" and command.use_points is True


def test_another_item_forgets_the_extras_ticked_for_the_old_one():
    d = Draft(category="cleaning", item="deep_cleaning", ticked=["fridge"], quantity=3)
    conv = conv_in("booking", "item", booking=d.to_json())
    booking.on_item(CTX, conv, ChoiceMade(**BASE, key="item:daily_cleaning"))
    d = booking.draft(conv)
    assert d.item == "daily_cleaning" and d.ticked is None and d.quantity is None


def test_a_stored_draft_names_every_field_in_order():
    # from_json reads a draft of this release by position: to_json must write every field
    assert list(Draft().to_json()) == [f.name for f in fields(Draft)]
    assert list(EARLIER.to_json()) == [f.name for f in fields(Draft)]


def test_a_stored_conversation_names_every_field():
    # Conversation.dumps writes its fields one by one, and loads reads them by name
    stored = orjson.loads(Conversation(data={"x": 1}).dumps())
    assert list(stored) == [f.name for f in fields(Conversation) if f.name != "scratch"]


def test_a_draft_survives_the_conversation_store_field_for_field():
    conv = conv_in("booking", "notes", booking=EARLIER.to_json())
    loaded = Conversation.loads(conv.dumps())
    assert loaded is not None and booking.draft(loaded) == EARLIER
    pinned = Draft(location=(31.23, 121.47), place="人民广场", asap=True)
    assert Draft.from_json(pinned.to_json()) == pinned


def test_checkout_state_survives_the_conversation_store():
    due = PaymentDue(240117, 3000, START, "TG1", "telegram", "", (("定金", 3000),), "到家")
    state = checkout.State(
        8000, (CouponChoice("W1", Bilingual("券", "coupon")),), "123456", 1, due
    )
    conv = conv_in("checkout", "code")
    checkout.keep(conv, state)
    loaded = Conversation.loads(conv.dumps())
    assert loaded is not None and checkout.state(loaded) == state


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        {"cat": "cleaning", "item": "daily_cleaning", "opts": []},  # the older short keys
        {"quantity": "three"},
        {"start": "2026-11-24T15:00:00"},  # not an aware datetime
        {"day": "24/11"},
    ],
)
def test_a_stored_draft_of_another_shape_does_not_parse(raw):
    with pytest.raises(StaleState):
        Draft.from_json(raw)


def test_an_older_booking_state_restarts_the_booking_at_its_first_step():
    old = {"b": {"cat": "cleaning", "item": "daily_cleaning", "opts": [], "qty": 3}}
    conv = conv_in("booking", "area", **old)
    handler = booking.TRANSITIONS[(booking.Step.AREA, TextReceived)]
    out = handler(CTX, conv, TextReceived(**BASE, text="90"))
    assert out.step == "category" and out.reask and out.goto is None
    assert booking.draft(conv) == Draft()
    conv.step = "time"
    conv.data["booking"] = {"qty": 3}
    assert booking.ask(CTX, conv).step == "category"


def test_checkout_with_an_older_booking_state_starts_the_booking_again():
    conv = conv_in("checkout", "quote", b={"cat": "cleaning", "quote": {"total_cents": 1}})
    handler = checkout.TRANSITIONS[(checkout.Step.QUOTE, ChoiceMade)]
    out = handler(CTX, conv, ChoiceMade(**BASE, key="confirm"))
    assert out.step == "quote" and out.reask and not out.commands  # its own data: afresh
    assert checkout.state(conv) == checkout.State()
    assert checkout.ask(CTX, conv).goto == "booking"  # the booking it reads: entered anew


def test_a_booking_asked_out_of_order_goes_to_what_is_missing():
    d = Draft(category="cleaning", item="daily_cleaning", options=[], quantity=2, area_sqm=60)
    conv = conv_in("booking", "time", booking=d.to_json())  # "back" to a time, no date
    out = booking.ask(CTX, conv)
    assert out.step == "when" and out.reask


def test_the_draft_a_turn_kept_is_read_again_once_and_never_when_the_stored_one_changed():
    conv = Conversation(flow="booking", step="item")
    kept = Draft(category="cleaning", item="daily_cleaning")
    booking.keep(conv, kept)
    assert booking.draft(conv) is kept  # the turn's own, not parsed again
    again = booking.draft(conv)  # taken once: a draft changed and not kept is read afresh
    assert again is not kept and again == kept
    again.item = "deep_cleaning"  # changed, not kept
    assert booking.draft(conv).item == "daily_cleaning"
    booking.keep(conv, again)
    conv.data[booking.NAME] = Draft(category="repair").to_json()  # stored anew elsewhere
    assert booking.draft(conv).category == "repair"
    # what a turn keeps for itself is not stored
    assert "scratch" not in orjson.loads(conv.dumps())
    assert Conversation.loads(conv.dumps()).scratch == {}
