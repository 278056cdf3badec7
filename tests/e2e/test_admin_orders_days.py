"""``/orders DATE`` for a day at the calendar's edge (``9999-12-31``, ``0001-01-01``): a day no
order is on, listed as such — not a 500 from a day whose end (or whose start in UTC, as the
database compares it) no ``datetime`` holds. ``/ledger`` has refused such days since it was
written; both now take their bounds from one place (``domain.business_days``)."""

import pytest

from tests.e2e.helpers import TelegramUser, book_and_pay, telegram_app

OPS = 992101
BOSS = 992102
ADMINS = f"telegram:{OPS}:ops,telegram:{BOSS}:owner"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock=clock, admins=ADMINS
    )


@pytest.mark.parametrize(
    ("day", "shown"), [("9999-12-31", "9999年12月31日 周五"), ("0001-01-01", "1年1月1日 周一")]
)
async def test_orders_of_a_day_at_the_calendar_edge_are_none(tg, fake_telegram, day, shown):
    app, client = tg
    await book_and_pay(TelegramUser(client, fake_telegram, 721101))
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/orders {day}")
    assert ops.text().splitlines()[:2] == [f"订单({shown}):共 0 单", "(无)"], ops.text()
    await ops.say(f"/orders 派单中 {day}")
    assert ops.text().splitlines()[0].endswith("共 0 单"), ops.text()


@pytest.mark.parametrize(
    ("days", "refused"),
    [
        ("2026-01-01 9999-12-31", True),  # the last day's end: no datetime holds it
        ("0001-01-01 2026-01-01", True),  # its start in UTC is in year 0
        ("9999-12-30 9999-12-30", False),  # bounded in every zone: a ledger like any other
        ("0001-01-02 0001-01-02", False),
    ],
)
async def test_ledger_refuses_only_days_no_instant_bounds(tg, fake_telegram, days, refused):
    """``/ledger`` asks ``domain.business_days.day_bounds`` as the web route does."""
    _, client = tg
    boss = TelegramUser(client, fake_telegram, BOSS)
    await boss.say(f"/ledger {days}")
    assert ("日期超出范围" in boss.text()) is refused, boss.text()
