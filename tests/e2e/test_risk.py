"""Risk rules end to end: the per-person message rate limit (Telegram and the web chat, with
in-process state and with Redis) and the confirmation code of a big order."""

import re
import secrets
from dataclasses import replace

import pytest
from sqlalchemy import text

from conversations.engine import TOO_MANY
from tests.e2e.helpers import (
    RULES,
    STACKING,
    Clock,
    TelegramUser,
    WebUser,
    WeChatUser,
    confirm_order,
    make_app,
    telegram_app,
)
from tests.e2e.test_web_booking import sign_up
from tests.e2e.test_wechat import wechat_app
from tests.fakes.telegram import callback_update, message_update
from tests.fakes.wechat import WeChatServer, text_xml
from webhooks.keys import CLOCK, DATABASE

LIMIT = 3
LIMITED = replace(STACKING, risk=replace(RULES.risk, messages_per_minute=LIMIT))
ADMIN = secrets.randbelow(10**9) + 10**9  # random: Redis remembers message ids for a day


def metric(body: str, channel: str, result: str) -> float:
    m = re.search(rf'daojia_messages_total{{channel="{channel}",result="{result}"}} (\S+)', body)
    assert m, body
    return float(m.group(1))


@pytest.fixture(params=["local", "redis"])
def state(request):
    """Extra settings: in-process conversation state, or Redis."""
    if request.param == "redis":
        return {"redis_url": request.getfixturevalue("redis_url")}
    return {}


@pytest.fixture
async def tg(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock, state):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        rules=LIMITED,
        admins=f"telegram:{ADMIN}:owner",
        **state,
    )
    return client


async def test_a_flood_gets_one_warning_is_not_processed_and_the_next_minute_works(
    tg, fake_telegram, clock
):
    user = TelegramUser(tg, fake_telegram, secrets.randbelow(10**9) + 10**9)
    await user.say("/start")
    clock.advance(minutes=1)  # a window of its own for the flood

    await user.choose("预约服务")  # 1
    categories = user.options()
    assert any("保洁" in b["text"] for b in categories)
    helped = message_update(user.uid, "帮助")
    assert await user.post(helped) == 200  # 2
    assert "菜单" in user.text()
    answer = user.text()
    assert await user.post(helped) == 200  # the platform's retry: not counted, answered alike
    assert user.text() == answer
    await user.say("帮助")  # 3: the limit
    assert "菜单" in user.text()

    await user.say("取消")  # 4: over the limit
    assert [m["text"] for m in user.last] == [TOO_MANY.get("zh")]
    for _ in range(5):
        await user.say("取消")
        assert user.last == []  # one warning a window, not one per message
    body = await (await tg.get("/metrics")).text()
    assert metric(body, "telegram", "rejected") == 6
    assert metric(body, "telegram", "duplicate") == 1

    clock.advance(seconds=60)
    # no "取消" was processed: the booking still waits for its category
    pressed = next(b for b in categories if "保洁" in b["text"])
    assert await user.post(callback_update(user.uid, pressed["callback_data"])) == 200
    assert "日常保洁" in user.text()
    await user.say("帮助")
    assert "菜单" in user.text()


async def test_admins_are_not_limited(tg, fake_telegram):
    admin = TelegramUser(tg, fake_telegram, ADMIN)
    for _ in range(LIMIT + 3):
        await admin.say("帮助")
        assert admin.last and TOO_MANY.get("zh") not in admin.text()
    body = await (await tg.get("/metrics")).text()
    assert metric(body, "telegram", "rejected") == 0


async def test_the_web_chat_is_limited_too_and_the_warning_arrives_by_poll(
    aiohttp_client, tmp_path, sqlite_url, pii_key, clock, state
):
    client = await aiohttp_client(
        make_app(tmp_path, sqlite_url, pii_key, clock=clock, rules=LIMITED, **state)
    )
    user = WebUser(client)
    await user.open()
    for _ in range(LIMIT):
        await user.say("/start")
        assert "欢迎" in user.text()  # a browser with no language hint: Chinese
    for warned in (True, False):
        resp = await client.post(
            "/web/api/send", json={"role": "customer", "type": "text", "text": "/start"}
        )
        assert await resp.json() == {"status": "rejected", "replies": []}
        polled = await (await client.get("/web/api/poll?role=customer")).json()
        assert [r["text"] for r in polled["replies"]] == ([TOO_MANY.get("zh")] if warned else [])
    clock.advance(minutes=1)
    await user.say("/start")
    assert "欢迎" in user.text()  # a browser with no language hint: Chinese


