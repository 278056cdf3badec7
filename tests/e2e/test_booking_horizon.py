"""A maternity nurse booked for a due date two months ahead, end to end (SQLite and
PostgreSQL): the item's own horizon (the demo catalog's ``max_days_ahead: 300``) is read by
the booking and by a move, where daily cleaning keeps the rule's 30 days."""

from __future__ import annotations

from datetime import datetime

from tests.e2e.helpers import TelegramUser, book_and_pay
from tests.e2e.test_placements import OPS, TZ, app_with, book_maternity_nurse
from webhooks.keys import DATABASE

DUE = "合同期 1月15日 周五 09:00 至 2月10日 周三 09:00,共 26 天"


async def test_a_maternity_nurse_is_booked_and_moved_months_ahead_daily_cleaning_is_not(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, 732101)
    number = await book_maternity_nurse(customer, "预产期是明年1月15号 9:00", DUE)
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/reschedule #{number} 2027-01-25 09:00")
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.start_at == datetime(2027, 1, 25, 9, 0, tzinfo=TZ), ops.text()

    cleaning = await book_and_pay(TelegramUser(client, fake_telegram, 732102))
    await ops.say(f"/reschedule #{cleaning} 2027-01-25 09:00")
    assert "最多可预约 30 天内" in ops.text()
