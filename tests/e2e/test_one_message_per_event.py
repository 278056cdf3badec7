"""One message per event: a customer who files a complaint is told once that it was taken, and
once what was decided — not by their turn's answer and again by a notice, nor by the decision
and again by the refund it pays at once. Counted in Telegram (every Bot API message to the
chat) and in the web chat (every turn's answer and every polled notice)."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import (
    HOME,
    Clock,
    TelegramUser,
    WebUser,
    book_and_pay,
    book_on_web,
    make_settings,
    on_telegram,
    seed_worker,
)
from tests.e2e.test_job_rules import photo, to_in_service
from webhooks.app import create_app
from webhooks.keys import DATABASE

WORKER = 600301
OPS = 990301


@pytest.fixture
async def app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    """The demo's app (its web admin pane plays the owner) with a Telegram worker and ops."""
    from store.catalog_file import load_catalog

    catalog, rules = load_catalog()
    settings = make_settings(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        **on_telegram(fake_telegram),
        admins=f"telegram:{OPS}:ops",
    )
    return create_app(settings, catalog, rules, clock=clock, demo=True)


async def finish(worker: TelegramUser, fake, number: int, clock: Clock) -> None:
    await to_in_service(worker, fake, number, clock)
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake, f"after{number}")
    await worker.say(f"/finish #{number}")


async def complaint_id(app, number: int) -> int:
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        [complaint] = await uow.complaints.for_order(order.id)
        return int(complaint.id)


def texts(fake, chat: int, since: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent(chat)[since:]]


async def test_in_telegram_a_complaint_is_acknowledged_once_and_decided_once(
    app, aiohttp_client, fake_telegram, clock
):
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = TelegramUser(client, fake_telegram, 600302)
    number = await book_and_pay(customer)
    await finish(TelegramUser(client, fake_telegram, WORKER), fake_telegram, number, clock)
    await customer.say(f"投诉 #{number}")
    await customer.choose("服务态度")
    await customer.say("师傅态度很差")
    since = len(fake_telegram.sent(customer.uid))
    await customer.choose("提交投诉")
    filed = texts(fake_telegram, customer.uid, since)
    assert sum("投诉" in t for t in filed) == 1, filed
    assert "30 分钟" in filed[-1]

    since = len(fake_telegram.sent(customer.uid))
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/resolve {await complaint_id(app, number)} partial 10")
    assert "部分退款 ¥10.00" in ops.text()
    told = texts(fake_telegram, customer.uid, since)
    assert len(told) == 1 and "退款 ¥10.00" in told[0], told


async def test_in_telegram_a_complaint_the_rules_decide_is_answered_once(
    app, aiohttp_client, fake_telegram, clock
):
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = TelegramUser(client, fake_telegram, 600303)
    number = await book_and_pay(customer)
    await finish(TelegramUser(client, fake_telegram, WORKER), fake_telegram, number, clock)
    await customer.say(f"投诉 #{number}")
    await customer.choose("没做完")
    await customer.say("厨房没有打扫")
    await photo(customer, fake_telegram, "kitchen")
    since = len(fake_telegram.sent(customer.uid))
    await customer.choose("提交投诉")
    told = texts(fake_telegram, customer.uid, since)
    assert sum("退款" in t for t in told) == 1, told
    assert "已按规则处理" in told[-1]


async def test_in_the_web_chat_a_complaint_is_acknowledged_once_and_decided_once(
    app, aiohttp_client, fake_telegram, clock
):
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = WebUser(client)
    await customer.open()
    number = await book_on_web(customer)
    await finish(TelegramUser(client, fake_telegram, WORKER), fake_telegram, number, clock)
    await polled(client, "customer")  # what the visit told the customer so far

    await customer.say(f"投诉 #{number}")
    await customer.choose("服务态度")
    await customer.say("师傅态度很差")
    await customer.choose("提交投诉")
    seen = [r.get("text", "") for r in customer.last] + await polled(client, "customer")
    assert sum("投诉" in t for t in seen) == 1, seen

    admin = WebUser(client, role="admin")
    await admin.say(f"/resolve {await complaint_id(app, number)} partial 10")
    assert "部分退款 ¥10.00" in admin.text()
    told = await polled(client, "customer")
    assert len(told) == 1 and "退款 ¥10.00" in told[0], told


async def polled(client, role: str) -> list[str]:
    body = await (await client.get(f"/web/api/poll?role={role}")).json()
    return [r.get("text", "") for r in body["replies"]]
