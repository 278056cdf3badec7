"""Dispatch priority of members (DESIGN §4): a gold member's scheduled order gets the only free
worker before a regular customer's order placed earlier in the same batch; the regular one is
told no worker is free yet."""

from __future__ import annotations

from dataclasses import replace

from domain.commands import BatchDispatch
from domain.rules import MemberLevel
from tests.e2e.helpers import RULES, TelegramUser, book_and_pay, make_app, on_telegram, seed_worker
from tests.e2e.test_points import customer_id
from webhooks.keys import DATABASE, SERVICES

WORKER = 630901


async def test_a_gold_members_order_gets_the_only_worker_before_an_earlier_regular_one(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    rules = replace(RULES, dispatch=replace(RULES.dispatch, batch_ahead_hours=12))
    app = make_app(
        tmp_path, own_db_url, pii_key, clock=clock, rules=rules, **on_telegram(fake_telegram)
    )
    client = await aiohttp_client(app)
    near, farther = (31.2304, 121.4737), (31.2754, 121.4737)  # the gold one 5 km further
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=near, radius_m=9000)
    regular = TelegramUser(client, fake_telegram, 630911)
    first = await book_and_pay(regular, home=near)  # tomorrow 15:00, placed first
    gold = TelegramUser(client, fake_telegram, 630912)
    await gold.say("/start")
    me = await customer_id(app, gold)
    async with app[DATABASE].uow() as uow:
        await uow.membership.set_level(me, MemberLevel.GOLD)
        await uow.commit()
    second = await book_and_pay(gold, home=farther)  # the same time: one of them only
    assert not [m for m in fake_telegram.sent(WORKER) if "新订单" in m.get("text", "")]

    await app[SERVICES].run(BatchDispatch())
    offers = [m["text"] for m in fake_telegram.sent(WORKER) if "新订单" in m.get("text", "")]
    assert len(offers) == 1 and f"#{second}" in offers[0] and f"#{first}" not in offers[0]
    assert any(
        f"#{first}" in m.get("text", "") and "暂时没有" in m.get("text", "")
        for m in fake_telegram.sent(regular.uid)
    )
