"""Risk rules: the message rate limit's windows and verdicts, and the confirmation code that
a big order's checkout asks for."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import checkout
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.replies import Ask
from conversations.state import Conversation
from domain.commands import PlaceOrder
from domain.queries import PreviewQuote
from domain.risk import (
    RATE_WINDOW_S,
    RateVerdict,
    needs_confirm_code,
    rate_verdict,
    rate_window,
)
from domain.rules import RiskRules
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "web", "user_id": "u1", "at": NOW}
LIMIT = RULES.risk.confirm_code_above_cents


def test_windows_are_fixed_minutes_of_the_epoch():
    start = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert RATE_WINDOW_S == 60
    assert rate_window(start) == int(start.timestamp()) // 60
    assert rate_window(start + timedelta(seconds=59.999)) == rate_window(start)
    assert rate_window(start + timedelta(seconds=60)) == rate_window(start) + 1
    assert rate_window(start - timedelta(microseconds=1)) == rate_window(start) - 1
    assert rate_window(start, length_s=3600) == int(start.timestamp()) // 3600


def test_the_first_message_over_the_limit_warns_and_the_rest_are_dropped_silently():
    verdicts = [rate_verdict(count, 3) for count in range(1, 8)]
    assert verdicts == [RateVerdict.ALLOW] * 3 + [RateVerdict.WARN] + [RateVerdict.DROP] * 3
    assert rate_verdict(1, 1) == RateVerdict.ALLOW and rate_verdict(2, 1) == RateVerdict.WARN


def test_a_code_is_needed_only_above_the_threshold():
    rules = RiskRules(confirm_code_above_cents=200_000)
    assert not needs_confirm_code(200_000, rules)
    assert needs_confirm_code(200_001, rules)
    assert not needs_confirm_code(0, rules)


def at_quote(total_cents: int) -> Conversation:
    start = datetime.fromisoformat("2026-11-24T10:00:00+08:00")
    draft = Draft(
        category="cleaning",
        item="deep_cleaning",
        options=[],
        quantity=300,
        day=start.date(),
        start=start,
        address_text="静安区南京西路1000号8楼",
        notes="",
    )
    data = {
        "booking": draft.to_json(),
        "checkout": checkout.State(total_cents=total_cents).to_json(),
    }
    return Conversation(flow="checkout", step="quote", customer_id=7, data=data)


def code_asked(conv: Conversation) -> str:
    return checkout.state(conv).code


def choice(key: str) -> ChoiceMade:
    return ChoiceMade(**BASE, key=key)


def text(value: str) -> TextReceived:
    return TextReceived(**BASE, text=value)


def asked_code(conv: Conversation) -> str:
    out = checkout.on_quote_choice(CTX, conv, choice("confirm"))
    assert out.step == "code" and out.reask and out.commands == []
    conv.step = out.step
    code = code_asked(conv)
    assert len(code) == 6 and code.isdigit()
    [question] = checkout.ask(CTX, conv).replies
    assert isinstance(question, Ask) and code in question.text and "¥" in question.text
    return code


def placed(out) -> PlaceOrder:
    [command] = out.commands
    assert isinstance(command, PlaceOrder) and out.step == "quote"
    return command


def test_an_order_at_the_threshold_is_placed_on_confirm_without_a_code():
    conv = at_quote(LIMIT)
    command = placed(checkout.on_quote_choice(CTX, conv, choice("confirm")))
    assert command.expected_total_cents == LIMIT and code_asked(conv) == ""


def test_a_bigger_order_is_placed_only_with_the_code_shown():
    conv = at_quote(LIMIT + 1)
    code = asked_code(conv)
    command = placed(checkout.on_code(CTX, conv, text(f" {code} ")))
    assert command.expected_total_cents == LIMIT + 1
    assert command.booking.customer_id == 7 and code_asked(conv) == ""


def test_the_code_may_be_typed_with_full_width_digits():
    conv = at_quote(LIMIT + 1)
    code = asked_code(conv)
    wide = "".join(chr(ord(d) - ord("0") + ord("０")) for d in code)
    placed(checkout.on_code(CTX, conv, text(wide)))


def test_codes_are_fresh_each_time():
    codes = {asked_code(at_quote(LIMIT + 1)) for _ in range(20)}
    assert len(codes) > 15  # 6 random digits: twenty draws virtually never collide much


def test_a_wrong_code_places_nothing_and_three_send_the_customer_back_to_the_quote():
    conv = at_quote(LIMIT + 1)
    code = asked_code(conv)
    wrong = "000000" if code != "000000" else "111111"
    for left in (2, 1):
        out = checkout.on_code(CTX, conv, text(wrong))
        assert out.commands == [] and out.step is None and out.reask
        assert "验证码不对" in out.replies[0].text and f"{left} 次" in out.replies[0].text
    out = checkout.on_code(CTX, conv, text(wrong))
    assert out.commands == [] and out.step == "quote" and out.reask
    assert "3 次不对" in out.replies[0].text
    assert code_asked(conv) == ""
    conv.step = "quote"
    assert isinstance(checkout.ask(CTX, conv).commands[0], PreviewQuote)
    out = checkout.on_code(CTX, conv, text(code))  # the old code is void now
    assert out.commands == [] and out.step == "quote"


def test_the_old_confirm_button_does_not_skip_the_code_and_back_returns_to_the_quote():
    conv = at_quote(LIMIT + 1)
    asked_code(conv)
    out = checkout.on_code_choice(CTX, conv, choice("confirm"))
    assert out.commands == [] and out.step is None and out.reask
    out = checkout.on_code_choice(CTX, conv, choice("quote"))
    assert out.step == "quote" and out.reask and code_asked(conv) == ""


def test_the_threshold_comes_from_the_rules():
    ctx = replace(CTX, rules=replace(RULES, risk=replace(RULES.risk, confirm_code_above_cents=0)))
    conv = at_quote(1)
    assert checkout.on_quote_choice(ctx, conv, choice("confirm")).step == "code"


def test_link_code_windows_end_at_the_clock_hour_and_the_local_midnight():
    from zoneinfo import ZoneInfo

    from domain.risk import link_locks, link_windows

    shanghai = ZoneInfo("Asia/Shanghai")
    at = datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)  # 23:59:59 Monday in Shanghai
    asker, hour, day = link_windows("telegram:7", "h", at, shanghai, RULES.risk)
    assert (
        asker.key == "asker-h:telegram:7" and asker.cap == RULES.risk.link_codes_per_asker_per_hour
    )
    assert hour.key == "target-h:h" and hour.until == datetime(2026, 11, 23, 16, tzinfo=UTC)
    assert day.key == "target-d:h" and day.until == datetime(2026, 11, 23, 16, tzinfo=UTC)
    assert day.cap == RULES.risk.link_codes_per_target_per_day
    _, hour, day = link_windows("telegram:7", "h", at + timedelta(seconds=1), shanghai, RULES.risk)
    assert hour.until == datetime(2026, 11, 23, 17, tzinfo=UTC)
    assert day.until == datetime(2026, 11, 24, 16, tzinfo=UTC)  # the next local midnight
    assert link_locks("web:u", "h") == ("lock-asker:web:u", "lock-target:h")
    assert link_locks("web:u", "") == ("lock-asker:web:u",)  # a number never named: the asker


def test_the_link_code_caps_come_from_the_rules_file():
    from store.rules_operations import RiskSpec

    rules = RiskSpec(
        link_lockout_minutes=30,
        link_codes_per_target_per_hour=2,
        link_codes_per_target_per_day=4,
        link_codes_per_asker_per_hour=3,
    ).build()
    assert (rules.link_lockout_minutes, rules.link_codes_per_target_per_hour) == (30, 2)
    assert (rules.link_codes_per_target_per_day, rules.link_codes_per_asker_per_hour) == (4, 3)
    assert RULES.risk.link_codes_per_target_per_hour == 3  # the demo catalog's
