"""The admin console's screens, driven with typed results as the engine drives them (by the
result's exact type): every admin result has its screen, times are shown in the business time
zone, and each screen reads as it did when results were dicts (the texts below were rendered by
the dict screens they replace)."""

import inspect
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from conversations.events import Result
from conversations.flows import admin_console
from conversations.flows.admin_trail_text import WHAT_TEXT
from conversations.flows.base import Ctx
from conversations.replies import Say
from conversations.results import admin_after_sales as ra
from conversations.results import admin_money as rm
from conversations.results import admin_orders as ro
from conversations.results import admin_people as rp
from conversations.state import Conversation
from domain.lifecycle import OrderStatus
from domain.oversight import Attention, Flag, TrailEntry
from domain.text import Bilingual
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
EVENING = datetime(2026, 11, 22, 17, 5, tzinfo=UTC)  # 01:05 on the 23rd in Shanghai
NOON = datetime(2026, 11, 23, 3, 30, tzinfo=UTC)  # 11:30 in Shanghai
CLEANING = Bilingual("日常保洁", "Regular cleaning")


def show(result: Result, lang: str = "zh", role: str = "owner"):
    """What the console answers ``result`` with, looked up as the engine does."""
    conv = Conversation(flow="admin", step="console", role="admin", lang=lang)
    handler = admin_console.TRANSITIONS[(admin_console.Step.CONSOLE, type(result))]
    out = handler(Ctx(CATALOG, RULES, NOW, "https://daojia.example", role), conv, result)
    assert not out.commands and out.goto is None
    return out.replies


def text(result: Result, lang: str = "zh") -> str:
    (reply,) = show(result, lang)
    assert isinstance(reply, Say)
    return reply.text


def test_every_admin_result_has_a_screen_at_the_console():
    results = {
        kind
        for module in (ro, rp, rm, ra)
        for _, kind in inspect.getmembers(module, inspect.isclass)
        if issubclass(kind, Result) and kind.__module__ == module.__name__
    }
    assert len(results) == 37
    shown = {kind for step, kind in admin_console.TRANSITIONS if issubclass(kind, Result)}
    assert results <= shown, results - shown


LINES = (
    ro.OrderLine(240117, "accepted", CLEANING, EVENING, "浦东", "王师傅", 8800, (Attention.LATE,)),
    ro.OrderLine(240119, "paid", Bilingual("gone_item", "gone_item"), NOON, "", "", 100, ()),
)
FLAGS = (Flag(240117, Attention.LATE, EVENING), Flag(240118, Attention.HELD, NOON))


def listed(**kw) -> ro.OrdersListed:
    values = dict(
        stuck_only=False,
        statuses=(),
        day=None,
        today_by_default=True,
        total=5,
        money=True,
        orders=LINES,
        flags=FLAGS,
    )
    return ro.OrdersListed(**{**values, **kw})


def test_order_lists_show_times_in_the_business_time_zone_and_amounts_only_to_who_sees_them():
    assert text(listed()) == (
        "订单(今天):共 5 单\n"
        "#240117 11月23日 周一 01:05 日常保洁 已接单 王师傅 ¥88.00 ⚠师傅迟到\n"
        "#240119 11月23日 周一 11:30 gone_item 已支付 ¥1.00\n"
        "……还有 3 单\n"
        "⚠ 共 2 单需处理:/orders stuck"
    )
    assert text(
        listed(statuses=("paid",), today_by_default=False, total=2, money=False), "en"
    ) == (
        "Orders (paid): 2\n"
        "#240117 Mon 23 Nov 01:05 Regular cleaning accepted 王师傅 ⚠worker late\n"
        "#240119 Mon 23 Nov 11:30 gone_item paid\n"
        "⚠ 2 orders need attention: /orders stuck"
    )
    dated = listed(day=date(2026, 11, 20), today_by_default=False, total=2, flags=())
    assert text(dated, "en").startswith("Orders (Fri 20 Nov): 2\n")  # a day as every screen has it
    assert text(dated).startswith("订单(11月20日 周五):共 2 单\n")
    far = listed(day=date(2027, 11, 20), today_by_default=False, total=2, flags=())
    assert text(far, "en").startswith("Orders (Sat 20 Nov 2027): 2\n")
    # "/orders today" names the day as "/orders" does (CTX's day in Shanghai: 23 Nov)
    named_today = listed(day=date(2026, 11, 23), today_by_default=False, total=2, flags=())
    assert text(named_today, "en").startswith("Orders (today): 2\n")  # not the button's Today
    assert text(named_today).startswith("订单(今天):共 2 单\n")
    paid_today = listed(statuses=("paid",), day=date(2026, 11, 23), today_by_default=False)
    assert text(paid_today, "en").startswith("Orders (paid · today): 5\n")
    assert text(listed(stuck_only=True)) == (
        "⚠ 需处理 2 单:\n#240117 师傅迟到 (11月23日 周一 01:05)\n"
        "#240118 风控待审 (11月23日 周一 11:30)"
    )
    assert text(listed(stuck_only=True, flags=()), "en") == "No stuck orders ✅"
    one = text(listed(stuck_only=True, flags=FLAGS[:1]), "en")
    assert one.startswith("⚠ 1 order needs attention:\n"), one


