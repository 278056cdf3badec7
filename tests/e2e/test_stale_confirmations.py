"""A confirmation answered after its order changed under it: the customer opened "cancel" or
"reschedule" and an admin (or a sweep) acted on the order before they tapped the button. The
answer says what happened and the chat goes on; nothing is done twice."""

import pytest

from domain.lifecycle import OrderStatus
from tests.e2e.helpers import TelegramUser, book_and_pay, order_of, telegram_app

GONE = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)  # the sandbox refunds at once
OPS = 995002


@pytest.fixture
async def tg(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OPS}:ops",
    )


async def test_confirming_a_cancellation_an_admin_made_meanwhile(tg, fake_telegram):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 995101)
    number = await book_and_pay(customer)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    assert "确认取消" in customer.text()
    await TelegramUser(client, fake_telegram, OPS).say(f"/cancel #{number} 客户来电")
    assert (await order_of(app, number)).status in GONE
    refunded = (await order_of(app, number)).refunded_cents

    await customer.choose("确认取消")  # answered (200), not a server error

    assert "不能取消" in customer.text() and "可以" not in customer.text(), customer.text()
    assert "您最近的订单" in customer.text()  # back at the list, the order as it is now
    order = await order_of(app, number)
    assert order.status in GONE and order.refunded_cents == refunded
    await customer.say("/orders")  # the chat goes on
    assert f"#{number}" in customer.text()


async def test_confirming_a_move_of_an_order_cancelled_meanwhile(tg, fake_telegram):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 995102)
    number = await book_and_pay(customer, when="后天 15:00")
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("后天下午五点")
    assert "确认改约" in customer.text()
    await TelegramUser(client, fake_telegram, OPS).say(f"/cancel #{number} 客户来电")

    await customer.choose("确认改约")

    assert "已取消" in customer.text() or "不能改约" in customer.text(), customer.text()
    order = await order_of(app, number)
    assert order.status in GONE and order.start_at.hour == 7  # 15:00 +08:00
    await customer.say("/orders")
    assert f"#{number}" in customer.text()
