"""Booking on Telegram end to end: webhook in, Bot API calls out to a fake server."""

import pytest

from tests.e2e.helpers import Clock, TelegramUser, telegram_app
from tests.fakes.telegram import message_update


@pytest.fixture
async def tg(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock=Clock()
    )
    return client


async def test_a_full_booking_from_first_message_to_paid_order(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 424242, lang="en-GB")
    await user.say("/start")  # no language question: Telegram's language_code decides
    assert "Welcome" in user.text() and "welcome coupon" in user.text()
    assert "phone" not in user.text()  # asked at the first checkout, not before
    await user.choose("Book a service")
    await user.choose("Appliance")
    await user.choose("Air-conditioner")
    await user.choose("High-altitude")
    await user.choose("2 ")  # how many, on the extras' screen: closes it
    assert "When" in user.text()
    await user.say("tomorrow 10am")
    assert "Where" in user.text()
    await user.share(location={"latitude": 31.2304, "longitude": 121.4737})
    assert "Building" in user.text()
    await user.say("Block 5, flat 1702")
    quote = user.text()
    # 2 × ¥120 + high-altitude ¥50 = ¥290; welcome coupon ¥20 off ¥100+; first order ¥50 off
    assert "Total: ¥220.00" in quote, quote
    contact_request = user.last[-1]["reply_markup"]["keyboard"][0][0]
    assert contact_request["request_contact"] is True  # the phone, with the quote
    await user.share(
        contact={"phone_number": "+8613900001111", "first_name": "Test", "user_id": 424242}
    )  # sharing it places the order
    assert "placed" in user.text()
    assert any(
        b.get("url", "").startswith("http://127.0.0.1:8080/pay/sandbox/") for b in user.options()
    )
    await user.choose("Pay ¥220.00")
    assert "Paid ¥220.00" in user.text()
    await user.say("/orders")
    assert "finding a worker" in user.text()
    methods = [m for m, _ in fake_telegram.calls]
    assert methods[0] == "getMe"
    answered = [
        p["callback_query_id"] for m, p in fake_telegram.calls if m == "answerCallbackQuery"
    ]
    assert len(answered) == len(set(answered)) == methods.count("answerCallbackQuery") > 4


async def test_a_failed_button_acknowledgement_does_not_stop_the_turn(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 434343, lang="en")
    await user.say("/start")
    # the acknowledgement and the keyboard's removal are the turn's only Bot API calls
    fake_telegram.fail_next = 2
    await user.choose("Book a service")
    assert "Which kind of service" in user.text()
    methods = [m for m, _ in fake_telegram.calls]
    assert methods.count("answerCallbackQuery") == methods.count("editMessageReplyMarkup") == 1
    assert fake_telegram.fail_next == 0  # both got a 502


async def test_wrong_answers_are_asked_again_with_a_hint(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 515151)
    await user.say("/start")
    await user.choose("预约服务")
    await user.say("🙂")
    assert "没太明白" in user.text() and "保洁" in user.text()
    await user.choose("保洁")
    await user.choose("日常保洁")
    await user.say("99")
    assert "2–8" in user.text() and "几小时" in user.text()
    await user.say("3")
    await user.say("昨天")
    assert "没看懂日期" in user.text() and "30 天内" in user.text()
    await user.say("帮助")
    assert "菜单" in user.text() and "什么时候上门" in user.text()
    await user.say("返回")
    assert "几小时" in user.text()
    await user.say("取消")
    assert "已取消" in user.text() and "预约服务" in user.text()


async def test_requests_without_the_secret_or_with_garbage_are_refused(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 616161)
    assert await user.post(message_update(616161, "/start"), secret="wrong") == 403
    assert await user.post(message_update(616161, "/start"), secret="") == 403
    resp = await tg.post(
        "/telegram", data=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    )
    assert resp.status == 400
    resp = await tg.post(
        "/telegram", json=[1, 2], headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    )
    assert resp.status == 400
    assert fake_telegram.sent(616161) == []
    metrics = await (await tg.get("/metrics")).text()
    assert 'daojia_messages_total{channel="telegram",result="rejected"} 4.0' in metrics


async def test_a_redelivered_update_is_processed_once_and_answered_again(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 717171)
    update = message_update(717171, "/start")
    assert await user.post(update) == 200
    first = list(user.last)
    assert first
    # Telegram sends an update again only when our answer did not reach it
    assert await user.post(update) == 200
    unnumbered = lambda sent: [{**m, "message_id": None} for m in sent]  # noqa: E731
    assert unnumbered(user.last) == unnumbered(first)  # the same message, sent again
    metrics = await (await tg.get("/metrics")).text()
    assert 'daojia_messages_total{channel="telegram",result="duplicate"} 1.0' in metrics
