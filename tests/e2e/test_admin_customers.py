"""Support gets a call: "I'm 13812345678, what about my order?" — ``/customer PHONE|ID`` and
``/orders PHONE`` end to end, on SQLite and PostgreSQL: the number read however it is typed,
the card and the orders as each role may see them (a full phone audited, masked for finance,
no amounts for support), in Chinese and English with no id of ours on the screen; an unknown
number or id answered plainly, a customer without orders too; and to a customer ``/customer``
stays the way to their menu."""

from __future__ import annotations

import random
import re

import pytest
from sqlmodel import select

from domain.aftersales import Complaint
from domain.lifecycle import OrderStatus
from domain.money import format_yuan
from domain.people import Channel
from domain.rules import ComplaintCategory
from store.tables import AuditRow
from tests import random_refs
from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, order_of, seed_worker, telegram_app
from webhooks.keys import DATABASE

IDS = {s.value for s in OrderStatus} | {"regular", "telegram", "daily_cleaning", "cleaning"}
"""Ids of ours a screen must never show (statuses, a level, a channel, an item, a skill)."""


WIDE = str.maketrans("0123456789+- ", "０１２３４５６７８９＋－\u3000")
"""Digits, plus, dash and space as a full-width keyboard types them."""


def uid() -> int:
    return 9 * 10**9 + random.randrange(10**9)


@pytest.fixture
async def desk(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    """The app with one admin of each role (the finance one chats in English)."""
    staff = {role: uid() for role in ("owner", "ops", "finance", "support")}
    admins = ",".join(f"telegram:{u}:{role}" for role, u in staff.items())
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock, admins=admins
    )
    users = {
        role: TelegramUser(client, fake_telegram, u, lang="en" if role == "finance" else "zh-hans")
        for role, u in staff.items()
    }
    await users["finance"].say("/start")  # English from now on
    return app, client, users


async def customer_id_of(app, user: TelegramUser) -> int:
    async with app[DATABASE].uow() as uow:
        found = await uow.customers.by_identity(Channel.TELEGRAM, str(user.uid))
    return found.id


async def views(app, target: str) -> list[tuple[str, str, dict]]:
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(select(AuditRow).where(AuditRow.target == target))
        return [(r.actor, r.role, r.after) for r in rows.all() if r.action == "view_customer"]


def ours(text: str) -> set[str]:
    """The ids of ours ``text`` shows (words alone, not inside a translation's words)."""
    return set(re.findall(r"[a-z_]+", text)) & IDS


