"""A recurring booking asked for in words, on SQLite and PostgreSQL: "每周六上午9点 日常保洁3小时
…" (or "daily cleaning every Saturday 9am, 3 hours …") is quoted as repeating, and placing the
order sets up one recurring booking of its service, address, weekday and time — the same one
"每周重复" on the order would, whose sweep makes the next visit's order. A repeat not offered
("隔周") is said and booked once; "每周六" typed to reschedule an order only moves it."""

from __future__ import annotations

from datetime import UTC, datetime, time

from domain.commands import GenerateRecurring
from domain.people import Channel
from domain.recurring import Subscription
from tests.e2e.helpers import TelegramUser, confirm_order, telegram_app
from webhooks.keys import DATABASE, SERVICES

WHERE = "浦东新区世纪大道100号5楼"
SATURDAY_9 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 28 Nov 09:00 in Shanghai
NEXT_SATURDAY_9 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


async def mine(app, uid: int) -> tuple[list, list[Subscription]]:
    """The customer's orders and recurring bookings."""
    async with app[DATABASE].uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(uid))
        assert identity is not None and identity.customer_id is not None
        orders = await uow.orders.for_customer(identity.customer_id, limit=50)
        return orders, await uow.subscriptions.for_customer(identity.customer_id)


async def placed_and_paid(customer: TelegramUser, request: str) -> tuple[str, str]:
    """``request`` typed after /start, the order confirmed and paid in the sandbox: the quote
    shown and what placing it said."""
    await customer.say("/start")
    await customer.say(request)
    quote = customer.text()
    if customer.lang.startswith("zh"):
        await confirm_order(customer)
    else:
        await customer.choose("Confirm order")
        assert "mobile number" in customer.text(), customer.text()
        await customer.say(customer.phone)
    placed = customer.text()
    await customer.choose("确认支付" if customer.lang.startswith("zh") else "Pay ¥")
    return quote, placed


async def test_every_saturday_in_chinese_is_quoted_placed_and_repeated_weekly(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 795001)
    quote, placed = await placed_and_paid(customer, f"每周六上午9点 日常保洁3小时 {WHERE}")
    assert "每周六 09:00 重复" in quote and "可随时停止" in quote, quote
    assert "只订这一次" in quote
    assert "已提交" in placed and "已设为每周重复:每周六 09:00 日常保洁" in placed, placed
    assert (
        "下一次上门 12月5日 周六 09:00" in placed
        and "可在主菜单「定期预约」中查看或停止" in placed
    )
    assert "支付成功" in customer.text()

    [order], [sub] = await mine(app, 795001)
    assert order.start_at == SATURDAY_9 and order.subscription_id is None  # the one asked
    assert (sub.weekday, sub.at_time, sub.next_start_at) == (5, time(9), NEXT_SATURDAY_9)
    assert sub.selections == order.selections and sub.selections[0].quantity == 3
    assert sub.item_id == "daily_cleaning" and sub.address_id == order.address_id
    assert sub.address_id is not None and sub.active

    await customer.say("/recurring")
    assert "每周六 09:00 日常保洁(下次 12月5日 周六 09:00)" in customer.text()
    clock.now = datetime(2026, 11, 28, 1, 1, tzinfo=UTC)  # a week before the next visit
    for _ in range(2):  # a second sweep changes nothing
        await app[SERVICES].run(GenerateRecurring())
    orders, _ = await mine(app, 795001)
    [made] = [o for o in orders if o.subscription_id == sub.id]
    assert made.start_at == NEXT_SATURDAY_9 and len(orders) == 2


async def test_every_saturday_in_english_is_quoted_placed_and_repeated_weekly(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 795002, lang="en")
    quote, placed = await placed_and_paid(
        customer, f"daily cleaning every Saturday 9am, 3 hours, {WHERE}"
    )
    assert "Repeats every Saturday at 09:00" in quote and "Stop any time" in quote, quote
    assert "Repeating weekly: every Saturday at 09:00: Daily cleaning" in placed, placed
    assert "Next visit Sat 5 Dec 09:00" in placed
    assert "周" not in quote + placed  # one language on a screen
    assert "Paid" in customer.text()
    [order], [sub] = await mine(app, 795002)
    assert (sub.weekday, sub.at_time, sub.next_start_at) == (5, time(9), NEXT_SATURDAY_9)
    assert sub.selections == order.selections and sub.address_id == order.address_id


async def test_just_this_once_at_the_quote_places_a_one_off(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 795003)
    await customer.say("/start")
    await customer.say(f"每周六上午9点 日常保洁3小时 {WHERE}")
    await customer.choose("只订这一次")
    assert "重复" not in customer.text()
    await confirm_order(customer)
    assert "已提交" in customer.text() and "每周重复" not in customer.text()
    [order], subs = await mine(app, 795003)
    assert order.start_at == SATURDAY_9 and subs == []


async def test_every_other_week_is_said_not_offered_and_booked_once(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 795004)
    quote, placed = await placed_and_paid(customer, f"隔周六上午9点 日常保洁3小时 {WHERE}")
    assert "定期预约只能每周一次" in quote and "不支持隔周;这次按单次预约" in quote, quote
    assert "重复:" not in quote and "每周重复" not in placed
    [order], subs = await mine(app, 795004)
    assert order.start_at == SATURDAY_9 and subs == []


async def test_every_saturday_typed_to_reschedule_moves_the_order_and_repeats_nothing(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 795005)
    await placed_and_paid(customer, f"明天上午9点 日常保洁3小时 {WHERE}")
    [order], _ = await mine(app, 795005)
    await customer.say("/orders")
    await customer.choose(f"#{order.number}")
    await customer.choose("改约时间")
    await customer.say("每周六上午9点")
    await customer.choose("确认改约")
    assert f"订单 #{order.number} 已改约到 11月28日 周六 09:00" in customer.text(), customer.text()
    assert "每周重复" not in customer.text()
    [moved], subs = await mine(app, 795005)
    assert moved.start_at == SATURDAY_9 and subs == []
