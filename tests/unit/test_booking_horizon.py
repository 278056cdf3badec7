"""How far ahead a service may be booked: the rule's ``max_days_ahead`` (30 days), or the
item's own in the catalog file — a maternity nurse is booked for the due date, months ahead;
a long placement weeks ahead. Every check of the horizon reads the item's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import yaml

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, booking_views
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.state import Conversation
from domain.errors import CatalogError, DomainError
from domain.lifecycle import OrderStatus
from domain.recurring import DueBy, SkipReason, due_by, lead_days, slot_problem
from domain.reschedule import reschedule_terms
from domain.rules import BookingRules, RescheduleRules
from store.catalog_file import DEMO_CATALOG, load_catalog, parse_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
DUE = date(2027, 1, 15)  # 53 days ahead


def texts(replies) -> str:
    return "\n".join(
        [getattr(r, "text", "") for r in replies]
        + [o.label for r in replies for o in getattr(r, "options", ())]
    )


def when_screen(item: str, category: str, quantity: int, lang: str = "zh") -> Conversation:
    conv = Conversation(flow="booking", step="when", customer_id=1, lang=lang)
    booking.keep(conv, Draft(category=category, item=item, options=[], quantity=quantity))
    return conv


def test_the_demo_catalog_books_a_maternity_nurse_and_placements_further_ahead():
    default = RULES.booking.max_days_ahead
    assert default == 30
    assert CATALOG.days_ahead(["maternity_nurse"], default) == 300
    assert CATALOG.days_ahead(["live_in_nanny"], default) == 90
    assert CATALOG.days_ahead(["live_in_elderly_care"], default) == 90
    assert CATALOG.days_ahead(["daily_cleaning"], default) == 30
    # a bundle, an order of several: the shortest; no item, or one removed: the rule's
    assert CATALOG.days_ahead(["maternity_nurse", "daily_cleaning"], default) == 30
    assert CATALOG.days_ahead([], default) == CATALOG.days_ahead(["gone"], default) == 30


@pytest.mark.parametrize("text", ["预产期是明年1月15号", "明年1月15号 上午10点"])
def test_a_maternity_nurse_is_booked_for_a_due_date_two_months_ahead(text):
    conv = when_screen("maternity_nurse", "maternity", 26)
    out = booking.on_when(CTX, conv, TextReceived(**BASE, text=text))
    assert "最多可预约" not in texts(out.replies)
    assert booking.draft(conv).day == DUE


@pytest.mark.parametrize("text", ["预产期是明年1月15号", "明年1月15号 上午10点"])
def test_daily_cleaning_that_far_ahead_is_still_refused(text):
    conv = when_screen("daily_cleaning", "cleaning", 3)
    out = booking.on_when(CTX, conv, TextReceived(**BASE, text=text))
    assert "最多可预约 30 天内" in texts(out.replies)
    assert booking.draft(conv).day is None


def test_a_maternity_nurse_is_refused_beyond_its_own_horizon():
    conv = when_screen("maternity_nurse", "maternity", 26, "en")
    far = (NOW + timedelta(days=301)).date()
    out = booking.on_when(CTX, conv, TextReceived(**BASE, text=far.isoformat()))
    assert "300 days" in texts(out.replies)


def test_named_with_the_service_in_words_the_due_date_is_taken():
    conv = Conversation(flow="booking", step="category", customer_id=1)
    booking.keep(conv, Draft())
    out = booking.on_words(CTX, conv, TextReceived(**BASE, text="订月嫂,预产期是明年1月15号"))
    assert "最多可预约" not in texts(out.replies)
    assert booking.draft(conv).item == "maternity_nurse"
    assert booking.draft(conv).day == DUE


def test_the_when_question_states_the_services_horizon():
    nurse = Draft(category="maternity", item="maternity_nurse", quantity=26)
    cleaning = Draft(category="cleaning", item="daily_cleaning", quantity=3)
    conv = Conversation(flow="booking", step="when", customer_id=1)
    [ask] = booking_views.question(CTX, conv, "when", nurse, nurse.items(CATALOG))
    assert "可约 300 天内" in ask.text
    [ask] = booking_views.question(CTX, conv, "when", cleaning, cleaning.items(CATALOG))
    assert "可约 30 天内" in ask.text


def test_a_move_takes_the_services_horizon():
    def move(days_ahead: int) -> int:
        return reschedule_terms(
            status=OrderStatus.DISPATCHING,
            paid_cents=0,
            start_at=NOW + timedelta(days=20),
            new_start=NOW + timedelta(days=60),
            now=NOW,
            rules=RescheduleRules(),
            booking=BookingRules(),
            days_ahead=days_ahead,
        ).fee_cents

    assert move(300) == 0
    with pytest.raises(DomainError) as refused:
        move(RULES.booking.max_days_ahead)
    assert refused.value.text.get("zh") == "最多可预约 30 天内"


def test_a_recurring_visit_takes_the_services_horizon():
    start = NOW + timedelta(days=45)
    assert slot_problem(start, NOW, BookingRules(), 30) == SkipReason.TOO_FAR
    assert slot_problem(start, NOW, BookingRules(), 90) is None


def three_days_ahead(now: datetime) -> Ctx:
    """The demo catalog with daily cleaning bookable only 3 days ahead (5 day buttons)."""
    data = yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))
    [cleaning] = [
        it for c in data["categories"] for it in c["items"] if it["id"] == "daily_cleaning"
    ]
    cleaning["max_days_ahead"] = 3
    catalog, rules = parse_catalog(data)
    assert rules.booking.days_offered > 4
    return Ctx(catalog, rules, now, "https://daojia.example")


def test_a_recurring_visits_order_is_made_within_its_services_horizon():
    """A visit's order is made ``recurring_ahead_days`` (7) ahead, or as far ahead as its
    service may be booked when that is less: cleaning bookable 3 days ahead, 3 days ahead
    (and a bundle with it); a maternity nurse, bookable months ahead, a week ahead."""
    catalog, rules = three_days_ahead(NOW).catalog, RULES.booking
    assert lead_days(["daily_cleaning"], catalog, rules) == 3
    assert lead_days(["maternity_nurse"], catalog, rules) == 7
    assert lead_days(["daily_cleaning", "range_hood_cleaning"], catalog, rules) == 3
    three = NOW + timedelta(days=3)
    assert due_by(NOW, rules, catalog) == DueBy(
        NOW + timedelta(days=7), {"daily_cleaning": three}, {"kitchen_refresh": three}
    )
    assert due_by(NOW, rules, CATALOG) == DueBy(NOW + timedelta(days=7))
    # the rule's horizon under the lead (5 days): a service of its own, longer, keeps 7
    short = replace(rules, max_days_ahead=5)
    by = due_by(NOW, short, CATALOG)
    assert by.until == NOW + timedelta(days=5) and by.latest == NOW + timedelta(days=7)
    assert by.items["maternity_nurse"] == by.latest and "daily_cleaning" not in by.items


def keys(replies, prefix: str) -> list[str]:
    return [o.key[len(prefix) :] for r in replies for o in r.options if o.key.startswith(prefix)]


def test_the_day_buttons_stop_at_the_services_horizon_and_the_last_one_is_booked():
    ctx = three_days_ahead(NOW)  # Monday 09:00: Thursday 08:00 is within 3 days, Friday not
    conv = when_screen("daily_cleaning", "cleaning", 3)
    conv.step = "date"
    days = keys(booking.ask(ctx, conv).replies, "day:")
    assert days == ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]
    out = booking.on_date(ctx, conv, ChoiceMade(**BASE, key=f"day:{days[-1]}"))
    assert out.step == "time"
    conv.step = "time"
    times = keys(booking.ask(ctx, conv).replies, "at:")
    assert times == ["08:00"]  # 10:00 on would be beyond the 3 days
    out = booking.on_time(ctx, conv, ChoiceMade(**BASE, key=f"at:{times[-1]}"))
    assert "最多可预约" not in texts(out.replies)
    assert booking.draft(conv).start == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)


def test_a_horizon_day_without_a_usual_time_within_it_is_no_button_and_told_when_typed():
    ctx = three_days_ahead(NOW - timedelta(hours=2))  # Monday 07:00: Thursday 08:00 is not
    conv = when_screen("daily_cleaning", "cleaning", 3, "en")
    conv.step = "date"
    assert keys(booking.ask(ctx, conv).replies, "day:")[-1] == "2026-11-25"
    out = booking.on_date(ctx, conv, TextReceived(**BASE, text="2026-11-26"))
    assert out.step == "time"
    conv.step = "time"
    [ask] = booking.ask(ctx, conv).replies
    assert ask.options == () and "3 days" in ask.text
    out = booking.on_time(ctx, conv, TextReceived(**BASE, text="6:30am"))
    assert booking.draft(conv).start == datetime(2026, 11, 25, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize("value", [0, -5, "soon"])
def test_the_catalog_file_refuses_a_horizon_under_one_day(value):
    data = yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))
    data["categories"][2]["items"][1]["max_days_ahead"] = value
    with pytest.raises(CatalogError) as info:
        parse_catalog(data)
    assert "categories[2].items[1].max_days_ahead" in str(info.value)
