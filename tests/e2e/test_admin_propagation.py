"""What admins change reaches every process without a restart: catalog prices (new orders
only), admins added and removed, and the broadcast's rate limit — two app instances sharing
one database (SQLite file; PostgreSQL with Redis)."""

import secrets

import pytest

from domain.commands import DrainOutbox
from tests.e2e.helpers import (
    Clock,
    TelegramUser,
    book_and_pay,
    broadcast,
    confirm_order,
    make_app,
    on_telegram,
)
from webhooks.keys import DATABASE, SERVICES


def uid() -> int:
    """A Telegram user of this test's own (Redis keeps conversations between test runs)."""
    return secrets.randbelow(10**9) + 10**9


@pytest.fixture(params=["sqlite", "postgres"])
def shared(request):
    """(database URL, extra settings) two instances share: a database of this test's own
    (prices and broadcasts are global)."""
    if request.param == "sqlite":
        return request.getfixturevalue("fresh_sqlite_url"), {}
    return request.getfixturevalue("own_postgres_url"), {
        "redis_url": request.getfixturevalue("redis_url")
    }


@pytest.fixture
async def two(aiohttp_client, tmp_path, shared, pii_key, fake_telegram):
    url, extra = shared
    clock, owner = Clock(), uid()
    apps = [
        make_app(
            tmp_path / name,
            url,
            pii_key,
            clock=clock,
            **on_telegram(fake_telegram),
            admins=f"telegram:{owner}:owner",
            **extra,
        )
        for name in ("a", "b")
    ]
    clients = [await aiohttp_client(app) for app in apps]
    return apps, clients, clock, owner


async def book_again(customer: TelegramUser) -> int:
    """A returning customer books 2 h of daily cleaning at their saved address and pays."""
    await customer.say("/book")
    for label in ("保洁", "日常保洁", "2小时"):
        await customer.choose(label)
    await customer.say("明天 15:00")
    await customer.choose("8楼801")
    await confirm_order(customer)
    number = int(next(t for t in customer.text().split() if t.startswith("#"))[1:])
    await customer.choose("确认支付")
    return number


async def base_line(app, number: int) -> int:
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    return next(x.amount_cents for x in order.lines if x.item_id == "daily_cleaning")


async def test_a_price_change_applies_to_new_orders_in_every_instance(two, fake_telegram):
    (a, b), (ca, cb), clock, owner_id = two
    customer = TelegramUser(cb, fake_telegram, uid())
    before = await book_and_pay(customer)
    assert await base_line(b, before) == 8_000  # 2 h × ¥40
    owner = TelegramUser(ca, fake_telegram, owner_id)
    await owner.say("/price 日常保洁 45")
    assert "已改价,新订单生效" in owner.text() and "¥45.00/小时" in owner.text()

    after = await book_again(customer)  # on the other instance, at once: quotes read the table
    assert "¥90.00" in "".join(m.get("text", "") for m in fake_telegram.sent(customer.uid)[-4:])
    assert await base_line(b, after) == 9_000
    assert await base_line(b, before) == 8_000  # a placed order keeps its price
    clock.advance(seconds=6)  # the other instance's menus show it within seconds too
    await customer.say("/book")
    await customer.choose("保洁")
    assert "日常保洁 ¥45.00/小时" in customer.text()

    owner.client = cb
    await owner.say("/price daily_cleaning")
    assert "¥40.00 → ¥45.00 (老板)" in owner.text()  # who changed it, by role
    assert "目录原价 ¥40.00" in owner.text()


async def test_an_added_admin_works_in_another_instance_without_a_restart(two, fake_telegram):
    (a, b), (ca, cb), clock, owner_id = two
    staff = TelegramUser(cb, fake_telegram, uid())
    await staff.say("/stats")
    assert "不认识的指令 /stats" in staff.text()
    owner = TelegramUser(ca, fake_telegram, owner_id)
    await owner.say(f"/admin add telegram:{staff.uid} ops")
    assert f"Telegram {staff.uid} 现在是 调度 管理员" in owner.text()
    clock.advance(seconds=6)
    await staff.say("/stats")
    assert "📊 今天" in staff.text()
    # notices to admins from the other instance reach them too
    customer = TelegramUser(cb, fake_telegram, uid())
    number = await book_and_pay(customer)  # no worker anywhere
    assert any(f"#{number}" in m["text"] for m in fake_telegram.sent(staff.uid))

    await owner.say(f"/admin remove telegram:{staff.uid}")
    assert f"已移除管理员 Telegram {staff.uid}(调度)" in owner.text()
    await staff.say(
        f"/order #{number}"
    )  # its instance still has them cached: the database says no
    assert "/order 需要" in staff.text() and customer.phone not in staff.text()
    clock.advance(seconds=6)
    await staff.say("/stats")
    assert "不认识的指令 /stats" in staff.text()
    await owner.say(f"/admin remove telegram:{staff.uid}")
    assert "不是管理员" in owner.text()
    await owner.say(f"/admin remove telegram:{owner_id}")
    assert "DAOJIA_ADMINS" in owner.text()


async def test_a_broadcast_reaches_every_customer_once_and_is_rate_limited(two, fake_telegram):
    (a, b), (ca, cb), clock, owner_id = two
    customers = [uid(), uid()]
    for who in customers:
        customer = TelegramUser(cb, fake_telegram, who)
        await customer.say("/start")
    owner = TelegramUser(ca, fake_telegram, owner_id)
    answer = await broadcast(owner, "春节期间照常服务")
    assert "群发已排队:2 个账号" in answer and "10:00 后" in answer
    owner.client = cb
    assert "每 60 分钟最多群发一次,10:00 后可再发" in await broadcast(owner, "再发一次")
    await a[SERVICES].run(DrainOutbox())
    await b[SERVICES].run(DrainOutbox())
    for who in customers:
        got = [m["text"] for m in fake_telegram.sent(who) if "春节" in m.get("text", "")]
        assert got == ["【到家】春节期间照常服务"]
    assert not any(
        "再发一次" in m.get("text", "") for who in customers for m in fake_telegram.sent(who)
    )
    clock.advance(minutes=60)
    assert "群发已排队:2 个账号" in await broadcast(owner, "元宵节快乐")
