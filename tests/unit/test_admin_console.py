"""The admin console, as pure handlers: every command with every role (allowed or refused with
the roles it needs), forgiving parsing, help by role, and nothing revealed to customers."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from conversations.events import CommandReceived, TextReceived
from conversations.flows import admin_console, global_words
from conversations.flows.admin_commands import ORDER_COMMANDS, WAITING, build
from conversations.flows.base import Ctx
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.flows.typed_commands import parse
from conversations.replies import Say
from conversations.state import Conversation
from conversations.understanding.days import Toward, day_named
from domain import commands as c
from domain import queries as q
from domain.admin import (
    COMMAND_ROLES,
    ROLES,
    commands_for,
    completion_bp,
    may,
    needed_roles,
    parse_account,
)
from domain.campaigns import Offer, Segment
from domain.errors import DomainError
from domain.rules import MemberLevel
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Monday in Shanghai
BY = "telegram:42"

# one well-formed use of every command: (name, order number, arguments, command it becomes)
EXAMPLES = [
    ("stats", None, "week", q.ShowStats(BY, "{role}", "week")),
    ("orders", None, "waiting 11-24", None),
    ("order", 240117, "", c.ShowOrder(BY, "{role}", 240117)),
    ("audit", 240117, "", q.ShowAudit(BY, "{role}", 240117)),
    ("customer", None, "138 1234 5678", c.ShowCustomer(BY, "{role}", "13812345678")),
    ("relay", 240117, "", c.ShowRelay(BY, "{role}", 240117)),
    ("explain", 240117, "", q.ExplainOrder(BY, "{role}", 240117)),
    ("assign", 240117, "7", c.AssignOrder(BY, "{role}", 240117, 7)),
    ("reassign", 240117, "7", c.ReassignOrder(BY, "{role}", 240117, 7)),
    ("transfer", 240117, "", c.TransferOrder(BY, "{role}", 240117)),
    ("transfer", 240117, "7", c.TransferOrder(BY, "{role}", 240117, 7)),
    ("leave", None, "7 moved away", c.MarkWorkerLeft(BY, "{role}", 7, "moved away")),
    (
        "handover",
        240117,
        "8 2026-12-03",
        c.HandOverPlacement(BY, "{role}", 240117, 8, "2026-12-03"),
    ),
    ("terminate", 240117, "", c.TerminatePlacement(BY, "{role}", 240117, "")),
    ("cancel", 240117, "师傅生病", c.AdminCancelOrder(BY, "{role}", 240117, "师傅生病")),
    (
        "reschedule",
        240117,
        "明天 15:00",
        c.AdminReschedule(BY, "{role}", 240117, datetime(2026, 11, 24, 7, 0, tzinfo=UTC)),
    ),
    ("refund", 240117, "50", c.RefundOrder(BY, "{role}", 240117, 5_000, "req")),
    ("waive", 240117, "不愿支付", c.WaiveBalance(BY, "{role}", 240117, "不愿支付")),
    ("withdrawals", None, "", q.ListWithdrawals()),
    ("payout", None, "3", c.DecideWithdrawal(BY, "{role}", 3, True, "")),
    ("reject_withdrawal", None, "3 bank", c.DecideWithdrawal(BY, "{role}", 3, False, "bank")),
    ("refunded", None, "RFD1", c.MarkRefunded(BY, "{role}", "RFD1")),
    ("refund_card", None, "12 moved away", c.RefundCard(12, BY, "{role}", "moved away")),
    (
        "ledger",
        None,
        "2026-11-01 2026-11-30",
        c.ExportLedger(BY, "{role}", "2026-11-01", "2026-11-30"),
    ),
    ("workers", None, "pending", q.ListWorkers("pending")),
    ("worker", None, "7", c.ShowWorker(BY, "{role}", 7)),
    ("approve", None, "7", c.ReviewWorker(BY, "{role}", 7, True, "")),
    ("reject", None, "7 blurred", c.ReviewWorker(BY, "{role}", 7, False, "blurred")),
    ("renewals", None, "", q.ListRenewals(BY, "{role}")),
    ("approve_cert", None, "7", c.ReviewCertificates(BY, "{role}", 7, True, "")),
    ("reject_cert", None, "7 blurred", c.ReviewCertificates(BY, "{role}", 7, False, "blurred")),
    ("suspend", None, "7 late 3 times", c.SuspendWorker(BY, "{role}", 7, True, "late 3 times")),
    ("unsuspend", None, "7", c.SuspendWorker(BY, "{role}", 7, False, "")),
    ("coupon", None, "issue 5 30 7", c.IssueCoupon(BY, "{role}", "5", 3_000, 7)),
    (
        "promo",
        None,
        "spring20 20 100",
        c.CreatePromo(BY, "{role}", "spring20", 2_000, 10_000, 30, 1000, 1),
    ),
    ("prices", None, "", c.SetPrice(BY, "{role}", "")),
    ("price", None, "daily_cleaning 45", c.SetPrice(BY, "{role}", "daily_cleaning", 4_500)),
    ("broadcast", None, "春节照常服务", c.Broadcast(BY, "{role}", "春节照常服务")),
    ("broadcast", None, "send #12", c.SendBroadcast(BY, "{role}", 12)),
    ("broadcast", None, "确认 12", c.SendBroadcast(BY, "{role}", 12)),
    ("admin", None, "add telegram:7 ops", c.ManageAdmin(BY, "{role}", "add", "telegram:7", "ops")),
    ("complaints", None, "", q.ListComplaints()),
    ("complaint", None, "3", c.ShowComplaint(BY, "{role}", 3)),
    ("reply", None, "3 师傅明天回访", c.ReplyComplaint(BY, "{role}", 3, "师傅明天回访")),
    ("reply", None, "T12 明天回电", c.ReplyTicket(BY, "{role}", 12, "明天回电")),
    ("tickets", None, "", c.ListTickets(BY, "{role}")),
    ("ticket", None, "T12", c.ShowTicket(BY, "{role}", 12)),
    ("take", None, "t12", c.TakeTicket(BY, "{role}", 12)),
    ("close", None, "T12", c.CloseTicket(BY, "{role}", 12)),
    (
        "resolve",
        None,
        "3 partial 45",
        c.ResolveComplaint(BY, "{role}", 3, "partial", amount_cents=4_500),
    ),
    ("release", 240117, "", c.ReleaseOrder(BY, "{role}", 240117)),
    ("levels", None, "7", c.RecalculateLevels(BY, "{role}", 7)),
    ("spotchecks", None, "", q.ListSpotChecks()),
    ("checked", None, "2 合格", c.CloseSpotCheck(BY, "{role}", 2, "合格")),
    ("dashboard", None, "", c.OpenDashboard(BY, "{role}")),
    ("invoices", None, "failed 待开票", q.ListInvoices(BY, "{role}", ("failed", "requested"))),
    ("invoices", None, "retry 3", c.RetryInvoice(BY, "{role}", 3)),
    (
        "campaign",
        None,
        "等级=黄金 沉睡=30 金额=20",
        c.PreviewCampaign(BY, "{role}", Segment(MemberLevel.GOLD, 30), Offer(2_000, 10_000, 14)),
    ),
    ("campaigns", None, "", c.ListCampaigns(BY, "{role}")),
]


def ctx(role: str) -> Ctx:
    return Ctx(CATALOG, RULES, NOW, "https://daojia.example", role)


def run(role: str, name: str, number: int | None, args: str):
    conv = Conversation(flow="admin", step="console", role="admin", lang="en")
    action = admin_console.AdminCommand(name, number, args, BY, "req")
    return admin_console.run(ctx(role), conv, action)


def test_the_examples_cover_every_admin_command():
    assert {name for name, *_ in EXAMPLES} == set(COMMAND_ROLES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "number", "args", "expected"), EXAMPLES)
def test_each_command_runs_for_the_roles_allowed_and_names_the_roles_it_needs_otherwise(
    role, name, number, args, expected
):
    out = run(role, name, number, args)
    if may(role, name):
        assert len(out.commands) == 1, out.replies
        cmd = out.commands[0]
        if expected is not None:
            if hasattr(expected, "role"):
                expected = replace(expected, role=role)
            assert cmd == expected
        assert not out.replies
    else:
        assert out.commands == []
        (reply,) = out.replies
        assert isinstance(reply, Say)
        assert f"/{name} needs the {' or '.join(needed_roles(name))} role" in reply.text


def test_the_role_rules_of_the_design():
    assert commands_for("owner") == list(COMMAND_ROLES)
    assert not may("support", "refund") and not may("support", "cancel")
    assert not may("finance", "reassign") and not may("finance", "assign")
    assert may("finance", "refund") and may("finance", "payout") and may("finance", "stats")
    assert may("ops", "reassign") and may("ops", "suspend") and not may("ops", "payout")
    assert may("support", "order") and may("support", "orders") and not may("support", "stats")
    for owner_only in ("price", "broadcast", "admin"):
        assert needed_roles(owner_only) == ("owner",)


@pytest.mark.parametrize("role", ROLES)
def test_help_lists_only_what_the_role_may_do(role):
    out = admin_console.ask(ctx(role), Conversation(role="admin", lang="en"))
    text = out.replies[0].text
    for name, usage in admin_console.HELP.items():
        if name in COMMAND_ROLES and name != "admin":
            assert (usage.get("en") in text) == may(role, name), (role, name)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/REFUND  #240117  ¥50元", c.RefundOrder(BY, "finance", 240117, 5_000, "req")),
        ("/refund 240117 12.5", c.RefundOrder(BY, "finance", 240117, 1_250, "req")),
        ("退款 #240117 50 again", c.RefundOrder(BY, "finance", 240117, 5_000, "req", True)),
        ("/orders 卡单", q.ListOrders(BY, "finance", (), "", True)),
        ("订单列表", q.ListOrders(BY, "finance", (), "", False)),
        ("/orders 派单中 明天", q.ListOrders(BY, "finance", ("dispatching",), "2026-11-24")),
        ("/orders Paid 2026-11-20", q.ListOrders(BY, "finance", ("paid",), "2026-11-20")),
        ("/orders new", q.ListOrders(BY, "finance", (), "", False, True)),
        ("/orders NEW 昨天", q.ListOrders(BY, "finance", (), "2026-11-22", False, True)),
        ("订单列表 新单 待接单", q.ListOrders(BY, "finance", WAITING, "", False, True)),
        ("/orders 13812345678", q.ListCustomerOrders(BY, "finance", "13812345678")),
        ("/orders +86 138-1234-5678", q.ListCustomerOrders(BY, "finance", "13812345678")),
        ("/orders 客户 12", q.ListCustomerOrders(BY, "finance", "", 12)),
        ("订单列表 客户12", q.ListCustomerOrders(BY, "finance", "", 12)),
        ("/orders customer #1234567", q.ListCustomerOrders(BY, "finance", "", 1234567)),
        ("/customer 8613812345678", c.ShowCustomer(BY, "finance", "13812345678")),
        ("/customer (138) 1234 5678", c.ShowCustomer(BY, "finance", "13812345678")),
        ("/customer +44 20 7946 0958", c.ShowCustomer(BY, "finance", "+442079460958")),
        ("/customer #12", c.ShowCustomer(BY, "finance", "", 12)),
        ("客户 1234567", c.ShowCustomer(BY, "finance", "", 1234567)),
        ("查客户 138 1234 5678", c.ShowCustomer(BY, "finance", "13812345678")),
        (
            "/customer １３８\u3000１２３４\u3000５６７８",
            c.ShowCustomer(BY, "finance", "13812345678"),
        ),
        (
            "/orders ＋８６－１３８１２３４５６７８",
            q.ListCustomerOrders(BY, "finance", "13812345678"),
        ),
        ("统计 week", q.ShowStats(BY, "finance", "week")),
        ("stats", q.ShowStats(BY, "finance", "today")),
        ("/coupon 13800138000 20", c.IssueCoupon(BY, "finance", "13800138000", 2_000, 30)),
        # a phone as people write it, as /customer takes it (it was the usage)
        (
            "/coupon issue 138 0013 8000 20 7",
            c.IssueCoupon(BY, "finance", "13800138000", 2_000, 7),
        ),
        (
            "/coupon issue +86 138-0013-8000 15",
            c.IssueCoupon(BY, "finance", "13800138000", 1_500, 30),
        ),
        ("/coupon issue 12 20 7", c.IssueCoupon(BY, "finance", "12", 2_000, 7)),
        (
            "/coupon issue +442079460958 20",
            c.IssueCoupon(BY, "finance", "+442079460958", 2_000, 30),
        ),
        (
            "/coupon １３８００１３８０００ 20",
            c.IssueCoupon(BY, "finance", "13800138000", 2_000, 30),
        ),
        ("/coupon 12 20", c.IssueCoupon(BY, "finance", "12", 2_000, 30)),
        (
            "/promo SPRING20 20 每人2次 满100 500张 7天",
            c.CreatePromo(BY, "finance", "SPRING20", 2_000, 10_000, 7, 500, 2),
        ),
        ("/price 日常保洁 45", c.SetPrice(BY, "finance", "日常保洁", 4_500)),
        ("/price Regular cleaning 45", c.SetPrice(BY, "finance", "Regular cleaning", 4_500)),
        ("/admin remove telegram:9", c.ManageAdmin(BY, "finance", "remove", "telegram:9")),
    ],
)
def test_commands_are_read_forgivingly(typed, expected):
    t = parse(typed)
    assert t is not None and t.group == "admin"
    assert build(ctx("finance"), t.name, t.number, t.args, BY, "req") == expected


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("stats", "year"),
        ("orders", "whenever"),
        ("orders", "12"),  # a bare number: an order's (/order), never a customer's guessed
        ("orders", "13812345678 live"),
        ("orders", "客户 abc"),
        ("orders", "new stuck"),  # the stuck orders are all of them, new or not
        ("orders", "new new"),
        ("customer", ""),
        ("customer", "张三"),
        ("customer", "138-1234"),
        ("refund", "fifty"),
        ("refund", "0"),
        ("reassign", "someone"),
        ("suspend", "7"),  # a reason is needed
        ("coupon", "issue 5"),
        ("promo", "SPRING20"),
        ("promo", "SPRING20 20 soon"),
        ("promo", "SPRING20 20 1 2 3 4 5"),
        ("broadcast", ""),
        ("admin", "promote telegram:7"),
    ],
)
def test_a_malformed_command_gets_its_usage(name, args):
    out = run("owner", name, 240117 if name in ("refund", "reassign") else None, args)
    assert out.commands == [] and out.replies[0].text.startswith("Usage: /")


@pytest.mark.parametrize("text", ["go shopping", "确认 收到", "send #soon", "Send it"])
def test_a_broadcast_starting_with_a_confirm_word_but_no_draft_number_is_previewed(text):
    out = run("owner", "broadcast", None, text)
    assert out.commands == [c.Broadcast(BY, "owner", text)] and not out.replies


def parse_day(word: str, today: date) -> date | None:
    """A day as the admins' commands read one: the nearest such day."""
    return day_named(word, today, toward=Toward.NEAREST)


