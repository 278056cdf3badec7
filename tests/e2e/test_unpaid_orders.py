"""Unpaid orders expire (SQLite and PostgreSQL): after the rules' payment window an order still
awaiting payment is cancelled once, however many processes sweep, its coupon and points come
back, the customer is told, and the same slot can be booked and paid again; a payment whose
notification is late is credited rather than expired; a recurring visit's order waits until
the day before the visit."""

from __future__ import annotations

import asyncio
import random
import re

from domain.commands import ExpireUnpaid, GenerateRecurring
from domain.lifecycle import ActorKind, OrderStatus
from domain.payments import PaymentKind, PaymentStatus
from domain.people import Channel
from domain.timeline_notes import unpaid_timeout_note
from tests.e2e.helpers import (
    HOME,
    Clock,
    TelegramUser,
    WeChatUser,
    confirm_order,
    grant_points,
    make_app,
    on_telegram,
    telegram_gps,
)
from tests.e2e.test_money import book_range_hood
from tests.e2e.test_recurring import at, orders_of, repeat_weekly
from tests.e2e.test_reminders import book, texts
from tests.fakes.wechat import WeChatServer
from webhooks.keys import DATABASE, SERVICES

EXPIRED = "未在支付期限内付款"


def chat_id() -> int:
    """A Telegram user of this test alone (the session's databases are shared)."""
    return 7 * 10**9 + random.randrange(10**9)


async def order_by_number(app, number: int):
    async with app[DATABASE].uow() as uow:
        return await uow.orders.by_number(number)


async def sweep(*apps) -> None:
    """Every process sweeps, several times at once (as their schedulers may)."""
    await asyncio.gather(*[app[SERVICES].run(ExpireUnpaid()) for app in apps * 3])


async def sign_up_with_points(app, customer: TelegramUser, points: int) -> None:
    await customer.say("/start")
    async with app[DATABASE].uow() as uow:
        me = await uow.customers.by_identity(Channel.TELEGRAM, str(customer.uid))
    await grant_points(app, me.id, points)


async def quote_three_hours(customer: TelegramUser) -> None:
    """Three hours of regular cleaning tomorrow 15:00 (¥120: the welcome coupon applies)."""
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("日常保洁")
    await customer.choose("3小时")
    await customer.say("明天 15:00")
    await customer.share(location=telegram_gps(HOME))
    await customer.say("8楼801")