def test_more_orders_needing_someone_than_read_are_said_to_be_more_not_the_number_read():
    """131 orders waited for a worker: /orders said "⚠ 共 50 单需处理" and /orders stuck "⚠ 需处理
    50 单" — the number read, not the number there were — and listed 30 of them without a
    word of the rest."""
    many = tuple(Flag(240200 + i, Attention.NO_WORKER, NOON) for i in range(40))
    assert text(listed(flags=many)).endswith("⚠ 共 40 单需处理:/orders stuck")
    stuck = text(listed(stuck_only=True, flags=many)).splitlines()
    assert stuck[0] == "⚠ 需处理 40 单:" and stuck[-1] == "……还有 10 单", stuck
    assert len(stuck) == 32
    more = listed(flags=many, flags_more=True)
    assert text(more).endswith("⚠ 超过 40 单需处理:/orders stuck")
    assert text(more, "en").endswith("⚠ More than 40 orders need attention: /orders stuck")
    stuck = text(listed(stuck_only=True, flags=many, flags_more=True)).splitlines()
    assert stuck[0] == "⚠ 超过 40 单需处理,最早的:" and stuck[-1] == "……还有 10+ 单", stuck


NEW_LINES = (
    ro.OrderLine(240121, "dispatching", CLEANING, NOON.replace(day=25), "浦东", "", 8800, ()),
    ro.OrderLine(240120, "paid", CLEANING, NOON.replace(day=24), "", "", 6000, ()),
)


def test_todays_list_adds_the_orders_booked_today_for_later_days_apart():
    """By service day, an order just paid for tomorrow is not today's: the section names it;
    beyond the first few, ``/orders new`` lists them all."""
    later = listed(flags=(), total=2, later=NEW_LINES, later_total=2)
    assert text(later).splitlines()[3:] == [
        "今天新成交、之后上门:共 2 单",
        "#240121 11月25日 周三 11:30 日常保洁 派单中 ¥88.00",
        "#240120 11月24日 周二 11:30 日常保洁 已支付 ¥60.00",
    ]
    more = text(listed(flags=(), total=2, later=NEW_LINES, later_total=9), "en")
    assert more.splitlines()[3] == "Booked today for later days: 9"
    assert more.splitlines()[-1] == "… and 7 more: /orders new"
    assert "新成交" not in text(listed(flags=(), total=2))  # none: no section


def test_the_orders_booked_on_a_day_are_headed_so():
    new = listed(new=True, today_by_default=False, total=2, orders=NEW_LINES, flags=())
    assert text(new).splitlines()[0] == "订单(新成交 · 今天):共 2 单"
    assert text(new, "en").splitlines()[0] == "Orders (new · today): 2"
    dated = replace(new, day=date(2026, 11, 20))
    assert text(dated, "en").splitlines()[0] == "Orders (new · Fri 20 Nov): 2"
    waiting = replace(new, statuses=("paid", "dispatching"))
    assert text(waiting).splitlines()[0] == "订单(新成交 · 待接单 · 今天):共 2 单"


def test_a_days_stuck_orders_name_the_day():
    on = date(2026, 11, 24)
    one = listed(stuck_only=True, day=on, today_by_default=False, flags=FLAGS[:1])
    assert text(one).startswith("⚠ 需处理 1 单(11月24日 周二):\n#240117 师傅迟到")
    assert text(one, "en").startswith("⚠ 1 order needs attention (Tue 24 Nov):\n")
    none = listed(stuck_only=True, day=on, today_by_default=False, flags=())
    assert text(none, "en") == "No stuck orders (Tue 24 Nov) ✅"
    today = listed(stuck_only=True, day=date(2026, 11, 23), today_by_default=False, flags=())
    assert text(today) == "没有卡住的订单(今天)✅"


