""" "As soon as possible" whose soonest start is in the night window: asked, not taken at the
night rate; the morning offered is the first usual start after the night."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.events import ChoiceMade
from conversations.flows import booking
from conversations.flows.base import Ctx, Outcome
from conversations.flows.booking_draft import Draft
from conversations.flows.booking_when import first_day_start
from conversations.replies import Ask
from conversations.state import Conversation
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "https://daojia.example"


def ctx_at(hour: int, minute: int = 0, day: int = 23) -> Ctx:
    """Now at ``hour``:``minute`` in Shanghai, November ``day`` 2026."""
    return Ctx(CATALOG, RULES, datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI), URL)


def conv_at_when(item: str = "daily_cleaning", category: str = "cleaning") -> Conversation:
    d = Draft(category=category, item=item, options=[], quantity=3, area_sqm=90)
    return Conversation(flow="booking", step="when", customer_id=1, data={"booking": d.to_json()})


def asap(ctx: Ctx, conv: Conversation) -> Outcome:
    out = booking.on_when(
        ctx, conv, ChoiceMade(channel="telegram", user_id="1", at=ctx.now, key="asap")
    )
    conv.step = out.step or conv.step
    return booking.ask(ctx, conv) if out.reask else out


def test_asap_in_the_evening_leaves_the_start_open_and_asks():
    ctx, conv = ctx_at(21), conv_at_when()
    out = asap(ctx, conv)
    d = booking.draft(conv)
    assert d.start is None and d.asap
    question = out.replies[-1]
    assert isinstance(question, Ask)
    assert [o.key for o in question.options] == [
        "slot:2026-11-23T22:30:00+08:00",
        "slot:2026-11-24T08:00:00+08:00",
        "other",
    ]
    booking.on_when(
        ctx,
        conv,
        ChoiceMade(channel="telegram", user_id="1", at=ctx.now, key=question.options[1].key),
    )
    d = booking.draft(conv)
    assert d.start == datetime.fromisoformat("2026-11-24T08:00:00+08:00") and not d.asap


def test_asap_before_dawn_offers_this_mornings_first_start():
    ctx = ctx_at(3)  # 04:30 is still night; 08:00 the same day is the first usual start
    question = asap(ctx, conv_at_when()).replies[-1]
    assert isinstance(question, Ask)
    assert question.options[1].key == "slot:2026-11-23T08:00:00+08:00"


def test_asap_in_the_daytime_is_taken_as_before():
    ctx, conv = ctx_at(14), conv_at_when()
    asap(ctx, conv)
    assert booking.draft(conv).start == datetime.fromisoformat("2026-11-23T15:30:00+08:00")


def test_a_placement_has_no_night_rate_so_asap_is_taken():
    ctx, conv = ctx_at(21), conv_at_when("live_in_nanny", "nanny")
    asap(ctx, conv)
    assert booking.draft(conv).start == datetime.fromisoformat("2026-11-23T22:30:00+08:00")


def test_asked_again_after_the_night_the_soonest_start_is_taken():
    conv = conv_at_when()
    asap(ctx_at(21), conv)
    morning = ctx_at(9, day=24)
    out = booking.ask(morning, conv)
    assert booking.draft(conv).start == datetime.fromisoformat("2026-11-24T10:30:00+08:00")
    assert out.step == "address"


def test_the_first_day_start_skips_the_night_window():
    ctx = ctx_at(21)
    after = datetime.fromisoformat("2026-11-23T22:30:00+08:00")
    assert first_day_start(ctx, after) == datetime.fromisoformat("2026-11-24T08:00:00+08:00")
