"""Poison input at the edge, on SQLite and on PostgreSQL (which refuses a NUL in any text):
NUL bytes and lone surrogates in whatever a person sends on Telegram, WeChat or the web chat
are dropped before anything is stored (WeChat XML that carries one is a 400, never a 500), the
conversation goes on, and no stored text holds one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from domain.people import Channel
from tests import random_refs
from tests.e2e.helpers import (
    HOME,
    Clock,
    TelegramUser,
    WebUser,
    WeChatUser,
    make_app,
    on_telegram,
    telegram_gps,
)
from tests.e2e.test_wechat import book_on_wechat, wechat_app
from tests.fakes.telegram import callback_update, message_update
from tests.fakes.wechat import WeChatServer, text_xml
from webhooks.keys import CLOCK, DATABASE

P = "\x00\ud800"
"""A NUL and a lone surrogate: posted as JSON they are the escapes ``\\u0000`` and ``\\ud800``."""
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


async def stored_unsafe_texts(app) -> list[str]:
    """Every stored text (columns and strings inside JSON) holding a control character or a
    lone surrogate. Encrypted columns are read back through the repositories by the tests."""
    found = []
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        for table in SQLModel.metadata.sorted_tables:
            for row in (await conn.execute(select(table))).all():
                found += [
                    f"{table.name}: {s!r}"
                    for value in row
                    for s in _strings(value)
                    if UNSAFE.search(s)
                ]
    return found


def sender(update: dict[str, Any], first: str, last: str) -> dict[str, Any]:
    part = update.get("message") or update["callback_query"]
    part["from"] = {**part["from"], "first_name": first, "last_name": last}
    return update


async def post_ok(user: TelegramUser, update: dict[str, Any]) -> None:
    assert await user.post(update) == 200


async def test_nul_bytes_and_lone_surrogates_in_telegram_texts_are_dropped_and_the_booking_goes_on(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram
):
    app = make_app(tmp_path, db_url, pii_key, clock=Clock(), **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    uid = int(random_refs.user_id())
    user = TelegramUser(client, fake_telegram, uid)
    await post_ok(user, sender(message_update(uid, f"/start{P}"), f"Al{P}ice", f"Wa{P}ng"))
    assert "欢迎" in user.text()
    await post_ok(user, message_update(uid, f"\x00{P}"))  # nothing left: no message at all
    await post_ok(user, callback_update(uid, f"bo{P}ok"))  # the menu button's data, poisoned
    assert "请选择服务类别" in user.text()  # what is left of it: "book"
    await user.choose("保洁")
    await user.choose("日常保洁")
    await post_ok(user, message_update(uid, f"2{P}"))
    await post_ok(user, message_update(uid, f"明天{P} 15:00"))
    await user.share(location=telegram_gps(HOME))
    await post_ok(user, message_update(uid, f"8楼{P}801{P}"))
    await post_ok(user, message_update(uid, f"请带{P}鞋套\r\n谢谢"))  # a note, at the quote
    assert "费用明细" in user.text() and "请带鞋套" in user.text()
    phone = random_refs.phone()
    await post_ok(user, message_update(uid, f"{phone[:3]}{P}{phone[3:]}"))  # the phone: placed
    number = int(re.search(r"#(\d{6,8})", user.text()).group(1))
    await user.choose("确认支付")
    assert "支付成功" in user.text()
    await post_ok(user, message_update(uid, f"/orders{P}"))
    assert f"#{number}" in user.text()
    async with app[DATABASE].uow() as uow:
        customer = await uow.customers.by_identity(Channel.TELEGRAM, str(uid))
        order = await uow.orders.by_number(number)
        assert order is not None and order.address_id is not None
        address = await uow.addresses.get(order.address_id)
    assert customer is not None and (customer.name, customer.phone) == ("Alice Wang", phone)
    assert order.notes == "请带鞋套\n谢谢"
    assert address is not None and address.text.endswith(" 8楼801")
    assert await stored_unsafe_texts(app) == []


@pytest.mark.parametrize("aes", [False, True], ids=["plaintext", "aes"])
async def test_wechat_xml_with_a_nul_or_a_malformed_field_is_a_400_and_the_follower_goes_on(
    aiohttp_client, tmp_path, db_url, pii_key, fake_wechat, aes
):
    app = wechat_app(tmp_path, db_url, pii_key, fake_wechat, aes)
    client = await aiohttp_client(app)
    user = WeChatUser(
        client, fake_wechat, f"o{random_refs.code()}", WeChatServer(aes=aes, clock=app[CLOCK])
    )
    for xml in (
        text_xml(user.openid, "8楼\x00801"),  # a raw NUL: not well-formed XML
        text_xml(user.openid, "8楼&#0;801").replace("<![CDATA[8楼&#0;801]]>", "8楼&#0;801"),
        text_xml(user.openid, "&#xD800;").replace("<![CDATA[&#xD800;]]>", "&#xD800;"),
        text_xml(user.openid, "hi").replace("<MsgId>", "<MsgId>x"),  # MsgId not a number
        text_xml(user.openid, "hi").replace(user.openid, "o" * 65),  # no openid
    ):
        body = await user.post_xml(xml)
        assert user.status == 400, body
    if not aes:  # a lone surrogate as UTF-8 bytes (plaintext: the body is the XML)
        query, _ = user.server.request("<xml/>")
        raw = text_xml(user.openid, "SURROGATE").encode().replace(b"SURROGATE", b"\xed\xa0\x80")
        resp = await client.post("/wechat", params=query, data=raw)
        assert resp.status == 400
    await book_on_wechat(user)  # nothing above changed anything: the follower books as ever
    assert await stored_unsafe_texts(app) == []


async def test_nul_bytes_and_lone_surrogates_in_the_web_chat_json_are_dropped(
    aiohttp_client, tmp_path, db_url, pii_key
):
    app = make_app(tmp_path, db_url, pii_key, clock=Clock())
    user = WebUser(await aiohttp_client(app))
    await user.open()
    await user.send(type="text", text=f"/start{P}", id=f"m{P}1", lang=f"z{P}h")
    await user.send(type="choice", key=f"bo{P}ok")
    assert "请选择服务类别" in user.text()  # what is left of it: "book"
    await user.choose("家电")
    await user.choose("油烟机")
    await user.say(f"1{P}")
    await user.choose("其他时间")
    await user.choose("明天")
    await user.choose("10:00")
    await user.send(type="location", lat=HOME[0], lon=HOME[1], label=f"人民{P}广场")
    await user.say(f"{P}12楼{P}1203")
    await user.say(f"放{P}门口")
    await user.choose("确认下单")
    phone = random_refs.phone()
    await user.send(type="contact", phone=f"{phone[:3]}{P}{phone[3:]}")
    number = int(re.search(r"#(\d{6,8})", user.text()).group(1))
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        assert order is not None and order.address_id is not None
        address = await uow.addresses.get(order.address_id)
        customer = await uow.customers.get(order.customer_id)
    assert order.notes == "放门口"
    assert address is not None and address.text == "人民广场 12楼1203"
    assert customer is not None and customer.phone == phone
    assert await stored_unsafe_texts(app) == []


async def test_a_nul_in_a_path_parameter_is_a_400_not_a_database_error(
    aiohttp_client, tmp_path, db_url, pii_key
):
    client = await aiohttp_client(make_app(tmp_path, db_url, pii_key, clock=Clock()))
    for method, path in (
        ("GET", "/pay/sandbox/SBX%00abc"),
        ("POST", "/pay/sandbox/SBX%00abc"),
        ("GET", "/pay/sandbox/SBX%1Babc"),
        ("GET", "/dashboard/open/owner/telegram:1%00?e=1&s=x"),
        ("GET", "/media/orders%00/x.jpg"),
    ):
        resp = await client.request(method, path)
        assert resp.status == 400, (method, path, resp.status)
    assert (await client.get("/pay/sandbox/SBX-unknown")).status == 404  # as before
