"""The address on ``/order #N`` reads in the admin's language for the roles that see it in
full, as it does masked for the others: a location shared without a name was written
``地图定位 8楼801`` and an English owner or ops read that Chinese word (finance read
``Huangpu District Map pin *楼**…``)."""

import pytest

from tests.e2e.helpers import TelegramUser, book_and_pay, telegram_app

OPS, FINANCE = 994101, 994102


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OPS}:ops,telegram:{FINANCE}:finance",
    )


async def test_a_shared_locations_address_reads_in_the_admins_language(tg, fake_telegram):
    _, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 994201))  # a pin, 8楼801
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/order #{number}")
    assert "\n地址 地图定位 8楼801\n" in ops.text(), ops.text()
    await ops.say("/lang en")
    await ops.say(f"/order #{number}")
    assert "\nAddress Map pin 8楼801\n" in ops.text(), ops.text()
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say("/lang en")
    await finance.say(f"/order #{number}")
    assert "\nAddress Huangpu District Map pin *楼**…\n" in finance.text(), finance.text()