def test_days_are_read_in_the_business_calendar():
    today = NOW.date()
    assert parse_day("yesterday", today).isoformat() == "2026-11-22"
    assert parse_day("11月20日", today).isoformat() == "2026-11-20"  # not rolled to next year
    assert parse_day("2027/1/2", today).isoformat() == "2027-01-02"
    assert parse_day("2月30日", today) is None
    # without a year, the nearest such day: across New Year either way
    assert parse_day("12-28", date(2027, 1, 5)) == date(2026, 12, 28)
    assert parse_day("1月3日", date(2026, 12, 28)) == date(2027, 1, 3)
    assert parse_day("2-29", date(2027, 12, 1)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("11-20", "2026-11-20"),  # three days ago, not next year's
        ("11月20日", "2026-11-20"),
        ("Nov 20", "2026-11-20"),
        ("20 November", "2026-11-20"),
        ("昨天", "2026-11-22"),
        ("周五", "2026-11-20"),  # on a Monday: last Friday is nearer than next
        ("周三", "2026-11-25"),
        ("下周一", "2026-11-30"),
        ("next Monday", "2026-11-30"),
        ("20号", "2026-11-20"),
    ],
)
def test_orders_of_a_day_read_the_days_every_screen_reads_the_nearest_one(typed, day):
    wanted = q.ListOrders(BY, "finance", (), day)
    assert build(ctx("finance"), "orders", None, typed, BY, "req") == wanted


