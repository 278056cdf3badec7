"""Recurring bookings when a visit does not go as planned: a visit's order moved onto another
visit's slot, a repeat at another time of day, a deposit to pay (the happy paths:
``test_recurring``; a visit whose order fails: ``test_recurring_failures``)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from domain.catalog import Catalog
from domain.money import format_yuan
from domain.pricing import Selection
from store.order_rows import selection_to_json
from store.tables import SubscriptionRow
from tests.e2e.helpers import CATALOG, TelegramUser
from tests.e2e.test_recurring import at, orders_of, repeat_weekly, sweep, tg, tg_app
from tests.e2e.test_reminders import book, texts
from webhooks.keys import DATABASE

__all__ = ["tg"]  # the fixture, used by name


@pytest.fixture(params=["fresh_sqlite_url", "own_postgres_url"])
def any_db(request):
    return request.getfixturevalue(request.param)


def cleaning_bookable(days: int) -> Catalog:
    """The demo catalog with daily cleaning bookable only ``days`` ahead."""
    categories = tuple(
        replace(
            cat,
            items=tuple(
                replace(it, max_days_ahead=days) if it.id == "daily_cleaning" else it
                for it in cat.items
            ),
        )
        for cat in CATALOG.categories
    )
    return replace(CATALOG, categories=categories)


async def test_a_visit_moved_onto_the_next_visits_slot_counts_as_that_visit(
    aiohttp_client, tmp_path, any_db, pii_key, fake_telegram, clock
):
    """The Tue 1 Dec visit's order, paid, is moved to Tue 8 Dec 15:00 — the next visit's own slot.
    The sweep takes that visit as made (the customer has their cleaning then; two orders of
    one booking at one time cannot be), says nothing, and the booking goes on after it."""
    app = tg_app(tmp_path, any_db, pii_key, fake_telegram, clock)
    customer = TelegramUser(await aiohttp_client(app), fake_telegram, 772020)
    first = await book(customer, "明天 15:00")  # Tuesday 24 Nov; weekly from 1 Dec
    await repeat_weekly(customer, first)
    clock.now = at(24, 15, 1)
    await sweep(app)
    [made] = [o for o in await orders_of(app, 772020) if o.subscription_id]
    customer.last = [m for m in fake_telegram.sent(772020) if "已为您生成" in m.get("text", "")]
    await customer.choose("支付")
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    await customer.say("/orders")
    await customer.choose(f"#{made.number}")
    await customer.choose("改约时间")
    await customer.say("12月8日 15:00")
    await customer.choose("确认改约")
    assert f"订单 #{made.number} 已改约到 12月8日 周二 15:00" in customer.text()

    clock.now = at(1, 15, 1)  # when 8 Dec's order would be made
    await sweep(app)
    orders = await orders_of(app, 772020)
    assert sorted(o.start_at for o in orders) == [at(24, 15), at(8, 15)]
    assert not texts(fake_telegram, 772020, "未能生成订单")
    await customer.say("/recurring")
    assert "(下次 12月15日 周二 15:00)" in customer.text()
    clock.now = at(8, 15, 1)
    await sweep(app)
    orders = await orders_of(app, 772020)
    assert sorted(o.start_at for o in orders) == [at(24, 15), at(8, 15), at(15, 15)]


async def test_repeating_at_another_time_starts_the_week_after_the_order(tg, fake_telegram, clock):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 772022)
    first = await book(customer, "明天 15:00")  # Tuesday 24 Nov 15:00
    await customer.say("/orders")
    await customer.choose(f"#{first}")
    await customer.choose("每周重复")
    await customer.choose("换时间")
    await customer.say("18:00")  # later the same day would be a second visit within hours
    assert "每周二 18:00 日常保洁" in customer.text()
    assert "第一次上门:12月1日 周二 18:00" in customer.text()
    await customer.choose("确认设置")
    assert "第一次上门 12月1日 周二 18:00" in customer.text()


async def test_a_recurring_deposit_order_says_the_deposit_the_total_and_the_balance_after(
    tg, fake_telegram, clock
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 772023)
    first = await book(customer, "明天 15:00")
    await repeat_weekly(customer, first)
    deep = [selection_to_json(Selection("deep_cleaning", 78))]  # a service paid with a deposit
    async with app[DATABASE].uow() as uow:
        await uow.session.exec(update(SubscriptionRow).values(selections=deep))
        await uow.commit()
    clock.now = at(24, 15, 1)
    await sweep(app)
    [made] = [o for o in await orders_of(app, 772023) if o.subscription_id]
    assert 0 < made.deposit_cents < made.total_cents
    [notice] = texts(fake_telegram, 772023, "已为您生成")
    balance = made.total_cents - made.deposit_cents
    assert f"总价 {format_yuan(made.total_cents)}" in notice
    assert f"现付定金 {format_yuan(made.deposit_cents)}" in notice
    assert f"完工后付尾款 {format_yuan(balance)}" in notice
    assert f"应付定金 {format_yuan(made.deposit_cents)}" in notice


async def test_a_visits_order_cannot_move_onto_the_time_of_another_order_of_its_booking(
    aiohttp_client, tmp_path, any_db, pii_key, fake_telegram, clock
):
    app = tg_app(tmp_path, any_db, pii_key, fake_telegram, clock)
    customer = TelegramUser(await aiohttp_client(app), fake_telegram, 772024)
    first = await book(customer, "明天 15:00")  # Tuesday 24 Nov; weekly from 1 Dec
    await repeat_weekly(customer, first)
    clock.now = at(24, 15, 1)
    await sweep(app)
    [made] = [o for o in await orders_of(app, 772024) if o.subscription_id]
    await customer.say("/orders")
    await customer.choose(f"#{made.number}")
    await customer.choose("改约时间")
    await customer.say("12月7日 15:00")  # 1 Dec's visit moved to Monday 7 Dec
    await customer.choose("确认改约")
    moved = customer.text()  # the visit's order is not paid yet: it waits for payment
    assert f"订单 #{made.number} 已改到 12月7日 周一 15:00,付款后为您安排师傅" in moved, moved
    clock.now = at(1, 15, 1)
    await sweep(app)  # 8 Dec's visit is made
    [later] = [o for o in await orders_of(app, 772024) if o.start_at == at(8, 15)]

    await customer.say("/orders")
    await customer.choose(f"#{made.number}")
    await customer.choose("改约时间")
    await customer.say("12月8日 15:00")  # onto 8 Dec's own order
    assert f"这个时间已有同一定期预约的订单 #{later.number}" in customer.text()
    assert "确认改约" not in customer.text()
    orders = await orders_of(app, 772024)
    assert sorted(o.start_at for o in orders) == [at(24, 15), at(7, 15), at(8, 15)]


async def test_a_service_bookable_three_days_ahead_has_each_visit_made_three_days_ahead(
    aiohttp_client, tmp_path, any_db, pii_key, fake_telegram, clock
):
    """Daily cleaning bookable only 3 days ahead (its own ``max_days_ahead``), the rule's
    lead a week: each visit's order is made when the visit comes within those 3 days, not
    skipped as too far a week ahead; the customer is told so when setting it up."""
    app = tg_app(tmp_path, any_db, pii_key, fake_telegram, clock, catalog=cleaning_bookable(3))
    customer = TelegramUser(await aiohttp_client(app), fake_telegram, 772025)
    first = await book(customer, "明天 15:00")  # Tuesday 24 Nov; weekly from 1 Dec
    proposal, done = await repeat_weekly(customer, first)
    assert "每次服务前 3 天生成订单" in proposal, proposal
    assert "第一次上门 12月1日 周二 15:00,订单将于 11月28日 周六 生成" in done, done

    for now in (at(24, 15, 1), at(28, 14, 59)):  # a week ahead, then a minute too early
        clock.now = now
        await sweep(app)
        assert [o.start_at for o in await orders_of(app, 772025)] == [at(24, 15)]
    clock.now = at(28, 15)  # 1 Dec 15:00 is 3 days ahead
    await sweep(app)
    [made] = [o for o in await orders_of(app, 772025) if o.subscription_id]
    assert made.start_at == at(1, 15)
    [notice] = texts(fake_telegram, 772025, "已为您生成")
    assert f"#{made.number}" in notice
    clock.now = at(5, 15)  # and the next week's, 3 days before 8 Dec
    await sweep(app)
    made = sorted(o.start_at for o in await orders_of(app, 772025) if o.subscription_id)
    assert made == [at(1, 15), at(8, 15)]
    assert not texts(fake_telegram, 772025, "未能生成订单")
    await customer.say("/recurring")
    assert "(下次 12月15日 周二 15:00)" in customer.text()


async def test_a_visit_beyond_its_services_horizon_waits_and_a_gone_bundle_then_stops_it(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    """A visit the sweep finds beyond its service's horizon anyway (here: its bundle gone
    from the catalog, so no lead of its own is known for it) is not skipped as too far: it
    waits until within, then the bundle being gone stops the booking, the customer told."""
    app = tg_app(
        tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock, catalog=cleaning_bookable(3)
    )
    customer = TelegramUser(await aiohttp_client(app), fake_telegram, 772026)
    first = await book(customer, "明天 15:00")
    await repeat_weekly(customer, first)
    async with app[DATABASE].uow() as uow:
        await uow.session.exec(update(SubscriptionRow).values(bundle_id="gone"))
        await uow.commit()
    clock.now = at(24, 15, 1)
    await sweep(app)
    assert not texts(fake_telegram, 772026, "未能生成订单")
    clock.now = at(28, 15)
    await sweep(app)
    [stopped] = texts(fake_telegram, 772026, "未能生成订单")
    assert "已下架" in stopped and "该定期预约已停止" in stopped
    assert len(await orders_of(app, 772026)) == 1