async def test_a_caller_is_found_by_their_number_however_typed_or_by_id(
    desk, fake_telegram, clock
):
    app, client, staff = desk
    worker = await seed_worker(app, channel="telegram", user_id=str(uid()), center=HOME)
    caller = TelegramUser(client, fake_telegram, uid())
    first = await book_and_pay(caller)
    clock.advance(minutes=5)
    second = await book_and_pay(caller, when="后天 10:00")
    await staff["ops"].say(f"/assign #{first} {worker}")
    await staff["ops"].say(f"/cancel #{second} 客户来电取消")
    customer = await customer_id_of(app, caller)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(first)
        await uow.complaints.add(Complaint(order.id, customer, ComplaintCategory.LATE, clock.now))
        await uow.commit()
    p = caller.phone
    name = (await _name(app, customer)).strip()
    refunded = (await order_of(app, second)).total_cents
    kept = (await order_of(app, first)).total_cents

    support = staff["support"]
    card = [
        f"客户 {customer} {name} {p}",
        "渠道 Telegram",
        "普通会员 · 积分 0 · 11月23日 周一 注册",
        "订单 2 · 完成 0 · 取消 1 · 投诉处理中 1",
        "最近订单:",
        f"#{second} 11月25日 周三 10:00 日常保洁 已退款",  # newest first; no amounts for support
        f"#{first} 11月24日 周二 15:00 日常保洁 已接单 测试师傅",
        f"订单详情:/order #{second}",
    ]
    typed = [p, f"{p[:3]} {p[3:7]} {p[7:]}", f"{p[:3]}-{p[3:7]}-{p[7:]}", f"+86 {p}", f"+86{p}"]
    typed += [  # full-width digits, plus, dash and space, as some input methods type them
        p.translate(WIDE),
        f"+86 {p[:3]}-{p[3:7]}-{p[7:]}".translate(WIDE),
        f"{p[:3]} {p[3:7]} {p[7:]}".translate(WIDE),
    ]
    for number in [*typed, str(customer), f"#{customer}"]:
        await support.say(f"/customer {number}")
        assert support.text().splitlines() == card, (number, support.text())
    assert not ours(support.text())
    await support.say(f"查客户 {p[:3]} {p[3:7]} {p[7:]}")  # the Chinese word, no slash
    assert support.text().splitlines() == card
    listed = [f"订单(客户 {customer} {name}):共 2 单", *card[5:]]
    for asked in (
        f"/orders {p}",
        f"/orders +86 {p[:3]}-{p[3:7]}-{p[7:]}",
        f"/orders {p.translate(WIDE)}",
        f"/orders 客户 {customer}",
    ):
        await support.say(asked)
        assert support.text().splitlines() == listed, (asked, support.text())

    finance = staff["finance"]  # masked, with amounts, in English
    await finance.say(f"/customer +86 {p}")
    shown = finance.text()
    assert (
        shown.splitlines()
        == [  # every word translated (English ones that match our ids)
            f"Customer {customer} {name} {p[:3]}****{p[-4:]}",
            "Channels Telegram",
            "Regular member · 0 points · joined Mon 23 Nov",
            "Orders 2 · completed 0 · cancelled 1 · open complaints 1",
            "Latest orders:",
            f"#{second} Wed 25 Nov 10:00 Daily cleaning refunded {format_yuan(refunded)}",
            f"#{first} Tue 24 Nov 15:00 Daily cleaning accepted 测试师傅 {format_yuan(kept)}",
            f"Order details: /order #{second}",
        ]
    )
    assert not re.search(r"[\u4e00-\u9fff]", shown.replace("测试师傅", "")), shown  # one language
    await finance.say(f"/orders customer {customer}")
    assert finance.text().splitlines()[0] == f"Orders (customer {customer} {name}): 2"

    seen = await views(app, f"customer:{customer}")  # who saw the number in full, not it
    assert len(seen) == len(typed) + 3
    assert set(map(str, seen)) == {
        str((f"telegram:{support.uid}", "support", {"fields": ["phone"]}))
    }


async def test_an_unknown_number_or_id_and_a_customer_without_orders(desk, fake_telegram):
    app, client, staff = desk
    support, finance = staff["support"], staff["finance"]
    nobody = random_refs.phone()
    await support.say(f"/customer {nobody}")
    assert support.text() == f"没有手机号为 {nobody} 的客户"
    await support.say(f"/orders {nobody[:3]} {nobody[3:]}")
    assert support.text() == f"没有手机号为 {nobody} 的客户"
    await finance.say("/customer 99999")
    assert finance.text() == "No customer with ID 99999"
    await finance.say("/orders customer 99999")
    assert finance.text() == "No customer with ID 99999"
    await support.say("/orders 12")  # a bare number is no customer's (an order's: /order)
    assert support.text().startswith("用法:/orders ")

    newcomer = TelegramUser(client, fake_telegram, uid())
    await newcomer.say("/start")  # a customer now, with no number and no order yet
    customer = await customer_id_of(app, newcomer)
    name = (await _name(app, customer)).strip()
    await support.say(f"/customer {customer}")
    assert support.text().splitlines() == [
        f"客户 {customer} {name}",
        "渠道 Telegram",
        "普通会员 · 积分 0 · 11月23日 周一 注册",
        "订单 0 · 完成 0 · 取消 0 · 投诉处理中 0",
        "还没有订单",
    ]
    assert await views(app, f"customer:{customer}") == []  # no number shown: nothing read
    await support.say(f"/orders 客户 {customer}")
    assert support.text().splitlines() == [f"订单(客户 {customer} {name}):共 0 单", "(无)"]

    # to a customer /customer is the way to their menu, whatever follows it
    await newcomer.say(f"/customer {customer}")
    assert "渠道" not in newcomer.text() and "不认识的指令" not in newcomer.text()


async def _name(app, customer_id: int) -> str:
    async with app[DATABASE].uow() as uow:
        return (await uow.customers.get(customer_id)).name