def test_completion_rate_counts_done_against_cancelled_orders_only():
    assert completion_bp(3, 1) == 7_500 and completion_bp(0, 0) is None


def _route(role: str, conv: Conversation, event):
    return global_words.route(CUSTOMER_FLOWS, ctx(role), conv, event)


BASE = {"channel": "telegram", "user_id": "5", "at": NOW, "message_id": "m1"}


@pytest.mark.parametrize(
    "command",
    # /transfer: a worker's too; /reschedule #N: a customer's own order (DESIGN §2);
    # /customer: everyone's switch to booking as a customer
    sorted(set(COMMAND_ROLES) - {"orders", "cancel", "transfer", "reschedule", "customer"}),
)
def test_to_a_customer_admin_commands_do_not_exist(command):
    conv = Conversation(flow="menu", step="menu", customer_id=5, lang="en")
    out = _route("", conv, CommandReceived(**BASE, command=command, args="#240117 50"))
    (reply,) = out.replies
    assert reply.text == f"Unknown command /{command}. Send 'help' to see what I can do."
    assert not out.commands
    assert "admin" not in conv.data and out.goto is None
    # typed without a slash it is just text for the flow they are in
    assert _route("", conv, TextReceived(**BASE, text=f"{command} 240117 50")) is None


def test_customer_alone_is_still_the_switch_to_booking_and_with_a_phone_the_admins_card():
    for role in ("", "support"):  # a customer's /customer, and staff's without a phone
        conv = Conversation(flow="admin", step="console", customer_id=5, role="admin")
        out = _route(role, conv, CommandReceived(**BASE, command="customer"))
        assert out.goto == "menu" and conv.role == "customer" and "admin" not in conv.data
        conv = Conversation(flow="admin", step="console", customer_id=5, role="admin")
        assert _route(role, conv, TextReceived(**BASE, text="customer")).goto == "menu"
    # to a customer, /customer with anything after it is the switch too, never "unknown"
    customer = Conversation(flow="menu", step="menu", customer_id=5, lang="en")
    out = _route("", customer, CommandReceived(**BASE, command="customer", args="13812345678"))
    assert out.goto == "menu" and not out.replies and "admin" not in customer.data
    assert _route("", customer, TextReceived(**BASE, text="客户 13812345678")) is None
    staff = Conversation(flow="menu", step="menu", customer_id=5, role="customer")
    out = _route("support", staff, CommandReceived(**BASE, command="customer", args="12"))
    assert out.goto == "admin" and staff.data["admin"]["name"] == "customer"
    assert staff.data["admin"]["args"] == "12"


