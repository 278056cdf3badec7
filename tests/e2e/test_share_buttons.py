"""Telegram's share-my-number button says what it does in a few words ("📱 分享手机号"), as
the web chat's does; the question it answers is the message above it, not the button's
label (a long sentence on a button is cut off on a phone)."""

import pytest

from tests.e2e.helpers import HOME, TelegramUser, telegram_app, telegram_gps


@pytest.fixture
async def tg(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock):
    _, client = await telegram_app(
        aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock=clock
    )
    return client


def contact_button(user: TelegramUser) -> tuple[str, dict]:
    [(text, button)] = [
        (m.get("text", ""), b)
        for m in user.last
        for row in (m.get("reply_markup") or {}).get("keyboard", [])
        for b in row
        if b.get("request_contact")
    ]
    return text, button


async def test_the_customers_phone_is_asked_above_a_short_share_button(tg, fake_telegram):
    customer = TelegramUser(tg, fake_telegram, 717171)
    await customer.say("/start")
    for option in ("预约服务", "保洁", "日常保洁", "2小时"):
        await customer.choose(option)
    await customer.say("明天 15:00")
    await customer.share(location=telegram_gps(HOME))
    await customer.say("8楼801")
    text, button = contact_button(customer)
    assert "留下手机号即确认下单" in text
    assert button["text"] == "📱 分享手机号"


async def test_a_new_workers_phone_is_asked_above_a_short_share_button(tg, fake_telegram):
    worker = TelegramUser(tg, fake_telegram, 717172)
    await worker.say("/register")
    await worker.say("王师傅")
    text, button = contact_button(worker)
    assert "请分享或输入您的手机号" in text
    assert button["text"] == "📱 分享手机号"


async def test_in_english_the_share_button_is_english(tg, fake_telegram):
    """Waits on the catalogs: "📱 分享手机号" → "📱 Share phone" (the web chat's words)."""
    worker = TelegramUser(tg, fake_telegram, 717173, lang="en")
    await worker.say("/register")
    await worker.say("Wang Fang")
    text, button = contact_button(worker)
    assert "phone number" in text
    assert button["text"] == "📱 Share phone"
