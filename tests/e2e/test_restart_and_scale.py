"""Nothing is lost on restart, and two processes behave like one."""

import asyncio
import secrets

import pytest

from tests.e2e.helpers import Clock, TelegramUser, WeChatUser, make_app, on_telegram
from tests.e2e.test_wechat import wechat_app
from tests.e2e.test_wechat_replay import counted
from tests.fakes.wechat import WeChatServer, text_xml


def telegram_app(tmp_path, db_url, pii_key, fake, **kw):
    return make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=Clock(),
        **on_telegram(fake),
        **kw,
    )


@pytest.mark.parametrize("state", ["local", "redis"])
async def test_a_restart_in_the_middle_of_a_booking_resumes_at_the_same_step(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, state, request
):
    extra = {"redis_url": request.getfixturevalue("redis_url")} if state == "redis" else {}
    uid = secrets.randbelow(10**9) + 10**9
    client = await aiohttp_client(telegram_app(tmp_path, db_url, pii_key, fake_telegram, **extra))
    user = TelegramUser(client, fake_telegram, uid)
    await user.say("/start")
    await user.choose("预约服务")
    await user.choose("保洁")
    await user.choose("深度保洁")
    await user.choose("高空作业")
    await user.choose("选好了")
    assert "面积" in user.text()
    await client.close()

    restarted = await aiohttp_client(
        telegram_app(tmp_path, db_url, pii_key, fake_telegram, **extra)
    )
    user.client = restarted
    await user.say("120")
    assert "什么时候上门" in user.text()
    await user.choose("其他时间")
    await user.choose("明天")
    await user.choose("10:00")
    await user.say("静安区南京西路1000号8楼")
    # 120 m² × ¥8 + high-altitude ¥50 = ¥1,010; coupon −¥20; first order −¥50 → ¥940
    assert "合计:¥940.00" in user.text()
    assert "定金 ¥282.00" in user.text()


async def test_two_processes_sharing_redis_and_postgres_process_a_wechat_message_once(
    aiohttp_client, tmp_path, postgres_url, redis_url, pii_key, fake_wechat
):
    clock = Clock()
    one = await aiohttp_client(
        wechat_app(
            tmp_path / "a", postgres_url, pii_key, fake_wechat, redis_url=redis_url, clock=clock
        )
    )
    two = await aiohttp_client(
        wechat_app(
            tmp_path / "b", postgres_url, pii_key, fake_wechat, redis_url=redis_url, clock=clock
        )
    )
    server = WeChatServer(clock=clock)
    openid = f"o-{secrets.token_hex(6)}"
    xml = text_xml(openid, "/start")
    requests = [server.request(xml) for _ in range(6)]
    responses = await asyncio.gather(
        *[
            (one if i % 2 else two).post("/wechat", params=q, data=b)
            for i, (q, b) in enumerate(requests)
        ]
    )
    bodies = [await r.text() for r in responses]
    # each answered alike (WeChat reads the answer on the one request it still waits on),
    # processed once: one welcome coupon, no customer-service message
    assert all("欢迎" in b for b in bodies)
    handled = [await counted(client, "handled") for client in (one, two)]
    duplicates = [await counted(client, "duplicate") for client in (one, two)]
    assert sum(handled) == 1 and sum(duplicates) == 5
    assert fake_wechat.texts(openid) == []
    # the conversation goes on in whichever process gets the next message
    user = WeChatUser(one, fake_wechat, openid, server)
    user.last_text = WeChatUser.content(next(b for b in bodies if "欢迎" in b))
    await user.choose("English")
    assert "Switched to English" in user.last_text
    user.client = two
    await user.choose("Book a service")
    assert "Which kind of service" in user.last_text