LIVE = ("accepted", "on_the_way", "arrived", "in_service")


@pytest.mark.parametrize(
    ("statuses", "day", "zh", "en"),
    [
        (LIVE, None, "订单(进行中):共 1 单", "Orders (live): 1"),
        (
            ("paid", "dispatching"),
            None,
            "订单(待接单):共 1 单",
            "Orders (waiting for a worker): 1",
        ),
        (
            ("on_the_way", "arrived"),
            date(2026, 11, 20),
            "订单(师傅在路上、师傅已到达 · 11月20日 周五):共 1 单",
            "Orders (worker on the way, worker arrived · Fri 20 Nov): 1",
        ),
        (
            ("paid", "dispatching", *LIVE, "cancelled"),
            None,
            "订单(待接单、进行中、已取消):共 1 单",
            "Orders (waiting for a worker, live, cancelled): 1",
        ),
    ],
)
def test_the_list_header_names_the_statuses_asked_for_apart(statuses, day, zh, en):
    """``/orders live`` used to head its list "Orders accepted worker on the way worker
    arrived in service: 1" ("订单 已接单 师傅在路上 师傅已到达 服务中:共 0 单")."""
    asked = listed(statuses=statuses, day=day, today_by_default=False, total=1, flags=())
    assert text(asked).split("\n")[0] == zh
    assert text(asked, "en").split("\n")[0] == en


def test_stats_name_the_period_and_rank_statuses_by_count():
    stats = ro.StatsShown(
        "week",
        date(2026, 11, 17),
        date(2026, 11, 23),
        (("paid", 3), ("confirmed", 5)),
        8,
        123_456,
        4,
        185,
        5,
        2,
        1,
        3,
    )
    assert text(stats, "en") == (
        "📊 Last 7 days (Tue 17 Nov to Mon 23 Nov)\nOrders: 8\nconfirmed 5 · paid 3\n"
        "Booked 8, GMV ¥1,234.56\nAverage time to accept 3:05 (min:s, 4 orders)\n"
        "Completion 71.42% (5 done / 2 cancelled)\nComplaints 1 · New customers 3"
    )


INSPECTED = ro.OrderInspected(
    number=240117,
    status=OrderStatus.ACCEPTED,
    item=CLEANING,
    start_at=EVENING,
    created_at=NOON,
    channel="telegram",
    customer=ro.Contact(5, "张三", "138****0000"),
    address=Bilingual("浦东 **路", "Pudong New Area **路"),
    worker=ro.Contact(7, "王师傅", "139****1111"),
    late_minutes=12,
    note="",
    photos=(("after", 1), ("before", 2)),
    complaints=(ro.ComplaintBrief(3, "late", "open", NOON),),
    timeline=(ro.StatusReached(EVENING, OrderStatus.PAID, "customer:5"),),
    money=ro.OrderMoney(
        8800, 8800, 500, 300, "", (ro.PaymentLine("full", "wechat_pay", 8800, "succeeded"),)
    ),
)


def test_one_order_in_full_and_without_money_or_worker():
    assert text(INSPECTED) == (
        "#240117 日常保洁 · 已接单\n"
        "上门 11月23日 周一 01:05 · 下单 11月23日 周一 11:30 · Telegram\n"
        "客户 5 张三 138****0000\n地址 浦东 **路\n师傅 7 王师傅 139****1111\n迟到 12 分钟\n"
        "金额 ¥88.00 · 已付 ¥88.00 · 已退 ¥5.00 · 退款中 ¥3.00\n  全款 微信支付 ¥88.00 [成功]\n"
        "照片 服务后 1 服务前 2\n投诉:\n  3. 迟到 [处理中] 11月23日 周一 11:30\n进度:\n"
        "  11月23日 周一 01:05 已支付 — 客户 5\n完整记录:/audit #240117"
    )
    bare = ro.OrderInspected(
        **{
            **{f: getattr(INSPECTED, f) for f in INSPECTED.__dataclass_fields__},
            "worker": None,
            "money": None,
            "address": Bilingual("", ""),
            "late_minutes": 0,
            "photos": (),
            "complaints": (),
        }
    )
    assert text(bare, "en") == (
        "#240117 Regular cleaning · accepted\n"
        "Visit Mon 23 Nov 01:05 · booked Mon 23 Nov 11:30 · Telegram\n"
        "Customer 5 张三 138****0000\nWorker: none yet\nPhotos 0\nTimeline:\n"
        "  Mon 23 Nov 01:05 paid — customer 5\nFull trail: /audit #240117"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "  尾款 微信支付 ¥20.00 [已关闭,未支付]"),
        ("en", "  balance WeChat Pay ¥20.00 [closed, not paid]"),
    ],
)
def test_a_closed_payment_request_reads_in_words_as_the_other_states_do(lang, expected):
    closed = (
        ro.PaymentLine("full", "wechat_pay", 8800, "succeeded"),
        ro.PaymentLine("balance", "wechat_pay", 2000, "expired"),
    )
    assert INSPECTED.money is not None
    order = replace(INSPECTED, money=replace(INSPECTED.money, payments=closed))
    lines = text(order, lang).splitlines()
    assert expected in lines, lines


