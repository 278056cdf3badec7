"""``/broadcast`` previews and sends only on confirmation, on SQLite and PostgreSQL, through the
admins' Telegram webhook: the preview shows the message as customers get it in each language,
how many accounts it reaches on each channel and how to confirm, and sends nothing; ``/broadcast
send ID`` sends it once — a second confirmation, even after the rate limit has passed, sends
nothing more; as with ``/campaign send``, another admin allowed to broadcast (an owner) may
confirm a draft, an admin who may not broadcast may not."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlmodel import select

from domain.commands import DrainOutbox
from store.tables import OutboxRow
from tests.e2e.helpers import RULES, TelegramUser, make_app, on_telegram
from webhooks.keys import DATABASE, SERVICES

OWNER, PARTNER, OPS = 650001, 650002, 650003
ADMINS = f"telegram:{OWNER}:owner,telegram:{PARTNER}:owner,telegram:{OPS}:ops"
CUSTOMERS = (650101, 650102)
ONCE = {who: ["【到家】春节照常服务"] for who in CUSTOMERS}
"""Each customer got the broadcast once."""


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        rules=RULES,
        **on_telegram(fake_telegram),
        admins=ADMINS,
    )
    client = await aiohttp_client(app)
    for who in CUSTOMERS:
        await TelegramUser(client, fake_telegram, who).say("/start")
    return app, client


def got(fake_telegram, words: str) -> dict[int, list[str]]:
    """What each customer was sent that has ``words`` in it."""
    return {
        who: [m["text"] for m in fake_telegram.sent(who) if words in m.get("text", "")]
        for who in CUSTOMERS
    }


async def queued(app) -> int:
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(select(OutboxRow).where(OutboxRow.event == "broadcast"))
        return len(rows.all())


async def test_a_broadcast_is_previewed_and_sent_once_when_confirmed(shop, fake_telegram, clock):
    app, client = shop
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say("/broadcast 春节照常服务")
    shown = owner.text()
    found = re.search(r"群发 #(\d+) 预览", shown)
    assert found is not None, shown
    draft = found.group(1)
    assert "【到家】春节照常服务" in shown and "[daojia] 春节照常服务" in shown
    assert "可送达 2 个账号(Telegram 2)" in shown
    assert f"确认发送:/broadcast send {draft}" in shown
    await app[SERVICES].run(DrainOutbox())
    assert await queued(app) == 0
    assert got(fake_telegram, "春节照常服务") == {who: [] for who in CUSTOMERS}

    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/broadcast send {draft}")
    assert "/broadcast 需要" in ops.text()
    assert await queued(app) == 0

    partner = TelegramUser(client, fake_telegram, PARTNER)
    await partner.say(f"/broadcast send {draft}")
    assert "群发已排队:2 个账号" in partner.text()
    await app[SERVICES].run(DrainOutbox())
    assert got(fake_telegram, "春节照常服务") == ONCE

    await owner.say(f"/broadcast send {draft}")
    assert f"群发 #{draft} 已发送过" in owner.text()
    clock.advance(minutes=RULES.risk.broadcast_every_minutes + 1)
    await owner.say(f"/broadcast 确认 {draft}")
    assert f"群发 #{draft} 已发送过" in owner.text()
    await app[SERVICES].run(DrainOutbox())
    assert await queued(app) == 2
    assert got(fake_telegram, "春节照常服务") == ONCE

    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        rows = await conn.execute(text("SELECT action, actor, target FROM audit_log"))
        audit = [tuple(r) for r in rows.all() if str(r[0]).startswith("broadcast")]
    assert audit == [
        ("broadcast_preview", f"telegram:{OWNER}", "customers"),
        ("broadcast", f"telegram:{PARTNER}", f"broadcast:{draft}"),
    ]


async def test_a_broadcast_draft_that_does_not_exist_is_said_so(shop, fake_telegram):
    app, client = shop
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say("/broadcast send 9999")
    assert "没有群发 #9999" in owner.text()
    assert await queued(app) == 0


async def test_a_broadcast_whose_first_word_is_a_confirm_word_is_previewed_not_refused(
    shop, fake_telegram
):
    app, client = shop
    owner = TelegramUser(client, fake_telegram, OWNER)
    for words in ("go shopping", "确认 收到"):
        await owner.say(f"/broadcast {words}")
        shown = owner.text()
        assert re.search(r"群发 #\d+ 预览", shown) and f"【到家】{words}" in shown, shown
    await app[SERVICES].run(DrainOutbox())
    assert await queued(app) == 0
