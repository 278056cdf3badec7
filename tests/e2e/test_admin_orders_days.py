"""``/orders DATE`` for a day at the calendar's edge (``9999-12-31``, ``0001-01-01``): a day no
order is on, listed as such — not a 500 from a day whose end (or whose start in UTC, as the
database compares it) no ``datetime`` holds. ``/ledger`` has refused such days since it was
written; both now take their bounds from one place (``domain.business_days``)."""

import pytest

from tests.e2e.helpers import TelegramUser, book_and_pay, telegram_app

OPS = 992101
ADMINS = f"telegram:{OPS}:ops"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock=clock, admins=ADMINS
    )


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
async def test_orders_of_a_day_at_the_calendar_edge_are_none(tg, fake_telegram, day):
    app, client = tg
    await book_and_pay(TelegramUser(client, fake_telegram, 721101))
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/orders {day}")
    assert ops.text().splitlines()[:2] == [f"订单({day}):共 0 单", "(无)"], ops.text()
    await ops.say(f"/orders 派单中 {day}")
    assert ops.text().splitlines()[0].endswith("共 0 单"), ops.text()
