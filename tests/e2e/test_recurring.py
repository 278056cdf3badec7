"""Recurring bookings end to end: set one up from an order in chat, the scheduler sweep makes
each visit an order a week ahead (priced then, awaiting payment, with a pay button), stopping
stops it, the customer skips a week, a restart keeps the schedule, a visit that cannot be
booked is skipped with a notice, and two processes sweeping at once make each visit once."""

from __future__ import annotations

import asyncio
import random
import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domain.catalog import Catalog
from domain.commands import GenerateRecurring
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.money import format_yuan
from domain.orders import Actor, Order
from domain.people import Channel
from domain.pricing import QuoteRequest, quote
from tests.e2e.helpers import (
    CATALOG,
    RULES,
    Clock,
    TelegramUser,
    WeChatUser,
    make_app,
    make_settings,
    on_telegram,
    on_wechat,
)
from tests.e2e.test_reminders import book, texts
from tests.e2e.test_wechat import book_on_wechat
from tests.fakes.wechat import WeChatServer
from webhooks.app import create_app
from webhooks.keys import CLOCK, DATABASE, SERVICES


def tg_app(tmp_path, db_url, pii_key, fake_telegram, clock, catalog=CATALOG, **kw):
    settings = make_settings(
        tmp_path,
        db_url,
        pii_key,
        **on_telegram(fake_telegram),
        **kw,
    )
    return create_app(settings, catalog, RULES, clock=clock)


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app = tg_app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock)
    return app, await aiohttp_client(app)


async def repeat_weekly(customer: TelegramUser, number: int) -> tuple[str, str]:
    """From the order's detail: "每周重复", then confirm the proposed day and time; returns
    what was proposed and the answer."""
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("每周重复")
    proposal = customer.text()
    await customer.choose("确认设置")
    assert "已设置" in customer.text()
    return proposal, customer.text()