def test_orders_and_cancel_keep_their_customer_meaning():
    customer = Conversation(flow="menu", step="menu", customer_id=5, lang="en")
    moving = _route("", customer, CommandReceived(**BASE, command="reschedule", args="#240117"))
    assert moving.goto == "orders" and customer.data["orders"]["action"] == "reschedule"
    assert customer.data["orders"]["number"] == 240117
    customer.data.clear()
    assert _route("", customer, CommandReceived(**BASE, command="orders")).goto == "orders"
    assert _route("", customer, CommandReceived(**BASE, command="cancel")).goto == "menu"
    # staff who book as customers too: their own orders while in the customer role…
    assert _route("ops", customer, CommandReceived(**BASE, command="orders")).goto == "orders"
    # …the admin list at the console; /cancel without an order stops what they were doing…
    staff = Conversation(flow="admin", step="console", customer_id=5, role="admin")
    assert _route("ops", staff, CommandReceived(**BASE, command="orders")).goto == "admin"
    assert staff.data["admin"]["name"] == "orders"
    staff.data.pop("admin")
    away = Conversation(flow="me", step="menu", customer_id=5, role="admin")
    out = _route("ops", away, CommandReceived(**BASE, command="cancel"))
    assert out.goto == "admin" and "admin" not in away.data  # just back to the console
    # …but at the console there is nothing to stop: it is the admin's /cancel (its usage)
    out = _route("ops", staff, CommandReceived(**BASE, command="cancel"))
    assert out.goto == "admin" and staff.data["admin"]["name"] == "cancel"
    staff.data.pop("admin")
    out = _route("ops", staff, CommandReceived(**BASE, command="cancel", args="#240117"))
    assert out.goto == "admin" and staff.data["admin"]["number"] == 240117
    assert staff.data["admin"]["request"] == "telegram:5:m1"
    staff.data.pop("admin")  # at the console /reschedule is the admin's
    out = _route("ops", staff, CommandReceived(**BASE, command="reschedule", args="#240117"))
    assert out.goto == "admin" and staff.data["admin"]["name"] == "reschedule"


