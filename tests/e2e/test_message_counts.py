"""``daojia_messages_total{channel,result}`` keeps to its contract (DESIGN §2): every inbound
webhook message is counted once, as ``handled``, ``duplicate`` or ``rejected`` — a WeChat
request replayed with another message is ``rejected`` (no result of its own), and so is a
message whose turn failed (a 500, or WeChat's "send it again"), counted once however often
the process tried it."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import TelegramUser, WebUser, make_app, telegram_app
from tests.e2e.test_wechat import wechat_app
from tests.fakes.telegram import message_update
from tests.fakes.wechat import WeChatServer, text_xml
from webhooks.keys import CHANNELS, CHAT, CLOCK

MODES = pytest.mark.parametrize("aes", [False, True], ids=["plaintext", "aes"])


async def results(client, channel: str) -> dict[str, float]:
    """The channel's ``daojia_messages_total`` by result, as ``/metrics`` shows it."""
    metrics = await (await client.get("/metrics")).text()
    pattern = rf'daojia_messages_total{{channel="{channel}",result="(\w+)"}} (\S+)'
    return {result: float(n) for result, n in re.findall(pattern, metrics)}


def failing(app, times: int | None = None) -> list[str]:
    """The chat engine's first ``times`` turns (all, for None) raise; the list names what
    each call did."""
    engine = app[CHAT].engine
    handle, calls = engine.handle, []

    async def flaky(event, deliver=None):
        if times is None or len(calls) < times:
            calls.append("failed")
            raise RuntimeError("the turn failed")
        calls.append("ran")
        return await handle(event, deliver)

    engine.handle = flaky
    return calls


@MODES
async def test_a_replayed_wechat_message_counts_as_rejected_once(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, aes
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=aes, clock=app[CLOCK])
    query, body = server.request(text_xml("o-count-victim", "/start"))
    assert (await client.post("/wechat", params=query, data=body)).status == 200
    forged_query, forged = server.request(
        text_xml("o-count-attacker", "/start"), timestamp=query["timestamp"], nonce=query["nonce"]
    )
    assert (await client.post("/wechat", params=forged_query, data=forged)).status == 403
    assert await results(client, "wechat") == {"handled": 1, "duplicate": 0, "rejected": 1}


async def test_a_failed_telegram_turn_is_a_500_counted_rejected(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram
):
    app, client = await telegram_app(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram)
    calls = failing(app, 1)
    user = TelegramUser(client, fake_telegram, 612001)
    update = message_update(612001, "/start")
    assert await user.post(update) == 500
    assert await results(client, "telegram") == {"handled": 0, "duplicate": 0, "rejected": 1}
    assert await user.post(update) == 200  # Telegram sends it again: it goes through
    assert calls == ["failed", "ran"]
    assert await results(client, "telegram") == {"handled": 1, "duplicate": 0, "rejected": 1}


async def test_a_failed_web_chat_turn_is_a_500_counted_rejected(
    aiohttp_client, tmp_path, sqlite_url, pii_key
):
    app = make_app(tmp_path, sqlite_url, pii_key)
    client = await aiohttp_client(app)
    user = WebUser(client)
    await user.open()
    failing(app)
    resp = await client.post("/web/api/send", json={"type": "text", "text": "/start"})
    assert resp.status == 500
    assert (await results(client, "web"))["rejected"] == 1
    assert (await results(client, "web"))["handled"] == 0


@pytest.mark.parametrize("budget_s", [0, 30], ids=["answered success", "answered 500"])
async def test_a_wechat_message_never_done_counts_rejected_once(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, budget_s
):
    from bots.wechat import ATTEMPTS

    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    bot = app[CHANNELS]["wechat"]
    bot.budget_s, bot.retry_pause_s = budget_s, 0
    calls = failing(app)
    query, body = WeChatServer(clock=app[CLOCK]).request(text_xml("o-count-fail", "/start"))
    resp = await client.post("/wechat", params=query, data=body)
    assert resp.status == (200 if budget_s == 0 else 500)
    await bot.drain()
    assert calls == ["failed"] * ATTEMPTS
    assert await results(client, "wechat") == {"handled": 0, "duplicate": 0, "rejected": 1}


async def test_a_wechat_turn_done_at_its_second_attempt_counts_handled_only(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    app[CHANNELS]["wechat"].retry_pause_s = 0
    calls = failing(app, 1)
    query, body = WeChatServer(clock=app[CLOCK]).request(text_xml("o-count-retry", "/start"))
    resp = await client.post("/wechat", params=query, data=body)
    assert resp.status == 200 and "欢迎" in await resp.text()
    assert calls == ["failed", "ran"]
    assert await results(client, "wechat") == {"handled": 1, "duplicate": 0, "rejected": 0}
