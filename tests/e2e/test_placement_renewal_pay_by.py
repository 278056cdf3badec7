"""A placement's renewal, placed from the renewal offer days before the contract ends, may be
paid until ``payments.renewal_pay_before_hours`` (48) before it starts — the notice says by
when — not within the 30 minutes an order placed at the checkout has; then it lapses. On
SQLite and PostgreSQL (``own_db_url``), through the unpaid sweep's own query."""

from __future__ import annotations

import re
from datetime import date, timedelta

from domain.commands import ExpireUnpaid, PlacementSweep
from domain.lifecycle import OrderStatus
from domain.people import Certificate
from tests.e2e.helpers import RULES, TelegramUser
from tests.e2e.test_explain_dispatch import take, worker
from tests.e2e.test_placements import app_with, at_work, book_maternity_nurse
from webhooks.keys import DATABASE, SERVICES


async def status_of(app, number: int) -> OrderStatus:
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    return order.status


async def test_a_renewal_may_be_paid_until_two_days_before_it_starts_then_it_lapses(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    customer = TelegramUser(await aiohttp_client(app), fake_telegram, 731301)
    papers = (
        Certificate("health", "", date(2027, 12, 31), True),
        Certificate("maternity_nurse", "", date(2027, 12, 31), True),
    )
    nurse = await worker(
        app, 731302, "月嫂", skills=("maternity",), certificates=papers, online=False
    )
    number = await book_maternity_nurse(customer)
    await take(app, number, nurse)
    await at_work(app, number, nurse)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    clock.now = order.end_at - timedelta(days=7, minutes=-1)
    await app[SERVICES].run(PlacementSweep())
    customer.last = [fake_telegram.sent(731301)[-1]]
    await customer.choose("续约")
    renewed = fake_telegram.sent(731301)[-1]["text"]
    new = int(re.search(r"新订单 #(\d+)", renewed).group(1))
    # starts 12-20 09:30 (after the travel buffer): payable until 48 hours before
    assert RULES.payments.renewal_pay_before_hours == 48
    assert "请在 12月18日 周五 09:30 前支付" in renewed, renewed

    clock.advance(minutes=RULES.payments.unpaid_expire_minutes + 5)
    await app[SERVICES].run(ExpireUnpaid())
    assert await status_of(app, new) == OrderStatus.AWAITING_PAYMENT  # days left to pay
    clock.now = order.end_at + timedelta(minutes=30) - timedelta(hours=48, minutes=1)
    await app[SERVICES].run(ExpireUnpaid())
    assert await status_of(app, new) == OrderStatus.AWAITING_PAYMENT
    clock.advance(minutes=2)  # past the pay-by time
    await app[SERVICES].run(ExpireUnpaid())
    assert await status_of(app, new) == OrderStatus.CANCELLED
    assert await status_of(app, number) != OrderStatus.CANCELLED  # the contract under way
