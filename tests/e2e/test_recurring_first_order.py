"""A recurring booking and the order it was set up from, on SQLite and PostgreSQL (the sweeps
run on the injected clock): no visit's order is made before that first order is paid; when it
expires or is cancelled unpaid the weekly booking ends with it, the customer told, and the
sweep makes nothing more — nor can a weekly booking be set up from it afterwards. Paid, the
visits come; cancelled after it was paid, the weekly booking goes on. A weekly repeat asked
for that the customer has set up already is said at the quote, and the order booked once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations.events import Failed
from domain.commands import ExpireUnpaid, GenerateRecurring, Subscribe
from domain.lifecycle import OrderStatus
from tests.e2e.helpers import TelegramUser, confirm_order, telegram_app
from tests.e2e.test_recurring_in_words import WHERE, mine, placed_and_paid
from tests.e2e.test_reminders import texts
from webhooks.keys import SERVICES

SUNDAY_29_9 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)  # 29 Nov 09:00 in Shanghai
ENDED = "定期预约也已停止"


async def weekly_unpaid(customer: TelegramUser) -> int:
    """Every Saturday 09:00 asked for in words, placed and left unpaid; then the same order
    also repeated every Sunday from its detail — the first Sunday (29 Nov) is within the
    week ahead, so the sweep would make its order at once. Returns the order's number."""
    await customer.say("/start")
    await customer.say(f"每周六上午9点 日常保洁3小时 {WHERE}")
    await confirm_order(customer)
    placed = customer.text()
    assert "已设为每周重复:每周六 09:00 日常保洁" in placed, placed
    await customer.choose("稍后支付")
    [order], _ = await mine(customer.app, customer.uid)
    await customer.say("/orders")
    await customer.choose(f"#{order.number}")
    await customer.choose("每周重复")
    await customer.choose("换一天")
    await customer.choose("周日")
    assert "第一次上门:11月29日 周日 09:00" in customer.text(), customer.text()
    await customer.choose("确认设置")
    assert "已设置" in customer.text(), customer.text()
    return order.number


async def sweep_twice(app) -> None:
    for _ in range(2):  # a second run finds nothing more
        await app[SERVICES].run(GenerateRecurring())


async def test_a_first_order_that_expires_unpaid_ends_its_weekly_bookings_and_none_is_made(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 796001)
    customer.app = app
    number = await weekly_unpaid(customer)
    [order], subs = await mine(app, 796001)
    assert {s.first_order_id for s in subs} == {order.id} and len(subs) == 2

    clock.advance(minutes=1)  # Sunday's visit is due; its first order is not paid
    await sweep_twice(app)
    orders, subs = await mine(app, 796001)
    assert len(orders) == 1 and len(subs) == 2  # waiting, not made
    assert texts(fake_telegram, 796001, "已为您生成") == []

    clock.advance(minutes=30)  # past the 30 minutes to pay
    await app[SERVICES].run(ExpireUnpaid())
    [expired], subs = await mine(app, 796001)
    assert expired.status == OrderStatus.CANCELLED and subs == []
    ended = texts(fake_telegram, 796001, ENDED)
    assert len(ended) == 2 and all(f"订单 #{number} 未付款已取消" in t for t in ended)
    assert sorted("每周六 09:00" in t for t in ended) == [False, True]
    assert any("每周日 09:00" in t for t in ended) and "不会再生成订单" in ended[0]

    for week in range(3):  # the weeks go by: nothing is ever made of them
        clock.now = SUNDAY_29_9 + timedelta(weeks=week)
        await sweep_twice(app)
    orders, _ = await mine(app, 796001)
    assert [o.number for o in orders] == [number]
    assert texts(fake_telegram, 796001, "已为您生成") == []

    await customer.say("/recurring")
    assert "还没有定期预约" in customer.text()
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert "每周重复" not in customer.text()  # not set up from an order never paid
    [refused] = await app[SERVICES].run(Subscribe(expired.customer_id, number, 5, "09:00"))
    assert isinstance(refused, Failed)  # an older screen's button: refused, nothing set up
    assert refused.message.get("zh") == f"订单 #{number} 未付款已取消,不能设为定期;请重新预约。"
    assert (await mine(app, 796001))[1] == []


