"""The console's screens about one customer (``/customer``, ``/orders PHONE``), driven with
typed results: one language each (statuses, levels, channels and services named, never their
ids), the orders in ``/orders``' own lines, and the hints to an order and to all of them."""

from datetime import UTC, datetime

from conversations.flows import admin_console
from conversations.flows.base import Ctx
from conversations.replies import Say
from conversations.results.admin_customers import CustomerOrdersListed, CustomerShown
from conversations.results.admin_orders import OrderLine
from conversations.state import Conversation
from domain.rule_keys import MemberLevel
from domain.text import Bilingual
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
CLEANING = Bilingual("日常保洁", "Regular cleaning")
LATEST = (
    OrderLine(
        240118, "refunded", CLEANING, datetime(2026, 11, 25, 2, tzinfo=UTC), "", "", 8000, ()
    ),
    OrderLine(
        240117, "accepted", CLEANING, datetime(2026, 11, 24, 7, tzinfo=UTC), "", "王师傅", 3000, ()
    ),
)


def text(result, lang: str) -> str:
    conv = Conversation(flow="admin", step="console", role="admin", lang=lang)
    handler = admin_console.TRANSITIONS[(admin_console.Step.CONSOLE, type(result))]
    (reply,) = handler(
        Ctx(CATALOG, RULES, NOW, "https://daojia.example", "ops"), conv, result
    ).replies
    assert isinstance(reply, Say)
    return reply.text


def card(**changed) -> CustomerShown:
    fields = {
        "id": 12,
        "name": "张三",
        "phone": "13812345678",
        "channels": ("wechat", "telegram"),
        "level": MemberLevel.GOLD,
        "points": 120,
        "registered_at": datetime(2026, 3, 1, 4, tzinfo=UTC),
        "orders": 14,
        "served": 9,
        "cancelled": 2,
        "complaints_open": 1,
        "others_with_phone": 2,
        "money": True,
        "latest": LATEST,
    }
    return CustomerShown(**{**fields, **changed})


def test_a_customers_card_in_each_language_with_the_way_to_all_their_orders():
    assert text(card(), "zh").splitlines() == [
        "客户 12 张三 13812345678",
        "渠道 微信、Telegram",
        "黄金会员 · 积分 120 · 3月1日 周日 注册",
        "订单 14 · 完成 9 · 取消 2 · 投诉处理中 1",
        "另有 2 位客户使用同一手机号",
        "最近订单:",
        "#240118 11月25日 周三 10:00 日常保洁 已退款 ¥80.00",
        "#240117 11月24日 周二 15:00 日常保洁 已接单 王师傅 ¥30.00",
        "订单详情:/order #240118",
        "全部订单:/orders 客户 12",
    ]
    assert text(card(others_with_phone=1, money=False), "en").splitlines() == [
        "Customer 12 张三 13812345678",
        "Channels WeChat, Telegram",
        "Gold member · 120 points · joined Sun 1 Mar",
        "Orders 14 · completed 9 · cancelled 2 · open complaints 1",
        "1 other customer has the same phone number",
        "Latest orders:",
        "#240118 Wed 25 Nov 10:00 Regular cleaning refunded",
        "#240117 Tue 24 Nov 15:00 Regular cleaning accepted 王师傅",
        "Order details: /order #240118",
        "All orders: /orders customer 12",
    ]


def test_a_customer_with_no_name_no_phone_and_no_orders_yet():
    bare = card(name="", phone="", channels=(), orders=0, served=0, cancelled=0, latest=())
    assert text(bare, "zh").splitlines()[:2] == ["客户 12", "渠道 —"]
    assert text(bare, "zh").splitlines()[-1] == "还没有订单"
    assert text(bare, "en").splitlines()[-1] == "No orders yet"


def test_one_customers_orders_as_orders_lists_them():
    listed = CustomerOrdersListed(12, "张三", 31, True, LATEST)
    assert text(listed, "zh").splitlines() == [
        "订单(客户 12 张三):共 31 单",
        "#240118 11月25日 周三 10:00 日常保洁 已退款 ¥80.00",
        "#240117 11月24日 周二 15:00 日常保洁 已接单 王师傅 ¥30.00",
        "……还有 29 单",
        "订单详情:/order #240118",
    ]
    empty = CustomerOrdersListed(12, "", 0, False, ())
    assert text(empty, "en").splitlines() == ["Orders (customer 12): 0", "(none)"]
