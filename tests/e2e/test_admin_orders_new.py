"""``/orders`` lists the day's orders by the day they are served, so an order just paid for
tomorrow is not among them: today's list adds, apart, the orders booked today for a later day
(the first few, the rest behind ``/orders new``), and ``/orders new [day]`` lists every order
booked on a day, newest first, whatever day it is served. Unpaid orders are no booking (as
``/stats`` counts them)."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import TelegramUser, book, book_and_pay, telegram_app

OPS = 992201
ENGLISH_OPS = 992202
ADMINS = f"telegram:{OPS}:ops,telegram:{ENGLISH_OPS}:ops"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock, admins=ADMINS
    )


def numbered(text: str) -> list[str]:
    return [line.split()[0] for line in text.splitlines() if line.startswith("#")]


async def test_todays_orders_add_those_booked_today_for_later_days(tg, fake_telegram, clock):
    _, client = tg
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say("/orders")
    assert ops.text().splitlines()[:2] == ["订单(今天):共 0 单", "(无)"], ops.text()
    assert "新成交" not in ops.text()

    tomorrow = await book_and_pay(TelegramUser(client, fake_telegram, 722101), "明天 15:00")
    clock.advance(minutes=5)
    today = await book_and_pay(TelegramUser(client, fake_telegram, 722102), "今天 18:00")
    unpaid = await book(TelegramUser(client, fake_telegram, 722103), "后天 10:00")
    assert unpaid is not None

    await ops.say("/orders")
    lines = ops.text().splitlines()
    assert lines[0] == "订单(今天):共 1 单", lines
    assert lines[1].startswith(f"#{today} "), lines
    assert lines[2] == "今天新成交、之后上门:共 1 单", lines
    assert lines[3].startswith(f"#{tomorrow} 11月24日 周二 15:00"), lines
    assert f"#{unpaid}" not in ops.text()  # not paid: no booking yet

    await ops.say("/orders 今天")  # today named: the same
    assert f"#{tomorrow} 11月24日 周二 15:00" in ops.text()
    await ops.say("/orders 明天")  # tomorrow's list by service day has it already
    assert numbered(ops.text()) == [f"#{tomorrow}"], ops.text()
    assert "新成交" not in ops.text()
    await ops.say("/orders 待接单")  # a status asked: that list alone
    assert "新成交" not in ops.text()

    await ops.say("/orders new")
    assert ops.text().splitlines()[0] == "订单(新成交 · 今天):共 2 单", ops.text()
    assert numbered(ops.text()) == [f"#{today}", f"#{tomorrow}"]  # newest first
    await ops.say("/orders 新单")
    assert numbered(ops.text()) == [f"#{today}", f"#{tomorrow}"]

    english = TelegramUser(client, fake_telegram, ENGLISH_OPS, lang="en")
    await english.say("English")
    await english.say("/orders")
    assert "Booked today for later days: 1" in english.text(), english.text()
    await english.say("/orders new")
    assert english.text().splitlines()[0] == "Orders (new · today): 2", english.text()

    clock.advance(days=1)  # the next day: yesterday's new order is today's work now
    await ops.say("/orders")
    assert numbered(ops.text()) == [f"#{tomorrow}"], ops.text()
    assert "新成交" not in ops.text()
    await ops.say("/orders new")
    assert ops.text().splitlines()[:2] == ["订单(新成交 · 今天):共 0 单", "(无)"], ops.text()
    await ops.say("/orders new 昨天")
    assert numbered(ops.text()) == [f"#{today}", f"#{tomorrow}"], ops.text()
