"""The WeChat official account end to end: signed XML in, passive replies and
customer-service messages out (fake WeChat API on loopback); slow and failed turns in
``test_wechat_slow_turns``."""

import asyncio

import pytest

from tests.e2e.helpers import Clock, WeChatUser, make_app
from tests.fakes.wechat import (
    AES_KEY,
    APPID,
    SECRET,
    TOKEN,
    WeChatServer,
    event_xml,
    location_xml,
    text_xml,
)
from webhooks.keys import CLOCK


def wechat_app(tmp_path, db_url, pii_key, fake, aes=False, clock=None, **kw):
    return make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock or Clock(),
        wechat_appid=APPID,
        wechat_secret=SECRET,
        wechat_token=TOKEN,
        wechat_aes_key=AES_KEY if aes else None,
        wechat_api_base=fake.base_url,
        **kw,
    )


async def book_on_wechat(user: WeChatUser) -> None:
    await place_on_wechat(user)
    await user.choose("确认支付")
    assert "支付成功" in user.last_text


async def place_on_wechat(user: WeChatUser) -> None:
    """A first booking up to its order placed, awaiting payment."""
    await user.post_xml(event_xml(user.openid, "subscribe"))
    assert "欢迎" in user.last_text and "回复序号" in user.last_text
    assert "新人券" in user.last_text and "手机号" not in user.last_text  # asked at checkout
    await user.choose("预约服务")
    await user.choose("家电")
    await user.choose("油烟机")
    assert "验收标准" in user.last_text and "可回复" in user.last_text
    await user.say("1")  # quantity quick pick labelled "1" (not the first option by number)
    await user.say("12月5日 上午10点")
    await user.post_xml(location_xml(user.openid, 31.19, 121.43, "徐汇区漕溪北路88号"))
    assert "门牌号" in user.last_text
    await user.say("12楼1203")
    assert "合计:¥80.00" in user.last_text  # ¥150 − ¥20 coupon − ¥50 first order
    assert "手机号" in user.last_text and "按钮" not in user.last_text
    await user.say(user.phone)  # the phone, typed at the quote: placed
    assert (
        "已提交" in user.last_text
        and '<a href="http://127.0.0.1:8080/pay/sandbox/' in user.last_text
    )


@pytest.mark.parametrize("aes", [False, True], ids=["plaintext", "aes"])
async def test_a_full_booking_on_wechat(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, aes
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=aes, clock=app[CLOCK])
    await book_on_wechat(WeChatUser(client, fake_wechat, f"o-book-{aes}", server))


async def test_server_verification(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    query = WeChatServer(clock=app[CLOCK]).query()
    resp = await client.get("/wechat", params={**query, "echostr": "hello-123"})
    assert resp.status == 200 and await resp.text() == "hello-123"
    resp = await client.get("/wechat", params={**query, "signature": "0" * 40, "echostr": "x"})
    assert resp.status == 403


async def test_the_same_message_three_times_is_processed_once(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    server = WeChatServer(clock=app[CLOCK])
    xml = text_xml("o-retry", "/start", msg_id=777000111)
    bodies = []
    for _ in range(3):
        query, body = server.request(xml)
        resp = await client.post("/wechat", params=query, data=body)
        assert resp.status == 200
        bodies.append(await resp.text())
    # WeChat sends a message again only when it did not get the answer: answered again, and
    # nothing sent besides (the answer is one passive reply)
    assert all("欢迎" in body for body in bodies)
    assert fake_wechat.texts("o-retry") == []
    metrics = await (await client.get("/metrics")).text()
    assert 'daojia_messages_total{channel="wechat",result="handled"} 1.0' in metrics
    assert 'daojia_messages_total{channel="wechat",result="duplicate"} 2.0' in metrics


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("malformed", b"<xml><ToUserName>oops", 400),
        ("not xml", b"hello", 400),
        ("no type", b"<xml><FromUserName>o</FromUserName></xml>", 400),
        (
            "entity bomb",
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b"<xml><Content>&lol2;</Content></xml>",
            400,
        ),
        (
            "external entity",
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<xml><Content>&e;</Content></xml>",
            400,
        ),
        ("oversized", b"<xml>" + b"x" * (70 * 1024) + b"</xml>", 413),
    ],
)
async def test_bad_requests_get_4xx_and_change_nothing(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, name, body, status
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    query = WeChatServer(clock=app[CLOCK]).query()
    resp = await client.post("/wechat", params=query, data=body)
    assert resp.status == status, name
    assert fake_wechat.calls == []


async def test_forged_signatures_are_refused(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes=True)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=True, clock=app[CLOCK])
    query, body = server.request(text_xml("o-forged", "/start"))
    forged = {**query, "signature": "f" * 40}
    assert (await client.post("/wechat", params=forged, data=body)).status == 403
    forged = {**query, "msg_signature": "f" * 40}
    assert (await client.post("/wechat", params=forged, data=body)).status == 403
    plain_query, plain = WeChatServer(clock=app[CLOCK]).request(text_xml("o-forged", "/start"))
    assert (await client.post("/wechat", params=plain_query, data=plain)).status == 403
    metrics = await (await client.get("/metrics")).text()
    assert 'daojia_messages_total{channel="wechat",result="rejected"} 3.0' in metrics
    assert 'daojia_messages_total{channel="wechat",result="handled"} 0.0' in metrics


async def test_replies_containing_cdata_terminators_stay_valid_xml(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    import xml.etree.ElementTree as ET

    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    user = WeChatUser(client, fake_wechat, "o-cdata", WeChatServer(clock=app[CLOCK]))
    await user.say("/start")
    await user.choose("联系客服")
    raw = await user.post_xml(text_xml("o-cdata", "/nosuch]]><x>"))
    ET.fromstring(raw)
    assert "/nosuch]]><x>" in user.last_text


async def test_menu_push_sends_the_menu_to_the_configured_api_base(fake_wechat, tmp_path):
    import sys

    env = {
        "DAOJIA_WECHAT_APPID": APPID,
        "DAOJIA_WECHAT_SECRET": SECRET,
        "DAOJIA_WECHAT_TOKEN": TOKEN,
        "DAOJIA_WECHAT_API_BASE": fake_wechat.base_url,
    }
    import os

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "webhooks.cli",
        "wechat",
        "menu",
        "push",
        cwd=tmp_path,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DAOJIA_")},
            "PYTHONPATH": os.pathsep.join(sys.path),
            **env,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    [(path, menu, query)] = fake_wechat.calls
    assert path == "menu/create" and query["access_token"] == "TOKEN1"
    assert [b["name"] for b in menu["button"]] == ["预约服务", "我的订单", "更多"]


async def test_an_expired_token_is_fetched_again_once(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    from webhooks.keys import CHANNELS

    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    await aiohttp_client(app)
    api = app[CHANNELS]["wechat"].api
    await api.send_text("o-token", "one")
    fake_wechat.expire_next = 1
    await api.send_text("o-token", "two")
    assert fake_wechat.token_fetches == 2
    assert fake_wechat.texts("o-token") == ["one", "two"]
