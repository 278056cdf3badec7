"""What a demo probe found, end to end: an English customer's own order cut their address
short, a worker too early to check in was asked for the location first, and ``/link`` from an
account with orders sent a code it would refuse once typed back."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import (
    HOME,
    Clock,
    TelegramUser,
    book_and_pay,
    near_the_start,
    seed_worker,
    telegram_app,
    telegram_gps,
)
from tests.e2e.test_linking import customer_with_an_order, phone_of

LONG = "Room 1201, Building 3, 88 Lujiazui Ring Road, Pudong New Area"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram):
    return await telegram_app(
        aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock=Clock()
    )


async def test_an_english_customer_reads_their_own_address_in_full_on_their_order(
    tg, fake_telegram
):
    _, client = tg
    user = TelegramUser(client, fake_telegram, 750001, lang="en")
    await user.say("/start")
    await user.choose("Book a service")
    await user.choose("Cleaning")
    await user.choose("Daily cleaning")
    await user.choose("3 hour")
    await user.say("tomorrow 10am")
    await user.share(location={"latitude": 31.2304, "longitude": 121.4737})
    await user.say(LONG)
    quoted = user.text()
    await user.share(
        contact={"phone_number": "+8613900750001", "first_name": "Ann", "user_id": 750001}
    )
    number = int(re.search(r"#(\d{6,8})", user.text()).group(1))
    await user.say("/orders")
    await user.choose(f"#{number}")
    assert LONG in user.text() and "…" not in user.text(), user.text()
    assert "Daily cleaning 3 hours × ¥40.00" in quoted  # and the hours in the plural


async def test_a_worker_too_early_is_told_so_at_once_without_the_location_asked(tg, fake_telegram):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="750010", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 750011))  # tomorrow 15:00
    worker = TelegramUser(client, fake_telegram, 750010)
    await worker.say(f"/accept #{number}")
    await worker.say(f"/checkin #{number}")
    assert "还没到打卡时间:最早 11月24日 周二 14:00 可以打卡" in worker.text()
    assert "实时位置" not in worker.text()  # not asked for a location it would refuse
    await near_the_start(app, number, minutes_before=50)
    await worker.say(f"/checkin #{number}")
    assert "实时位置" in worker.text() and "还没到" not in worker.text()
    await worker.share(location=telegram_gps(HOME))
    assert "位置已确认" in worker.text()


async def test_link_from_an_account_with_orders_is_refused_before_any_code_is_sent(
    tg, fake_telegram
):
    _, client = tg
    await customer_with_an_order(client, fake_telegram, 750021)
    await customer_with_an_order(client, fake_telegram, 750022)
    asker = TelegramUser(client, fake_telegram, 750022)
    await asker.say("/link")
    await asker.say(phone_of(750021))
    assert "这个聊天账号已有订单,不能再绑定到另一个账户。" in asker.text()
    assert "验证码" not in asker.text()  # no code asked for
    assert not [m for m in fake_telegram.sent(750021) if "验证码" in m.get("text", "")]
    nobody = TelegramUser(client, fake_telegram, 750022)
    await nobody.say("/link")
    await nobody.say("13900000002")  # nobody's: the same answer, so it tells nothing
    assert "这个聊天账号已有订单" in nobody.text()
