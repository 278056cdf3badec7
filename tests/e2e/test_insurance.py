"""Insurance end to end on PostgreSQL: a Telegram customer's paid order gets a policy from a
fake insurer on loopback (only what the insurer needs is sent) and its number shows in the
order's detail; an insurer that is down is asked again later, and ops are told once when
every attempt failed; a cancelled order's policy is voided; an order a prepaid card's visit
pays in full is insured too; without an insurer configured the
sandbox issues at once; two processes sweeping at once issue each policy once. Ops see the
number in ``/order #N``."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

import pytest
from sqlalchemy import text

from conversations.results.sweeps import PoliciesSwept
from domain.commands import IssuePolicies
from tests.e2e.helpers import (
    RULES,
    TelegramUser,
    book_and_pay,
    confirm_order,
    make_app,
    on_telegram,
)
from tests.e2e.test_cards import buy_card
from tests.e2e.test_unpaid_orders import quote_three_hours
from tests.fakes.insurer import KEY, FakeInsurer
from webhooks.keys import DATABASE, SERVICES

pytestmark = pytest.mark.parametrize("own_db_url", ["postgres"], indirect=True)
OPS = 660009


@pytest.fixture
async def insurer():
    fake = FakeInsurer()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, insurer):
    rules = replace(RULES, payments=replace(RULES.payments, insurance_max_attempts=3))
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        rules=rules,
        **on_telegram(fake_telegram),
        admins=f"telegram:{OPS}:ops",
        insurer_api_base=insurer.base_url,
        insurer_key=KEY,
    )
    return app, await aiohttp_client(app)


async def sweep(app) -> PoliciesSwept:
    [done] = await app[SERVICES].run(IssuePolicies())
    assert isinstance(done, PoliciesSwept)
    return done


async def policy_row(app, number: int):
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        return (
            await conn.execute(
                text("SELECT id, status, attempts, policy_no FROM policies WHERE number = :n"),
                {"n": number},
            )
        ).first()


async def detail(customer: TelegramUser, number: int) -> str:
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    return customer.text()


async def test_a_paid_order_gets_a_policy_shown_in_its_detail(shop, fake_telegram, insurer):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 660101)
    number = await book_and_pay(customer)
    row = await policy_row(app, number)
    assert row.status == "requested"
    assert "保单号" not in await detail(customer, number)
    assert await sweep(app) == PoliciesSwept(1, 0, 0)
    [sent] = insurer.requests
    assert sent["order"] == str(number) and sent["item"] == "日常保洁"
    assert sent["insured_fen"] == RULES.payments.insured_amount_cents
    assert set(sent) == {
        "request_id",
        "order",
        "item",
        "starts_at",
        "ends_at",
        "insured_fen",
        "currency",
    }  # no name, phone or address
    row = await policy_row(app, number)
    assert row.status == "issued" and row.policy_no.startswith("PICC")
    text_ = await detail(customer, number)
    assert f"保单号 {row.policy_no}" in text_ and "issued" not in text_
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/order #{number}")
    assert f"保单号 {row.policy_no}" in ops.text()
    assert await sweep(app) == PoliciesSwept(0, 0, 0)  # once


async def test_an_insurer_down_is_asked_again_later_and_ops_are_told_once(
    shop, fake_telegram, clock, insurer
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 660201)
    number = await book_and_pay(customer)
    insurer.down = True
    assert await sweep(app) == PoliciesSwept(0, 1, 0)
    assert await sweep(app) == PoliciesSwept(0, 0, 0)  # not due yet
    for _ in range(2):  # the rules here: 3 attempts
        clock.advance(hours=2)
        assert await sweep(app) == PoliciesSwept(0, 1, 0)
    row = await policy_row(app, number)
    assert (row.status, row.attempts) == ("failed", 3)
    clock.advance(hours=2)
    assert await sweep(app) == PoliciesSwept(0, 0, 0)  # given up: asked no more
    told = [
        m["text"]
        for m in fake_telegram.sent(OPS)
        if f"订单 #{number}" in m.get("text", "") and "投保多次失败" in m.get("text", "")
    ]
    assert len(told) == 1 and "insurer 503" in told[0]


async def test_an_insurer_down_once_is_asked_again_and_issues(shop, fake_telegram, clock, insurer):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 660251)
    number = await book_and_pay(customer)
    insurer.down = True
    assert await sweep(app) == PoliciesSwept(0, 1, 0)
    insurer.down = False
    clock.advance(minutes=5)
    assert await sweep(app) == PoliciesSwept(1, 0, 0)
    assert (await policy_row(app, number)).status == "issued"
    assert not any("投保" in m.get("text", "") for m in fake_telegram.sent(OPS))


async def test_a_cancelled_order_has_its_policy_voided(shop, fake_telegram, insurer):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 660301)
    number = await book_and_pay(customer)
    assert await sweep(app) == PoliciesSwept(1, 0, 0)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    assert "已取消" in customer.text()
    assert await sweep(app) == PoliciesSwept(0, 0, 1)
    assert insurer.voided == [insurer.requests[0]["request_id"]]
    assert (await policy_row(app, number)).status == "voided"
    assert "保单号" not in await detail(customer, number)
    assert await sweep(app) == PoliciesSwept(0, 0, 0)  # once


async def test_a_void_the_insurer_keeps_refusing_is_asked_again_then_ops_are_told_once(
    shop, fake_telegram, clock, insurer
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 660321)
    number = await book_and_pay(customer)
    assert await sweep(app) == PoliciesSwept(1, 0, 0)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    insurer.down = True
    for _ in range(3):  # the rules here: 3 attempts
        assert await sweep(app) == PoliciesSwept(0, 0, 0)
        clock.advance(hours=2)
    assert (await policy_row(app, number)).status == "void_failed"
    assert await sweep(app) == PoliciesSwept(0, 0, 0)
    told = [
        m["text"]
        for m in fake_telegram.sent(OPS)
        if f"订单 #{number}" in m.get("text", "") and "退保多次失败" in m.get("text", "")
    ]
    assert len(told) == 1
    assert insurer.voided == []


async def test_an_order_cancelled_before_its_policy_was_issued_is_not_insured(
    shop, fake_telegram, insurer
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 660351)
    number = await book_and_pay(customer)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    assert await sweep(app) == PoliciesSwept(0, 0, 1)
    assert insurer.requests == [] and insurer.voided == []
    assert (await policy_row(app, number)).status == "voided"


async def test_without_an_insurer_configured_the_sandbox_issues(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = make_app(tmp_path, own_db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, 660401)
    number = await book_and_pay(customer)
    assert await sweep(app) == PoliciesSwept(1, 0, 0)
    row = await policy_row(app, number)
    assert row.policy_no == f"SANDBOX-{row.id:08d}"
    assert f"保单号 SANDBOX-{row.id:08d}" in await detail(customer, number)


async def test_an_order_a_card_visit_pays_in_full_is_insured_too(shop, fake_telegram, insurer):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 660451)
    await customer.say("/start")
    await buy_card(customer)
    await customer.say("菜单")
    await quote_three_hours(customer)
    assert "本单使用次卡" in customer.text() and "合计:¥0.00" in customer.text()
    await confirm_order(customer)
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    assert await sweep(app) == PoliciesSwept(1, 0, 0)
    assert (await policy_row(app, number)).status == "issued"
    assert insurer.requests[0]["order"] == str(number)


async def test_two_processes_sweeping_at_once_issue_each_policy_once(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, insurer
):
    def process(name: str):
        return make_app(
            tmp_path / name,
            own_db_url,
            pii_key,
            clock=clock,
            **on_telegram(fake_telegram),
            insurer_api_base=insurer.base_url,
            insurer_key=KEY,
        )

    one, two = process("one"), process("two")
    client = await aiohttp_client(one)
    await aiohttp_client(two)
    numbers = [
        await book_and_pay(TelegramUser(client, fake_telegram, 660500 + i)) for i in range(4)
    ]
    insurer.delay_s = 0.05
    done = await asyncio.gather(sweep(one), sweep(two), sweep(one), sweep(two))
    assert sum(d.issued for d in done) == 4 and sum(d.failed for d in done) == 0
    assert len(insurer.requests) == 4 == len({r["request_id"] for r in insurer.requests})
    assert sorted(int(r["order"]) for r in insurer.requests) == sorted(numbers)