async def test_a_first_order_cancelled_unpaid_by_the_customer_ends_its_weekly_booking(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 796002)
    await customer.say("/start")
    await customer.say(f"每周六上午9点 日常保洁3小时 {WHERE}")
    await confirm_order(customer)
    await customer.choose("稍后支付")
    [order], [_] = await mine(app, 796002)
    clock.advance(minutes=1)
    await customer.say("/orders")
    await customer.choose(f"#{order.number}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    assert "已取消" in customer.text(), customer.text()
    [ended] = texts(fake_telegram, 796002, ENDED)
    assert f"订单 #{order.number} 未付款已取消" in ended and "每周六 09:00" in ended
    _, subs = await mine(app, 796002)
    assert subs == []
    clock.now = datetime(2026, 11, 28, 1, 1, tzinfo=UTC)  # a week before 5 Dec's visit
    await sweep_twice(app)
    orders, _ = await mine(app, 796002)
    assert len(orders) == 1


async def test_a_weekly_booking_starts_once_its_first_order_is_paid_and_outlives_its_cancel(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 796003)
    customer.app = app
    number = await weekly_unpaid(customer)
    clock.advance(minutes=1)
    await sweep_twice(app)
    assert len((await mine(app, 796003))[0]) == 1  # waiting for the first order's payment
    await customer.say("/recurring")  # and the list says so, not a next visit
    listed = customer.text()
    assert listed.count(f"(首单 #{number} 付款后开始)") == 2 and "下次" not in listed, listed

    clock.advance(minutes=1)  # within the 30 minutes: paid from its detail
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("去支付")
    await customer.choose("确认支付")
    assert "支付成功" in customer.text(), customer.text()
    await sweep_twice(app)
    orders, _ = await mine(app, 796003)
    [visit] = [o for o in orders if o.number != number]
    assert visit.start_at == SUNDAY_29_9 and visit.status == OrderStatus.AWAITING_PAYMENT
    [made] = texts(fake_telegram, 796003, "已为您生成")
    assert f"#{visit.number}" in made
    await customer.say("/recurring")
    assert "付款后开始" not in customer.text() and "(下次 12月5日 周六 09:00)" in customer.text()

    clock.advance(minutes=1)  # the paid first order cancelled (days ahead: all refunded)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    assert "已取消" in customer.text(), customer.text()
    _, subs = await mine(app, 796003)
    assert len(subs) == 2 and all(s.active for s in subs)  # it was paid: the weeks go on
    assert texts(fake_telegram, 796003, ENDED) == []


async def test_a_weekly_repeat_set_up_already_is_said_at_the_quote_and_booked_once(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 796004)
    await placed_and_paid(customer, f"每周六上午9点 日常保洁3小时 {WHERE}")
    [_], [sub] = await mine(app, 796004)

    clock.advance(minutes=1)  # the same again, the address typed again
    quote, placed = await placed_and_paid(customer, f"每周六上午9点 日常保洁3小时 {WHERE}")
    assert "您已设置过每周六 09:00 的这项定期预约" in quote and "这一单按单次预约" in quote
    assert "重复:下单后" not in quote and "只订这一次" not in quote, quote
    assert "已提交" in placed and "每周重复" not in placed and "已经设置过了" not in placed
    orders, subs = await mine(app, 796004)
    assert len(orders) == 2 and subs == [sub]

    clock.advance(minutes=1)  # another time is another weekly booking: offered as ever
    await customer.say("/start")
    await customer.say(f"每周六上午10点 日常保洁3小时 {WHERE}")
    assert "每周六 10:00 重复" in customer.text() and "只订这一次" in customer.text()
    assert "您已设置过" not in customer.text()