async def test_an_unpaid_order_expires_once_and_gives_back_its_coupon_points_and_slot(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock
):
    one = make_app(tmp_path / "a", db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    two = make_app(tmp_path / "b", db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(one)
    await aiohttp_client(two)  # a second process on the same database
    uid = chat_id()
    customer = TelegramUser(client, fake_telegram, uid)
    await sign_up_with_points(one, customer, 1_000)
    await quote_three_hours(customer)
    await customer.choose("用积分抵扣")
    await confirm_order(customer)
    assert "请在 11月23日 周一 09:30 前支付(逾期自动取消)" in customer.text()
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    await customer.choose("稍后支付")
    assert "已保留" in customer.text() and "请在 11月23日 周一 09:30 前支付" in customer.text()
    placed = await order_by_number(one, number)
    assert placed.status == OrderStatus.AWAITING_PAYMENT
    assert placed.coupon_code and placed.points_used == 1_000
    async with one[DATABASE].uow() as uow:
        me = await uow.customers.get(placed.customer_id)
        [request] = await uow.payments.for_order(placed.id)
    assert me.points == 0

    clock.advance(minutes=29)  # still within the window
    await sweep(one, two)
    assert (await order_by_number(one, number)).status == OrderStatus.AWAITING_PAYMENT

    clock.advance(minutes=2)
    await sweep(one, two)
    order = await order_by_number(one, number)
    assert order.status == OrderStatus.CANCELLED
    last = order.timeline[-1]
    assert last.actor.kind == ActorKind.SYSTEM and last.note == unpaid_timeout_note(30)
    [notice] = texts(fake_telegram, uid, EXPIRED)  # one notice, however many sweeps
    assert f"#{number}" in notice and "优惠券已退回" in notice and "1000 积分已退回" in notice
    async with one[DATABASE].uow() as uow:
        me = await uow.customers.get(order.customer_id)
        coupon = await uow.coupons.by_code(order.coupon_code)
        request = await uow.payments.get(request.id)
        cancelled = await uow.orders.cancellations_by_customer(me.id, placed.created_at)
        ledger = await uow.ledger.for_order(order.id)
    assert me.points == 1_000 and coupon.used_order_id is None
    assert request.status == PaymentStatus.EXPIRED
    assert cancelled == 0  # not the customer's cancellation: no risk hold counts it
    # no money moved; the points went to the order and came back: every account nets to 0
    assert {e.account for e in ledger} == {"points_liability", "points_applied"}
    for account in ("points_liability", "points_applied"):
        assert sum(e.amount_cents for e in ledger if e.account == account) == 0

    # the sandbox's page takes nothing for it any more
    resp = await client.post(f"/pay/sandbox/{request.reference}")
    assert resp.status == 409 and "已取消" in await resp.text()
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert "已取消" in customer.text() and "去支付" not in customer.text()

    # the same visit again: the coupon is back in the quote, and it is paid this time
    await customer.say("菜单")
    await quote_three_hours(customer)
    await confirm_order(customer)
    again = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    rebooked = await order_by_number(one, again)
    assert rebooked.coupon_code == order.coupon_code and rebooked.start_at == order.start_at
    assert rebooked.status == OrderStatus.DISPATCHING
    clock.advance(hours=1)
    await sweep(one, two)  # a paid order never expires
    assert (await order_by_number(one, again)).status == OrderStatus.DISPATCHING


async def test_a_payment_whose_notification_is_late_is_credited_instead_of_expiring(
    aiohttp_client, tmp_path, db_url, pii_key, fake_wechat, fake_wechat_pay, clock
):
    from tests.e2e.helpers import on_wechat

    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_wechat(fake_wechat),
        **fake_wechat_pay.settings(),
    )
    client = await aiohttp_client(app)
    openid = f"o-late-{random.randrange(10**9)}"
    wx = WeChatUser(client, fake_wechat, openid, WeChatServer(clock=clock))
    await book_range_hood(wx)
    [reference] = fake_wechat_pay.orders
    fake_wechat_pay.paid.add(reference)  # paid at minute 29; the notification is lost
    clock.advance(minutes=31)
    await sweep(app)
    async with app[DATABASE].uow() as uow:
        payment = await uow.payments.by_reference(reference)
        order = await uow.orders.get(payment.order_id)
    assert payment.status == PaymentStatus.SUCCEEDED and order.paid_cents == 8000
    assert order.status == OrderStatus.DISPATCHING
    assert not [t for t in fake_wechat.texts(openid) if EXPIRED in t]
    assert sum("已收到付款 ¥80.00" in t for t in fake_wechat.texts(openid)) == 1


async def test_a_recurring_visit_may_be_paid_until_the_day_before_then_expires(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram
):
    clock = Clock()
    app = make_app(tmp_path, db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    uid = chat_id()
    customer = TelegramUser(await aiohttp_client(app), fake_telegram, uid)
    first = await book(customer, "明天 15:00", (30.2 + random.random(), 114.0))
    await repeat_weekly(customer, first)  # Tuesdays 15:00
    clock.now = at(24, 15, 1)  # the 1 Dec visit's order is made a week ahead
    await app[SERVICES].run(GenerateRecurring())
    [visit] = [o for o in await orders_of(app, uid) if o.number != first]
    assert visit.status == OrderStatus.AWAITING_PAYMENT
    [made] = texts(fake_telegram, uid, "已为您生成")
    assert "请在 11月30日 周一 15:00 前支付" in made

    clock.now = at(25, 9)  # long past 30 minutes, a week before the visit: still payable
    await sweep(app)
    assert (await order_by_number(app, visit.number)).status == OrderStatus.AWAITING_PAYMENT
    clock.now = at(30, 15, 1)  # a day before the visit
    await sweep(app)
    assert (await order_by_number(app, visit.number)).status == OrderStatus.CANCELLED
    [notice] = texts(fake_telegram, uid, EXPIRED)
    assert f"#{visit.number}" in notice and "定期预约不受影响" in notice
    async with app[DATABASE].uow() as uow:
        [sub] = await uow.subscriptions.for_customer(visit.customer_id)
    assert sub.active and sub.next_start_at == at(8, 15)  # the weekly booking goes on


async def test_a_deposit_order_expires_like_a_full_one_and_its_request_closes(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock
):
    app = make_app(tmp_path, db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    uid = chat_id()
    customer = TelegramUser(await aiohttp_client(app), fake_telegram, uid)
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("深度保洁")
    await customer.choose("选好了")
    await customer.say("100")
    await customer.say("明天 10:00")
    await customer.share(location=telegram_gps(HOME))
    await customer.say("5楼")
    await confirm_order(customer)
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    clock.advance(minutes=31)
    await sweep(app)
    order = await order_by_number(app, number)
    assert order.deposit_cents and order.status == OrderStatus.CANCELLED
    await customer.choose("确认支付")  # the pay button still on the screen
    assert "已取消,不能再支付" in customer.text() and "支付成功" not in customer.text()
    assert (await order_by_number(app, number)).paid_cents == 0
    async with app[DATABASE].uow() as uow:
        [request] = await uow.payments.for_order(order.id)
    assert request.kind == PaymentKind.DEPOSIT and request.status == PaymentStatus.EXPIRED
