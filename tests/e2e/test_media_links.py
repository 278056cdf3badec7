"""Photos in notices are links with a text ("查看照片"), never a bare signed URL: the finish
notice of a job, as a customer gets it on WeChat (an ``<a href>`` after the text), on Telegram
(a URL button under the message, with the confirm button) and in the web chat (a link)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WebUser,
    WeChatUser,
    book_and_pay,
    book_on_web,
    make_app,
    on_telegram,
    on_wechat,
    seed_worker,
)
from tests.e2e.test_job_rules import photo, to_in_service
from tests.fakes.wechat import WeChatServer, event_xml, location_xml
from webhooks.keys import CLOCK

WORKER = 600401
MEDIA = "http://127.0.0.1:8080/media/orders/"


@pytest.fixture
def app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock):
    settings = {**on_telegram(fake_telegram), **on_wechat(fake_wechat)}
    return make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **settings)


async def started(app, aiohttp_client):
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return client


async def finish(client, fake_telegram, number: int, clock) -> None:
    worker = TelegramUser(client, fake_telegram, WORKER)
    await to_in_service(worker, fake_telegram, number, clock)
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    assert "已完工" in worker.text()


async def book_on_wechat(user: WeChatUser) -> int:
    await user.post_xml(event_xml(user.openid, "subscribe"))
    for option in ("预约服务", "保洁", "日常保洁"):
        await user.choose(option)
    await user.say("2")  # hours: a typed number is the quantity there
    await user.say("明天 15:00")
    await user.post_xml(location_xml(user.openid, *HOME, "人民广场"))
    await user.say("8楼801")
    await user.say(user.phone)  # the phone, at the first quote: places the order
    number = int(re.search(r"#(\d{6,8})", user.last_text).group(1))
    await user.choose("确认支付")
    assert "支付成功" in user.last_text
    return number


async def test_on_wechat_the_finish_notice_starts_with_its_text_and_links_the_photo(
    app, aiohttp_client, fake_telegram, fake_wechat, clock
):
    client = await started(app, aiohttp_client)
    customer = WeChatUser(client, fake_wechat, "o-media", WeChatServer(clock=app[CLOCK]))
    number = await book_on_wechat(customer)
    await finish(client, fake_telegram, number, clock)
    [notice] = [t for t in fake_wechat.texts("o-media") if "已完工" in t]
    assert notice.startswith(f"订单 #{number} 已完工"), notice
    assert re.search(rf'<a href="{re.escape(MEDIA)}[^"]+">查看照片</a>', notice), notice
    assert not re.search(r"(^|\s)https?://", notice)  # no URL outside a link


async def test_on_telegram_the_photo_is_a_url_button_beside_the_confirm_button(
    app, aiohttp_client, fake_telegram, clock
):
    client = await started(app, aiohttp_client)
    customer = TelegramUser(client, fake_telegram, 600402)
    number = await book_and_pay(customer)
    await finish(client, fake_telegram, number, clock)
    [notice] = [m for m in fake_telegram.sent(customer.uid) if "已完工" in m.get("text", "")]
    assert notice["method"] == "sendMessage" and "http" not in notice["text"]
    buttons = [b for row in notice["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == [f"确认完成 #{number}", "查看照片"]
    assert buttons[1]["url"].startswith(MEDIA)
    assert not [m for m in fake_telegram.sent(customer.uid) if m["method"] == "sendPhoto"]


async def test_in_the_web_chat_the_photo_is_a_link_named_in_the_readers_language(
    app, aiohttp_client, fake_telegram, clock
):
    client = await started(app, aiohttp_client)
    customer = WebUser(client)
    await customer.open()
    number = await book_on_web(customer)
    await finish(client, fake_telegram, number, clock)
    body = await (await client.get("/web/api/poll?role=customer")).json()
    finished = body["replies"][-2:]
    assert finished[0]["type"] == "ask" and "已完工" in finished[0]["text"]
    assert finished[1]["type"] == "link" and finished[1]["label"] == "查看照片"
    assert finished[1]["url"].startswith(MEDIA) and finished[1]["text"] == ""