async def orders_of(app, chat: int) -> list:
    async with app[DATABASE].uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(chat))
        return await uow.orders.for_customer(identity.customer_id, limit=50)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A November/December 2026 Shanghai wall-clock time, as UTC (Shanghai is UTC+8)."""
    month, day = (11, day) if day > 20 else (12, day)
    return datetime(2026, month, day, hour - 8, minute, tzinfo=UTC)


async def sweep(app, times: int = 2) -> None:
    for _ in range(times):  # a second run changes nothing
        await app[SERVICES].run(GenerateRecurring())


async def test_a_weekly_booking_from_an_order_makes_next_weeks_order_a_week_ahead(
    tg, fake_telegram, clock
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 772001)
    first = await book(customer, "明天 15:00")  # Tuesday 24 Nov 15:00
    proposal, done = await repeat_weekly(customer, first)
    [original] = await orders_of(app, 772001)
    # full price for the visit: the first order had the welcome coupon and the first-order
    # discount; a recurring visit gets neither (and no member level at this spend)
    expected = quote(CATALOG, RULES, QuoteRequest(original.selections, at(1, 15))).total_cents
    assert expected > original.total_cents
    assert "每周二 15:00 日常保洁" in proposal and "第一次上门:12月1日 周二 15:00" in proposal
    assert f"目前约 {format_yuan(expected)}/次" in proposal
    assert "第一次上门 12月1日 周二 15:00,订单将于 11月24日 周二 生成" in done

    await sweep(app)  # the visit is 8 days away: its order comes a week ahead
    assert len(await orders_of(app, 772001)) == 1

    clock.now = at(24, 15, 1)
    await sweep(app)
    orders = await orders_of(app, 772001)
    assert len(orders) == 2
    made = next(o for o in orders if o.number != first)
    assert made.start_at == at(1, 15) and made.status == OrderStatus.AWAITING_PAYMENT
    assert made.total_cents == expected and made.subscription_id is not None
    assert made.coupon_code is None and made.address_id == original.address_id
    [notice] = [m for m in fake_telegram.sent(772001) if "已为您生成" in m.get("text", "")]
    assert f"#{made.number}" in notice["text"] and "12月1日 周二 15:00" in notice["text"]
    assert f"应付 {format_yuan(made.deposit_cents or made.total_cents)}" in notice["text"]
    keys = [b["callback_data"] for row in notice["reply_markup"]["inline_keyboard"] for b in row]
    assert keys == [f"act:pay:{made.number}"]

    customer.last = [notice]
    await customer.choose("支付")  # the button opens the normal payment
    await customer.choose("确认支付")
    assert "支付成功" in customer.text() and f"#{made.number}" in customer.text()


async def test_stopping_stops_future_visits_and_a_restart_keeps_the_schedule(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    one = tg_app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(one)
    customer = TelegramUser(client, fake_telegram, 772002)
    first = await book(customer, "明天 15:00")
    await repeat_weekly(customer, first)
    await client.close()

    clock.now = at(24, 15, 1)  # the process was restarted meanwhile
    two = tg_app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock)
    customer.client = await aiohttp_client(two)
    await sweep(two)
    assert len(await orders_of(two, 772002)) == 2

    await customer.say("/recurring")
    assert "每周二 15:00 日常保洁(下次 12月8日 周二 15:00)" in customer.text()
    await customer.choose("停止")
    await customer.choose("确认停止")
    assert "已停止" in customer.text() and "还没有定期预约" in customer.text()

    clock.now = at(1, 16)
    await sweep(two)
    orders = await orders_of(two, 772002)
    assert len(orders) == 2  # no visit after the stop; the one already made stays
    assert {o.status for o in orders if o.number != first} == {OrderStatus.AWAITING_PAYMENT}


async def test_the_customer_skips_next_weeks_visit_and_the_booking_goes_on_after_it(
    tg, fake_telegram, clock
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 772010)
    first = await book(customer, "明天 15:00")  # Tuesday 24 Nov; weekly from 1 Dec
    await repeat_weekly(customer, first)
    await customer.say("/recurring")
    assert "(下次 12月1日 周二 15:00)" in customer.text()
    await customer.choose("跳过 12月1日 周二")
    assert (
        "跳过 12月1日 周二 15:00 这次上门" in customer.text()
        and "下一次是 12月8日 周二 15:00" in customer.text()
    )
    await customer.choose("确认跳过")
    assert "已跳过 12月1日 周二 15:00 这次上门" in customer.text()
    assert (
        "下一次上门:12月8日 周二 15:00" in customer.text()
        and "(下次 12月8日 周二 15:00)" in customer.text()
    )

    clock.now = at(24, 15, 1)  # when 1 Dec's order would have been made
    await sweep(app)
    assert [o.number for o in await orders_of(app, 772010)] == [first]
    clock.now = at(1, 15, 1)
    await sweep(app)
    orders = await orders_of(app, 772010)
    assert sorted(o.start_at for o in orders) == [at(24, 15), at(8, 15)]


async def test_a_skip_after_the_visits_order_was_made_moves_nothing_and_says_where_it_is(
    tg, fake_telegram, clock
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 772011)
    first = await book(customer, "明天 15:00")
    await repeat_weekly(customer, first)
    await customer.say("/recurring")
    await customer.choose("跳过 12月1日 周二")  # the question is open while the sweep runs
    clock.now = at(24, 15, 1)
    await sweep(app)  # 1 Dec's visit is made an order meanwhile
    await customer.choose("确认跳过")
    assert "订单已经生成" in customer.text() and "我的订单" in customer.text()
    assert "(下次 12月8日 周二 15:00)" in customer.text()  # the list as it is now
    clock.now = at(1, 15, 1)
    await sweep(app)  # 8 Dec's visit is made as ever: the late skip moved nothing
    orders = await orders_of(app, 772011)
    assert sorted(o.start_at for o in orders) == [at(24, 15), at(1, 15), at(8, 15)]


async def test_a_visit_missed_while_the_service_was_down_is_skipped_with_one_notice(
    tg, fake_telegram, clock
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 772003)
    first = await book(customer, "明天 15:00")
    await repeat_weekly(customer, first)
    clock.now = at(9, 9)  # down from before the 1 Dec visit's order until 9 Dec
    await sweep(app)
    [skipped] = texts(fake_telegram, 772003, "未能生成订单")
    assert "12月1日 周二 15:00" in skipped and "下次服务:12月15日 周二 15:00" in skipped
    orders = await orders_of(app, 772003)
    assert sorted(o.start_at for o in orders) == [at(24, 15), at(15, 15)]  # 15 Dec made now


async def test_a_service_removed_from_the_catalog_stops_the_recurring_booking(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    one = tg_app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock)
    customer = TelegramUser(await aiohttp_client(one), fake_telegram, 772004)
    first = await book(customer, "明天 15:00")
    await repeat_weekly(customer, first)

    without = Catalog(
        tuple(
            replace(cat, items=tuple(i for i in cat.items if i.id != "daily_cleaning"))
            for cat in CATALOG.categories
        )
    )
    clock.now = at(24, 15, 1)
    two = tg_app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock, catalog=without)
    customer.client = await aiohttp_client(two)
    await sweep(two)
    [skipped] = texts(fake_telegram, 772004, "未能生成订单")
    assert "已下架" in skipped and "已停止" in skipped
    assert len(await orders_of(two, 772004)) == 1
    await customer.say("/recurring")
    assert "还没有定期预约" in customer.text()


async def test_the_same_weekly_booking_cannot_be_set_up_twice(tg, fake_telegram, clock):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 772005)
    first = await book(customer, "明天 15:00")
    await repeat_weekly(customer, first)
    clock.advance(minutes=1)  # under the message rate limit
    await customer.say("/orders")
    await customer.choose(f"#{first}")
    await customer.choose("每周重复")
    await customer.choose("换时间")
    await customer.say("9:30")
    assert "每周二 09:30 日常保洁" in customer.text()
    await customer.choose("换一天")
    await customer.choose("周六")
    assert "每周六 09:30 日常保洁" in customer.text()
    assert "第一次上门:11月28日 周六 09:30" in customer.text()
    await customer.choose("确认设置")
    assert "第一次上门 11月28日 周六 09:30,订单稍后生成" in customer.text()
    await customer.say("/orders")
    await customer.choose(f"#{first}")
    await customer.choose("每周重复")
    await customer.choose("确认设置")  # Tuesday 15:00 again
    assert "已经设置过了" in customer.text()
    await customer.say("/recurring")
    assert customer.text().count("· 每") == 2


async def test_two_processes_sweeping_at_once_make_each_visit_once(
    aiohttp_client, tmp_path, postgres_url, redis_url, pii_key, fake_telegram
):
    clock = Clock()
    one = tg_app(tmp_path / "a", postgres_url, pii_key, fake_telegram, clock, redis_url=redis_url)
    two = tg_app(tmp_path / "b", postgres_url, pii_key, fake_telegram, clock, redis_url=redis_url)
    client = await aiohttp_client(one)
    await aiohttp_client(two)
    chat = 6 * 10**9 + random.randrange(10**9)  # Redis keeps conversations between runs
    customer = TelegramUser(client, fake_telegram, chat)
    first = await book(customer, "明天 15:00", (30.2 + random.random(), 114.0))
    await repeat_weekly(customer, first)

    clock.now = at(24, 15, 1)
    await asyncio.gather(*[app[SERVICES].run(GenerateRecurring()) for app in (one, two) * 4])
    orders = await orders_of(one, chat)
    assert len(orders) == 2
    [notice] = texts(fake_telegram, chat, "已为您生成")
    assert re.search(r"#(\d+)", notice).group(1) in {str(o.number) for o in orders}


async def cancel_three_orders(app, chat: int, now: datetime) -> None:
    """Three orders the customer placed and cancelled at ``now`` (written to the database)."""
    [first] = await orders_of(app, chat)
    async with app[DATABASE].uow() as uow:
        q = quote(CATALOG, RULES, QuoteRequest(first.selections, first.start_at))
        me = Actor(ActorKind.CUSTOMER, str(first.customer_id))
        for _ in range(3):
            order = Order.from_quote(
                number=await uow.orders.next_number(),
                customer_id=first.customer_id,
                selections=first.selections,
                quote=q,
                start_at=first.start_at,
                created_at=now,
                channel="telegram",
                actor=me,
                address_id=first.address_id,
            )
            order.apply(Action.REQUEST_PAYMENT, me, now)
            order.apply(Action.CANCEL, me, now)
            await uow.orders.add(order)
        await uow.commit()


async def test_a_customer_on_hold_for_cancellations_gets_the_visit_skipped_not_the_booking(
    tg, fake_telegram, clock
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 772006)
    first = await book(customer, "明天 15:00")
    await repeat_weekly(customer, first)
    await cancel_three_orders(app, 772006, at(24, 10))
    clock.now = at(24, 15, 1)
    await sweep(app)
    [skipped] = texts(fake_telegram, 772006, "未能生成订单")
    assert "需客服审核" in skipped and "下次服务:12月8日 周二 15:00" in skipped
    assert not [o for o in await orders_of(app, 772006) if o.subscription_id]
    clock.now = at(1, 15, 1)  # a week on, the hold has lapsed: the next visit is made
    await sweep(app)
    [made] = [o for o in await orders_of(app, 772006) if o.subscription_id]
    assert made.start_at == at(8, 15)


async def test_on_wechat_the_customer_pays_the_recurring_order_by_replying_its_words(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_wechat, clock
):
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_wechat(fake_wechat),
    )
    user = WeChatUser(
        await aiohttp_client(app), fake_wechat, "o-weekly", WeChatServer(clock=app[CLOCK])
    )
    await book_on_wechat(user)  # range hood cleaning, Saturday 5 Dec 10:00
    await user.say("菜单")
    await user.choose("我的订单")
    await user.choose("油烟机")
    await user.choose("每周重复")
    assert "每周六 10:00 油烟机清洗" in user.last_text
    await user.choose("确认设置")
    assert "第一次上门 12月12日 周六 10:00,订单将于 12月5日 周六 生成" in user.last_text

    clock.now = at(4, 12)
    await user.say("菜单")  # active in the last 48 hours: customer-service texts reach them
    clock.now = at(5, 10, 1)
    await sweep(app)
    [notice] = [t for t in fake_wechat.texts("o-weekly") if "定期预约" in t]
    number = re.search(r"#(\d+)", notice).group(1)
    assert "12月12日 周六 10:00" in notice and notice.endswith(f"可回复:支付 #{number}")
    await user.say(f"支付 #{number}")
    await user.choose("确认支付")
    assert "支付成功" in user.last_text and f"#{number}" in user.last_text
