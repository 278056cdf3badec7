"""Pure rules of the reminder and recurring-booking sweeps, the recurring flow's handlers and
the templates' buttons: values in, values out."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows import recurring
from conversations.flows.base import Ctx
from conversations.flows.typed_commands import parse
from conversations.replies import Ask, Say
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import to_customer, to_worker
from conversations.state import Conversation
from domain.commands import StopSubscription, Subscribe
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.orders import Order, OrderNumber
from domain.pricing import Selection
from domain.queries import DraftSubscription
from domain.recurring import (
    SkipReason,
    Subscription,
    after_missed,
    first_visit,
    next_visit,
    parse_at_time,
    slot_problem,
)
from domain.reminders import Reminder, due_reminder
from domain.rules import BookingRules, NotificationRules
from domain.text import Bilingual
from store.catalog_file import load_catalog
from tests.unit.test_notice_templates import SAMPLES

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # Tuesday 15:00 in Shanghai
RULES = NotificationRules()
CATALOG, ALL_RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
CTX = Ctx(CATALOG, ALL_RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}


def order(status=OrderStatus.ACCEPTED, booked_hours_ahead: float = 30, **kw) -> Order:
    return Order(
        number=OrderNumber(240117),
        customer_id=1,
        selections=(Selection("daily_cleaning", 2),),
        start_at=START,
        lines=(),
        total_cents=8_000,
        deposit_cents=0,
        created_at=START - timedelta(hours=booked_hours_ahead),
        channel="telegram",
        status=status,
        paid_cents=kw.pop("paid_cents", 8_000),
        **kw,
    )


def before(**kw: float) -> datetime:
    return START - timedelta(**kw)


def test_a_visit_booked_a_day_ahead_is_reminded_the_day_before_then_the_hour_before():
    o = order()
    assert due_reminder(o, before(hours=24, minutes=1), RULES) is None
    assert due_reminder(o, before(hours=24), RULES) == Reminder.DAY
    assert due_reminder(o, before(hours=2), RULES) == Reminder.DAY  # late, but still useful
    o.reminded_day_at = before(hours=24)
    assert due_reminder(o, before(hours=2), RULES) is None
    assert due_reminder(o, before(minutes=61), RULES) is None
    assert due_reminder(o, before(minutes=60), RULES) == Reminder.HOUR
    o.reminded_hour_at = before(minutes=60)
    assert due_reminder(o, before(minutes=10), RULES) is None


def test_in_the_last_hour_only_the_hour_reminder_is_due_and_none_once_started():
    o = order(status=OrderStatus.ON_THE_WAY)
    assert due_reminder(o, before(minutes=30), RULES) == Reminder.HOUR
    assert due_reminder(o, START, RULES) is None
    assert due_reminder(o, START + timedelta(minutes=5), RULES) is None


def test_a_booking_less_than_a_day_ahead_gets_no_day_before_reminder():
    o = order(booked_hours_ahead=9)
    assert due_reminder(o, before(hours=8), RULES) is None
    assert due_reminder(o, before(minutes=50), RULES) == Reminder.HOUR
    assert due_reminder(order(booked_hours_ahead=24), before(hours=23), RULES) == Reminder.DAY


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PAID, OrderStatus.DISPATCHING, OrderStatus.ARRIVED, OrderStatus.CANCELLED],
)
def test_only_accepted_or_on_the_way_visits_are_reminded(status):
    assert due_reminder(order(status=status), before(minutes=30), RULES) is None


def test_the_confirm_reminder_comes_after_twelve_hours_and_before_the_auto_confirmation():
    finished = START + timedelta(hours=2)
    o = order(
        status=OrderStatus.FINISHED,
        finished_at=finished,
        auto_confirm_at=finished + timedelta(hours=24),
    )
    assert due_reminder(o, finished + timedelta(hours=11, minutes=59), RULES) is None
    assert due_reminder(o, finished + timedelta(hours=12), RULES) == Reminder.CONFIRM
    assert due_reminder(o, finished + timedelta(hours=24), RULES) is None  # confirms itself
    owing = order(
        status=OrderStatus.FINISHED,
        finished_at=finished,
        auto_confirm_at=finished + timedelta(hours=24),
        paid_cents=2_000,
    )
    assert due_reminder(owing, finished + timedelta(hours=30), RULES) == Reminder.CONFIRM
    o.confirm_reminded_at = finished + timedelta(hours=12)
    assert due_reminder(o, finished + timedelta(hours=13), RULES) is None


def test_the_next_visit_is_strictly_later_on_the_weekday_in_business_time():
    monday_9 = NOW
    assert next_visit(monday_9, 5, time(9, 30), TZ) == datetime(2026, 11, 28, 1, 30, tzinfo=UTC)
    assert next_visit(monday_9, 0, time(9), TZ) == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert next_visit(monday_9, 0, time(9, 1), TZ) == datetime(2026, 11, 23, 1, 1, tzinfo=UTC)
    # 23:30 on Sunday in Shanghai is still Sunday although UTC says 15:30
    sunday_late = datetime(2026, 11, 29, 15, 30, tzinfo=UTC)
    assert next_visit(sunday_late - timedelta(hours=1), 6, time(23, 30), TZ) == sunday_late


def test_the_first_visit_follows_the_repeated_order_and_the_minimum_lead_time():
    rules = BookingRules(min_lead_minutes=60)
    # the order itself is Tuesday 15:00: the repeat starts the week after
    assert first_visit(NOW, START, 1, time(15), rules, TZ) == START + timedelta(days=7)
    # ... whatever the time chosen: never a second visit on the order's own day
    early = datetime(2026, 12, 7, 16, 30, tzinfo=UTC)  # Tuesday 8 Dec 00:30 in Shanghai
    before = early - timedelta(days=1)
    fifteenth = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)  # Tuesday 15 Dec 15:00
    assert first_visit(before, early, 1, time(15), rules, TZ) == fifteenth
    assert first_visit(before, early, 1, time(0, 30), rules, TZ) == early + timedelta(days=7)
    assert first_visit(before, early, 1, time(0, 10), rules, TZ) == early + timedelta(
        days=7, minutes=-20
    )
    # another weekday: the first one after the order's day
    assert first_visit(before, early, 2, time(9), rules, TZ) == datetime(
        2026, 12, 9, 1, 0, tzinfo=UTC
    )
    # a finished order from last week: the coming Tuesday
    assert first_visit(NOW, START - timedelta(days=7), 1, time(15), rules, TZ) == START
    # Monday 09:30 is only 30 minutes away: the Monday after
    assert first_visit(NOW, NOW - timedelta(days=3), 0, time(9, 30), rules, TZ) == datetime(
        2026, 11, 30, 1, 30, tzinfo=UTC
    )


def subscription() -> Subscription:
    return Subscription(
        1, "telegram", "zh", (Selection("daily_cleaning", 2),), 1, time(15), START, NOW
    )


def test_a_missed_visit_moves_to_the_first_one_still_bookable():
    rules = BookingRules()
    sub = subscription()
    assert after_missed(START, START - timedelta(minutes=30), sub, rules, TZ) == START + timedelta(
        days=7
    )
    three_weeks_down = START + timedelta(days=15)  # Wednesday 9 Dec
    assert after_missed(START, three_weeks_down, sub, rules, TZ) == START + timedelta(days=21)
    ahead = rules.max_days_ahead
    assert slot_problem(START, START - timedelta(minutes=30), rules, ahead) == SkipReason.TOO_LATE
    assert slot_problem(START, START - timedelta(days=7), rules, ahead) is None
    assert slot_problem(START, START - timedelta(days=31), rules, ahead) == SkipReason.TOO_FAR


def test_times_are_hh_mm_and_weekdays_are_0_to_6():
    assert parse_at_time("9:05") == time(9, 5) and parse_at_time("23:59") == time(23, 59)
    for bad in ("24:00", "9", "9:5", "nine"):
        with pytest.raises(DomainError):
            parse_at_time(bad)
    with pytest.raises(DomainError):
        Subscription(1, "telegram", "zh", (), 7, time(9), START, NOW)


def test_pay_with_an_order_number_is_a_customer_command_and_bare_pay_is_not():
    assert parse("支付 #240117").name == "pay"
    assert parse("支付尾款 #240117").number == 240117
    assert parse("pay balance #240117").number == 240117
    assert parse("支付") is None and parse("pay") is None and parse("付款方式?") is None


def conv(**data) -> Conversation:
    return Conversation(flow="recurring", step="list", customer_id=5, data={"recurring": data})


def test_repeat_weekly_asks_for_the_draft_then_subscribes_with_the_chosen_day_and_time():
    c = conv(number=240117)
    out = recurring.enter(CTX, c)
    assert out.step == recurring.Step.CONFIRM
    assert out.commands == [DraftSubscription(5, 240117, None, "")]
    c.step = recurring.Step.DAY
    recurring.on_day(CTX, c, TextReceived(**BASE, text="星期六"))
    c.step = recurring.Step.TIME
    out = recurring.on_time(CTX, c, TextReceived(**BASE, text="下午3点半"))
    assert out.step == recurring.Step.CONFIRM and out.reask
    c.step = recurring.Step.CONFIRM
    assert recurring.ask(CTX, c).commands == [DraftSubscription(5, 240117, 5, "15:30")]
    out = recurring.on_confirm(CTX, c, ChoiceMade(**BASE, key="confirm"))
    assert out.commands == [Subscribe(5, 240117, 5, "15:30")]


def test_a_refused_draft_is_explained_and_leads_back_to_the_menu():
    c = conv(number=240117)
    c.step = recurring.Step.CONFIRM
    refusal = Bilingual("找不到订单 #240117", "No order #240117")
    out = recurring.on_failed(CTX, c, Failed(refusal))
    assert out.goto == "menu" and isinstance(out.replies[0], Say)
    assert out.replies[0].text == refusal.get(c.lang)  # in the conversation's language only
    assert "recurring" not in c.data


def test_stopping_asks_first_and_only_stops_a_listed_subscription():
    sub = {
        "id": 3,
        "item": {"zh": "日常保洁", "en": "Daily cleaning"},
        "weekday": 5,
        "at_time": "09:00",
    }
    c = conv(subs=[sub])
    assert recurring.on_list_choice(CTX, c, ChoiceMade(**BASE, key="stop:4")).reask
    out = recurring.on_list_choice(CTX, c, ChoiceMade(**BASE, key="stop:3"))
    assert out.step == recurring.Step.STOP
    c.step = recurring.Step.STOP
    [question] = recurring.ask(CTX, c).replies
    assert isinstance(question, Ask) and "每周六 09:00 日常保洁" in question.text
    out = recurring.on_stop(CTX, c, ChoiceMade(**BASE, key="yes"))
    assert out.commands == [StopSubscription(5, 3)]


TEMPLATES = NoticeTemplates(TZ, lambda: NOW)


def test_the_hour_reminder_gives_the_worker_a_set_off_button_until_they_set_off():
    data = dict(SAMPLES["reminder_hour_worker"])
    [ask] = TEMPLATES.render(to_worker(1, "reminder_hour_worker", **data), "telegram", "zh")
    assert isinstance(ask, Ask) and [o.key for o in ask.options] == ["act:onway:240117"]
    data["departed"] = True
    [say] = TEMPLATES.render(to_worker(1, "reminder_hour_worker", **data), "telegram", "en")
    assert isinstance(say, Say) and "on the way" in say.text


def test_the_confirm_reminder_says_when_the_order_confirms_itself_or_asks_for_the_balance():
    data = dict(SAMPLES["confirm_reminder"])
    [ask] = TEMPLATES.render(to_customer(1, "confirm_reminder", **data), "wechat", "zh")
    assert ask.options[0].key == "act:confirm:240117" and "12月2日 周三 18:00 自动确认" in ask.text
    data.update(balance=5_000, auto="")
    [ask] = TEMPLATES.render(to_customer(1, "confirm_reminder", **data), "telegram", "en")
    assert ask.options[0].key == "act:pay:240117" and "¥50.00" in ask.text


def test_a_recurring_order_comes_with_a_pay_button_and_a_skip_says_why():
    full = dict(SAMPLES["recurring_order"], amount=12_000, total=12_000)
    [ask] = TEMPLATES.render(to_customer(1, "recurring_order", **full), "telegram", "zh")
    assert ask.options[0].key == "act:pay:240117" and "12月5日 周六 09:00" in ask.text
    assert "定金" not in ask.text and "尾款" not in ask.text  # paid in full: just the amount
    assert ask.options[0].label == "支付 #240117"
    [ask] = TEMPLATES.render(
        to_customer(1, "recurring_order", **SAMPLES["recurring_order"]), "telegram", "en"
    )
    assert ask.options[0].label == "Pay #240117"  # a label, as the other notices' buttons
    # on WeChat a button is words to reply: typed in any case they pay the order
    for typed in ("Pay #240117", "pay #240117", "PAY 240117", "支付 #240117"):
        found = parse(typed)
        assert found is not None and (found.name, found.number) == ("pay", 240117), typed
    data = dict(SAMPLES["recurring_skipped"], reason="unavailable", next="", stopped=True)
    [say] = TEMPLATES.render(to_customer(1, "recurring_skipped", **data), "telegram", "en")
    assert "no longer offered" in say.text and "has stopped" in say.text


def test_the_scheduler_runs_the_reminder_and_recurring_sweeps_and_each_has_a_handler():
    from conversations.services.bus import Services
    from domain.commands import GenerateRecurring, SendReminders
    from scheduler.sweeps import SWEEPS

    services = Services(
        uow=lambda: None,  # type: ignore[arg-type,return-value]
        catalog=CATALOG,
        rules=ALL_RULES,
        clock=lambda: NOW,
        public_url="https://daojia.example",
        sender=None,  # type: ignore[arg-type]
    )
    every = dict(SWEEPS)
    assert every[SendReminders] <= 60 and 600 <= every[GenerateRecurring] <= 900
    assert set(every) <= set(services._handlers)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", ("总价 ¥624.00", "现付定金 ¥187.20", "完工后付尾款 ¥436.80", "应付定金 ¥187.20")),
        (
            "en",
            (
                "Total ¥624.00: a deposit of ¥187.20 now",
                "the balance of ¥436.80 after the job",
                "Deposit of ¥187.20 to pay by",
            ),
        ),
    ],
)
def test_a_recurring_order_paid_with_a_deposit_names_it_the_total_and_the_balance(lang, said):
    [ask] = TEMPLATES.render(
        to_customer(1, "recurring_order", **SAMPLES["recurring_order"]), "telegram", lang
    )
    assert all(s in ask.text for s in said), ask.text
    assert ask.options[0].key == "act:pay:240117"


def test_every_english_notice_button_is_a_label_that_typed_back_does_what_it_does():
    """On WeChat a button is the words to reply: each English one reads as a label ("Pay
    #N", never "pay #N") and, typed in any case, is the command it stands for."""
    import re
    from pathlib import Path

    import conversations

    button = re.compile(r'\["act:(\w+):" ~ \w+, "([^"]+)" ~ \w+\]')
    folder = Path(conversations.__file__).parent / "templates" / "notify" / "en"
    found = [m.groups() for f in folder.glob("*.j2") for m in button.finditer(f.read_text())]
    assert len(found) > 10
    for _action, label in found:
        assert label[0].isupper(), label
        for typed in (f"{label}240117", f"{label.casefold()}240117"):
            parsed = parse(typed)
            assert parsed is not None and parsed.number == 240117, typed
