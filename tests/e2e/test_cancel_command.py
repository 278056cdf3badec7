"""The customer's ``/cancel #N`` (取消订单 #N, ``cancel #N``): the cancellation terms of that
order are shown and asked, as its own "取消订单" button does — never a bare "已取消。" that
leaves the order as it was; another customer's order is refused and stays."""

import random

import pytest

from domain.lifecycle import OrderStatus
from tests.e2e.helpers import TelegramUser, book_and_pay, order_of, telegram_app


@pytest.fixture
async def tg(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock=clock
    )


def uid() -> int:
    return 8 * 10**9 + random.randrange(10**9)


@pytest.mark.parametrize("typed", ["/cancel #{n}", "取消订单 #{n}", "cancel {n}"])
async def test_a_customer_cancels_their_order_by_command(tg, fake_telegram, typed):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, uid())
    number = await book_and_pay(customer, when="后天 15:00")
    await customer.say(typed.format(n=number))
    assert f"取消订单 #{number}" in customer.text() and "确认取消" in customer.text()
    assert (await order_of(app, number)).status != OrderStatus.CANCELLED  # asked first
    await customer.choose("确认取消")
    assert f"订单 #{number} 已取消" in customer.text(), customer.text()
    assert (await order_of(app, number)).status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


async def test_another_customers_order_is_not_cancelled(tg, fake_telegram):
    app, client = tg
    owner = TelegramUser(client, fake_telegram, uid())
    number = await book_and_pay(owner)
    stranger = TelegramUser(client, fake_telegram, uid())
    await stranger.say("/start")
    await stranger.say(f"/cancel #{number}")
    assert "找不到订单" in stranger.text() and "确认取消" not in stranger.text()
    assert "已取消" not in stranger.text()
    assert (await order_of(app, number)).status not in (
        OrderStatus.CANCELLED,
        OrderStatus.REFUNDED,
    )