async def test_on_wechat_the_warning_is_a_customer_service_message(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, rules=LIMITED)
    client = await aiohttp_client(app)
    server = WeChatServer(clock=app[CLOCK])
    user = WeChatUser(client, fake_wechat, f"o{secrets.token_hex(10)}", server)
    for _ in range(LIMIT):
        assert await user.say("你好")  # answered on the webhook (passive reply)
    sent = len(fake_wechat.texts(user.openid))
    retry = text_xml(user.openid, "你好", msg_id=secrets.randbelow(10**12) + 1)
    for _ in range(2):  # a message and WeChat's retry of it: counted once, warned once
        assert await user.post_xml(retry) == "success"
    assert await user.say("你好") == ""
    assert fake_wechat.texts(user.openid)[sent:] == [TOO_MANY.get("zh")]
    body = await (await client.get("/metrics")).text()
    assert metric(body, "wechat", "rejected") == 2 and metric(body, "wechat", "duplicate") == 1


# -- the confirmation code of a big order ---------------------------------------------------


@pytest.fixture
async def web(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key):
    client = await aiohttp_client(make_app(tmp_path, fresh_sqlite_url, pii_key, clock=Clock()))
    user = WebUser(client)
    await user.open()
    await sign_up(user)
    return user


async def orders(user: WebUser) -> int:
    async with user.client.server.app[DATABASE].uow() as uow:
        return int((await uow.session.exec(text("SELECT count(*) FROM orders"))).scalar_one())


async def quote_big_order(user: WebUser) -> None:
    await user.choose("预约服务")
    await user.choose("保洁")
    await user.choose("深度保洁")
    await user.choose("选好了")
    await user.say("300")
    await user.say("明天 10:00")
    await user.say("静安区南京西路1000号8楼")
    # 300 m² × ¥8 = ¥2,400; welcome coupon −¥20; first order −¥50 → ¥2,330 (over ¥2,000)
    assert "合计:¥2,330.00" in user.text(), user.text()


async def code_shown(user: WebUser) -> str:
    await confirm_order(user)
    assert "已提交" not in user.text()
    m = re.search(r"验证码:(\d{6})", user.text())
    assert m and "¥2,330.00" in user.text(), user.text()
    return m.group(1)


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


async def test_a_big_order_is_placed_with_the_right_code_and_not_with_a_wrong_one(web):
    await quote_big_order(web)
    code = await code_shown(web)
    await web.say(other_than(code))
    assert "验证码不对" in web.text() and "还可以再试 2 次" in web.text()
    assert code in web.text() and "已提交" not in web.text()
    assert await orders(web) == 0
    await web.choose("返回报价")  # the quote again, and a fresh code to confirm it
    assert "合计:¥2,330.00" in web.text()
    code = await code_shown(web)
    await web.say(code)
    assert "已提交" in web.text() and "应付 ¥699.00" in web.text()  # 30% deposit
    assert [r for r in web.last if r["type"] == "link"]
    assert await orders(web) == 1


async def test_three_wrong_codes_go_back_to_the_quote_and_the_global_words_still_work(web):
    await quote_big_order(web)
    code = await code_shown(web)
    for _ in range(3):
        await web.say(other_than(code))
    assert "3 次不对" in web.text() and "费用明细" in web.text()
    await web.say(code)  # void now: the quote step waits for a choice
    assert "已提交" not in web.text()
    assert await orders(web) == 0
    code = await code_shown(web)
    await web.say("帮助")
    assert "菜单" in web.text() and code in web.text()
    await web.say("取消")
    assert "已取消" in web.text()
    await web.say(code)
    assert "已提交" not in web.text()
    assert await orders(web) == 0