def test_a_nameless_customer_or_worker_is_shown_without_a_gap():
    nameless = ro.OrderInspected(
        **{
            **{f: getattr(INSPECTED, f) for f in INSPECTED.__dataclass_fields__},
            "customer": ro.Contact(1, "", "13812345601"),
            "worker": ro.Contact(7, "", "139****1111"),
        }
    )
    lines = text(nameless).splitlines()
    assert "客户 1 13812345601" in lines and "师傅 7 139****1111" in lines, lines


def test_every_action_of_the_trail_reads_lower_case_in_english_as_a_line_goes_on():
    """``/audit``'s and ``/order``'s lines name what happened mid-line ("Tue 24 Nov 15:00 balance
    waived — Telegram 1 (finance)"): no capital, an acronym apart."""
    for what, name in WHAT_TEXT.items():
        english = name.get("en")
        assert english[0].islower() or english.isupper(), (what, english)
    trail = ro.TrailShown(
        240117,
        OrderStatus.FINISHED,
        (
            TrailEntry(EVENING, "customer:5", "surcharge", note="¥40.00"),
            TrailEntry(NOON, "telegram:1", "waive", "finance", after=(("amount", 4000),)),
            TrailEntry(NOON, "telegram:1", "transfer", "ops", before=(("worker_id", 7),)),
        ),
    )
    assert text(trail, "en").splitlines()[1:] == [
        "Mon 23 Nov 01:05 on-site extra approved — customer 5 · ¥40.00",
        "Mon 23 Nov 11:30 balance waived — Telegram 1 (finance) · amount ¥40.00",
        "Mon 23 Nov 11:30 transferred — Telegram 1 (ops)",
    ]


def test_the_trail_shows_moves_actions_and_changed_values_but_no_machine_keys():
    trail = ro.TrailShown(
        240117,
        OrderStatus.CANCELLED,
        (
            TrailEntry(EVENING, "customer:5", "paid", moved_from="awaiting_payment"),
            TrailEntry(EVENING, "customer:5", "complain", note="迟到了"),
            TrailEntry(
                NOON,
                "telegram:1",
                "reassign",
                "ops",
                before=(("worker_id", 7),),
                after=(("worker_id", 8),),
            ),
            TrailEntry(
                NOON,
                "telegram:1",
                "refund",
                "finance",
                after=(("amount", 500), ("request", "telegram:1:m9"), ("references", ["R1"])),
            ),
            TrailEntry(
                NOON,
                "telegram:1",
                "cancel",
                "ops",
                before=(("status", "accepted"),),
                after=(("status", "cancelled"), ("fee", 100), ("reason", "")),
            ),
        ),
    )
    assert text(trail, "en") == (
        "#240117 full trail:\nMon 23 Nov 01:05 awaiting payment→paid — customer 5\n"
        "Mon 23 Nov 01:05 complaint — customer 5 · 迟到了\n"
        "Mon 23 Nov 11:30 reassigned — Telegram 1 (ops) · worker 7→8\n"
        "Mon 23 Nov 11:30 refund requested — Telegram 1 (finance) · amount ¥5.00\n"
        "Mon 23 Nov 11:30 cancelled by admin — Telegram 1 (ops) · "
        "status accepted→cancelled, fee ¥1.00"
    )
