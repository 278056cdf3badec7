"""The customer's ``/reschedule #N`` (改期 #N, DESIGN §2): the order is read first — the
customer's own, movable now — then the new time is asked and confirmed as from the order's
screen; another customer's order or one that cannot move is refused before anything is
asked. Without a number the one order that can move is asked its new time, several are
listed to pick from."""

import pytest

from tests.e2e.helpers import TelegramUser, book_and_pay, order_of, telegram_app


@pytest.fixture
async def tg(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock=clock
    )


@pytest.mark.parametrize("typed", ["/reschedule #{n}", "改期 #{n}", "改期 {n}"])
async def test_a_customer_moves_their_order_by_command(tg, fake_telegram, typed):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 996101)
    number = await book_and_pay(customer, when="后天 15:00")
    await customer.say(typed.format(n=number))
    assert f"订单 #{number} 改到什么时间" in customer.text(), customer.text()
    await customer.say("后天下午五点")
    await customer.choose("确认改约")
    assert f"订单 #{number} 已改约到" in customer.text(), customer.text()
    assert (await order_of(app, number)).start_at.hour == 9  # 17:00 +08:00


async def test_another_customers_order_is_refused_before_asking(tg, fake_telegram):
    _, client = tg
    owner = TelegramUser(client, fake_telegram, 996102)
    number = await book_and_pay(owner)
    stranger = TelegramUser(client, fake_telegram, 996103)
    await stranger.say("/start")
    await stranger.say(f"/reschedule #{number}")
    assert "找不到订单" in stranger.text() and "改到什么时间" not in stranger.text()
    await stranger.say("/reschedule #9999999")  # no such order
    assert "找不到订单" in stranger.text() and "改到什么时间" not in stranger.text()


@pytest.mark.parametrize(
    ("typed", "uid"), [("/reschedule", 996104), ("改期", 996106), ("改时间", 996107)]
)
async def test_without_a_number_the_one_movable_order_is_asked_its_new_time(
    tg, fake_telegram, typed, uid
):
    _, client = tg
    customer = TelegramUser(client, fake_telegram, uid)
    number = await book_and_pay(customer)
    await customer.say(typed)
    assert f"订单 #{number} 改到什么时间" in customer.text(), customer.text()


async def test_without_a_number_several_movable_orders_come_to_pick_from(tg, fake_telegram):
    _, client = tg
    customer = TelegramUser(client, fake_telegram, 996105)
    first = await book_and_pay(customer)
    second = await book_and_pay(customer, when="后天 10:00")
    await customer.say("/reschedule")
    assert "您要改约哪个订单" in customer.text(), customer.text()
    assert f"#{first}" in customer.text() and f"#{second}" in customer.text()
    await customer.choose(f"#{second}")
    assert f"订单 #{second} 改到什么时间" in customer.text(), customer.text()


async def test_on_its_detail_a_move_with_its_time_is_quoted_at_once_and_moves_on_yes(
    tg, fake_telegram
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 996108)
    number = await book_and_pay(customer)  # tomorrow 15:00
    await customer.say("我的订单")
    await customer.choose(f"#{number}")
    await customer.say("改到后天上午10点")
    shown = customer.text()
    assert f"将订单 #{number} 改约到 11月25日 周三 10:00" in shown and "确认改约吗" in shown, shown
    assert "请选择服务类别" not in shown and "改到什么时间" not in shown
    assert (await order_of(app, number)).start_at.hour == 7  # not moved before the yes
    await customer.choose("确认改约")
    assert f"订单 #{number} 已改约到 11月25日 周三 10:00" in customer.text(), customer.text()
    assert (await order_of(app, number)).start_at.hour == 2  # 10:00 +08:00


async def test_at_the_menu_in_english_the_one_order_that_can_move_is_quoted(tg, fake_telegram):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 996109)
    number = await book_and_pay(customer)
    await customer.say("English")
    await customer.say("can you move my cleaning to Friday 10am?")
    shown = customer.text()
    assert f"Move order #{number} to Fri 27 Nov 10:00" in shown and "Confirm?" in shown, shown
    assert "category" not in shown
    await customer.choose("Leave it")
    assert (await order_of(app, number)).start_at.hour == 7  # "no": the time stays


async def test_with_several_orders_the_one_picked_is_quoted_with_the_time_kept(tg, fake_telegram):
    _, client = tg
    customer = TelegramUser(client, fake_telegram, 996110)
    first = await book_and_pay(customer)
    second = await book_and_pay(customer, when="后天 15:00")
    await customer.say("我想改到后天上午10点")
    assert "您要改约哪个订单" in customer.text(), customer.text()
    assert f"#{first}" in customer.text() and f"#{second}" in customer.text()
    await customer.choose(f"#{second}")
    shown = customer.text()
    assert f"将订单 #{second} 改约到 11月25日 周三 10:00" in shown and "确认改约吗" in shown, shown