ABOUT_AN_ORDER = sorted({*ORDER_COMMANDS, "assign"})


@pytest.mark.parametrize("name", ABOUT_AN_ORDER)
@pytest.mark.parametrize("args", ["", "#abc", "abc 7"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_command_about_an_order_without_its_number_answers_its_usage(name, args, lang):
    """``/cancel`` or ``/cancel #abc`` at the console used to answer "已取消。" (a flow
    stopped) and then the whole command list: nothing was cancelled, nothing said how."""
    for event in (
        CommandReceived(**BASE, command=name, args=args),
        TextReceived(**BASE, text=f"/{name} {args}".strip()),
    ):
        conv = Conversation(flow="admin", step="console", role="admin", lang=lang)
        routed = _route("owner", conv, event)
        assert routed.goto == "admin" and not routed.replies, (name, args)
        out = admin_console.enter(ctx("owner"), conv)
        (reply,) = out.replies
        usage = admin_console.HELP[name].get(lang)
        assert reply.text == ("Usage: " if lang == "en" else "用法:") + usage, reply.text
        assert not out.commands and out.goto is None


def test_someone_no_longer_an_admin_is_shown_no_console():
    conv = Conversation(flow="admin", step="console", role="admin", customer_id=5)
    out = admin_console.on_text(ctx(""), conv, TextReceived(**BASE, text="hello"))
    assert out.goto == "menu" and not out.replies and conv.role == "customer"
    stranger = Conversation(flow="admin", step="console", role="admin")
    assert admin_console.ask(ctx(""), stranger).goto == "start"


@pytest.mark.parametrize(
    "account",
    ["telegram:abc", "telegram:0", "telegram:1" + "0" * 20, "telegram:１２", "wechat:a b"]
    + ["wechat:o", "web:someone", "web:0123456789abcdef-boss", "loop:" + "x" * 65],
)
def test_an_account_nobody_could_be_reached_at_is_refused(account):
    """``/admin add`` of such an account used to be granted; every admin notice to it then
    failed in the outbox, on each retry."""
    with pytest.raises(DomainError):
        parse_account(account, ("telegram", "wechat", "web", "loop"))


@pytest.mark.parametrize(
    "account",
    ["telegram:777", "wechat:oAbc_123-xyzABCdef", "web:0123456789abcdef-admin"]
    + ["loop:night-shift"],
)
def test_an_account_of_each_channel_is_read(account):
    channel, _, user_id = account.partition(":")
    assert parse_account(account, ("telegram", "wechat", "web", "loop")) == (channel, user_id)
