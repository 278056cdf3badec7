"""Malformed requests an outside probe sent, each answered 4xx (or, for a chat text, with the
reply any other text gets) and changing nothing: WeChat Pay notifications that are XML but no
notification, secret headers and cookies that are not UTF-8, broken or DTD-carrying bodies in
WeChat's AES safe mode, web chat JSON too deep or with a number too big for a float, and a
ledger link for days no calendar of ours reaches."""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import date

import orjson
import pytest
from wechatpy.pay.utils import calculate_signature
from yarl import URL

from bots.telegram import MAX_UPDATE_BYTES
from tests.e2e.helpers import Clock, TelegramUser, make_app, on_wechat, telegram_app
from tests.e2e.test_wechat import wechat_app
from tests.fakes.telegram import message_update
from tests.fakes.wechat import APPID, MCH_ID, PAY_KEY, WeChatServer, location_xml, text_xml
from webhooks import finance
from webhooks.keys import CLOCK, CONVERSATIONS, LINKS


async def counted(client, channel: str, result: str) -> float:
    """``daojia_messages_total{channel,result}`` as ``/metrics`` shows it (0 when absent)."""
    metrics = await (await client.get("/metrics")).text()
    line = f'daojia_messages_total{{channel="{channel}",result="{result}"}} '
    found = [row for row in metrics.splitlines() if row.startswith(line)]
    return float(found[0].split()[-1]) if found else 0.0


async def raw_post(client, path: str, headers: bytes, body: bytes = b"") -> int:
    """The status of a POST written byte for byte (aiohttp's client sends only UTF-8
    headers; a probe sends whatever bytes it likes)."""
    url = client.make_url(path)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: {url.host}\r\nConnection: close\r\n".encode()
        + headers
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    await writer.drain()
    status = await reader.readline()
    writer.close()
    return int(status.split()[1])


# -- 1. WeChat Pay notifications -----------------------------------------------------------


def signed(fields: dict) -> bytes:
    """A notification signed with the merchant key over ``fields`` as they are, as wechatpy
    signs what xmltodict read (a nested element is a dict there)."""
    sign = calculate_signature(fields, PAY_KEY)
    inner = "".join(
        f"<{k}>{''.join(f'<{a}>{b}</{a}>' for a, b in v.items())}</{k}>"
        if isinstance(v, dict)
        else f"<{k}>{v}</{k}>"
        for k, v in fields.items()
    )
    return f"<xml>{inner}<sign>{sign}</sign></xml>".encode()


NOTIFY_FIELDS = {
    "appid": APPID,
    "mch_id": MCH_ID,
    "return_code": "SUCCESS",
    "result_code": "SUCCESS",
    "out_trade_no": "WXP-none",
    "transaction_id": "4200none",
}


@pytest.mark.parametrize(
    "body",
    [
        b"<xml/>",
        b"<xml>x</xml>",
        b"",
        b"<other/>",
        b"<xml><sign>a</sign><sign>b</sign></xml>",
        b"\xff\xfe<\x00x\x00m\x00l\x00/\x00>\x00",
        signed({**NOTIFY_FIELDS, "total_fee": {"x": "1"}}),
        signed({**NOTIFY_FIELDS, "total_fee": "12abc"}),
        signed({**NOTIFY_FIELDS, "total_fee": "1" * 5000}),
    ],
    ids=[
        "empty root",
        "text root",
        "no body",
        "other root",
        "two signs",
        "utf-16",
        "signed, nested fee",
        "signed, fee not a number",
        "signed, fee too long",
    ],
)
async def test_a_notification_that_is_not_one_gets_the_fail_answer(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, fake_wechat_pay, body
):
    app = make_app(
        tmp_path, sqlite_url, pii_key, **on_wechat(fake_wechat), **fake_wechat_pay.settings()
    )
    client = await aiohttp_client(app)
    resp = await client.post("/pay/wechat/notify", data=body)
    assert resp.status == 400 and "FAIL" in await resp.text()
    assert await counted(client, "wechat", "rejected") == 1


# -- 2. secrets that are not UTF-8 -----------------------------------------------------------


@pytest.mark.parametrize("secret", [b"s\xe9c", "sé".encode(), b"s3cre\xff", b"\xff" * 6], ids=str)
async def test_a_telegram_secret_header_that_is_not_ascii_is_refused(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, secret
):
    app, client = await telegram_app(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram)
    header = b"X-Telegram-Bot-Api-Secret-Token: " + secret + b"\r\n"
    assert await raw_post(client, "/telegram", header, b"{}") == 403
    assert await counted(client, "telegram", "rejected") == 1


@pytest.mark.parametrize("cookie", [b"abc.s\xe9c", "abc.sé".encode(), b"\xe9.abc"], ids=str)
async def test_a_web_chat_cookie_that_is_not_ascii_is_not_a_web_user(
    aiohttp_client, tmp_path, sqlite_url, pii_key, cookie
):
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key))
    header = b"Cookie: daojia_web=" + cookie + b"\r\nContent-Type: application/json\r\n"
    body = b'{"role": "customer", "type": "text", "text": "hi"}'
    assert await raw_post(client, "/web/api/send", header, body) == 401


@pytest.mark.parametrize("field", ["signature", "msg_signature"])
@pytest.mark.parametrize("value", ["%E9", "%C3%A9", "%ED%A0%80", "%00"])
async def test_a_wechat_signature_that_is_not_ascii_is_refused(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, field, value
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes=True)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=True, clock=app[CLOCK])
    query, body = server.request(text_xml("o-sig", "/start"))
    query[field] = value
    path = "/wechat?" + "&".join(f"{k}={v}" for k, v in query.items())
    assert (await client.post(URL(path, encoded=True), data=body)).status == 403
    if field == "signature":
        verify = URL(path + "&echostr=x", encoded=True)
        assert (await client.get(verify)).status == 403
    assert await app[CONVERSATIONS].get("wechat", "o-sig") is None


# -- 3. WeChat safe mode ---------------------------------------------------------------------


def aes_query(server: WeChatServer, body: bytes) -> dict[str, str]:
    """A query string that signs the URL and ``body``'s ``Encrypt`` as WeChat would (the
    ``msg_signature`` of whatever ``<Encrypt>`` holds, or of nothing)."""
    query = server.query()
    found = re.search(rb"<Encrypt>(.*?)</Encrypt>", body)
    encrypt = found.group(1).decode() if found else ""
    parts = sorted([query["timestamp"], query["nonce"], encrypt, server.crypto.token])
    query["msg_signature"] = hashlib.sha1("".join(parts).encode()).hexdigest()
    return {**query, "encrypt_type": "aes"}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"hello",
        b"<xml/>",
        b"<xml>x</xml>",
        b"<xml><ToUserName>oops",
        b"<xml><Encrypt>abc</Encrypt><Encrypt>def</Encrypt></xml>",
        b"<xml><Encrypt><a>b</a></Encrypt></xml>",
        b"<xml><Encrypt>not base64!</Encrypt></xml>",
        b"<xml><Encrypt>YWJj</Encrypt></xml>",
    ],
    ids=str,
)
async def test_a_malformed_safe_mode_body_with_a_good_url_signature_is_a_400(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, body
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes=True)
    client = await aiohttp_client(app)
    query = aes_query(WeChatServer(aes=True, clock=app[CLOCK]), body)
    resp = await client.post("/wechat", params=query, data=body)
    assert resp.status == 400
    assert fake_wechat.calls == []
    assert await counted(client, "wechat", "rejected") == 1
    assert await counted(client, "wechat", "handled") == 0


LAUGHS = (
    '<!DOCTYPE x [<!ENTITY l "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "&l;" * 10}">' for i in range(6))
    + "]>"
)


@pytest.mark.parametrize(
    ("name", "dtd", "content"),
    [
        ("entity", '<!DOCTYPE x [<!ENTITY a "帮助">]>', "&a;"),
        ("laughs", LAUGHS, "&l5;"),
        ("doctype only", "<!DOCTYPE xml>", "帮助"),
    ],
)
async def test_a_dtd_inside_the_encrypted_message_is_refused(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, name, dtd, content
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes=True)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=True, clock=app[CLOCK])
    xml = text_xml("o-dtd", "帮助").replace("<![CDATA[帮助]]>", content)
    query, body = server.request(dtd + xml)
    assert b"DOCTYPE" not in body  # the envelope carries none: it is inside
    resp = await client.post("/wechat", params=query, data=body)
    assert resp.status == 400, name
    assert fake_wechat.calls == []
    assert await app[CONVERSATIONS].get("wechat", "o-dtd") is None
    assert await counted(client, "wechat", "rejected") == 1


@pytest.mark.parametrize(
    ("lat", "lon"), [("nan", "1"), ("inf", "1"), ("1" * 401, "1"), ("91", "1"), ("1", "-181")]
)
async def test_a_wechat_location_that_is_no_place_is_a_400(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, lat, lon
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    server = WeChatServer(clock=app[CLOCK])
    xml = location_xml("o-nowhere", 31.2, 121.4, "x")
    xml = xml.replace("<Location_X>31.2<", f"<Location_X>{lat}<")
    xml = xml.replace("<Location_Y>121.4<", f"<Location_Y>{lon}<")
    query, body = server.request(xml)
    assert (await client.post("/wechat", params=query, data=body)).status == 400
    assert await app[CONVERSATIONS].get("wechat", "o-nowhere") is None


@pytest.mark.parametrize(
    "inner",
    [
        "<FromUserName>o-a</FromUserName><FromUserName>o-b</FromUserName>",
        "<FromUserName><a>o-a</a></FromUserName>",
        "<FromUserName>o-a</FromUserName><X>" + "<a>" * 1200 + "</a>" * 1200 + "</X>",
    ],
    ids=["two senders", "a sender of elements", "nested 1,200 deep"],
)
async def test_wechat_xml_no_message_has_is_a_400_not_a_500_nor_a_person(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, inner
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    server = WeChatServer(clock=app[CLOCK])
    xml = (
        f"<xml><ToUserName>gh_1</ToUserName>{inner}<CreateTime>1700000000</CreateTime>"
        "<MsgType>text</MsgType><Content>你好</Content><MsgId>9001</MsgId></xml>"
    )
    query, body = server.request(xml)
    assert (await client.post("/wechat", params=query, data=body)).status == 400
    for who in ("o-a", "o-b", "['o-a', 'o-b']", "{'a': 'o-a'}"):
        assert await app[CONVERSATIONS].get("wechat", who) is None


async def test_a_telegram_update_over_the_limit_sent_without_a_length_is_a_413(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram
):
    app, client = await telegram_app(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram)
    update = message_update(5150, "x")
    big = orjson.dumps({**update, "padding": "y" * (MAX_UPDATE_BYTES + 10)})

    async def chunks():  # no Content-Length: sent chunked
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret", "Content-Type": "application/json"}
    resp = await client.post("/telegram", data=chunks(), headers=headers)
    assert resp.status == 413
    assert await app[CONVERSATIONS].get("telegram", "5150") is None


# -- 4. web chat JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"role":"customer","type":"location","lat":' + b"1" * 401 + b',"lon":1}',
        b'{"role":"customer","type":"location","lat":1,"lon":-' + b"9" * 401 + b"}",
        b'{"role":"customer","type":"location","lat":1e999,"lon":1}',
        b'{"role":"customer","type":"location","lat":"nan","lon":1}',
        b'{"role":"customer","type":"location","lat":true,"lon":1}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"role":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"role":' + b"[" * 900 + b"]" * 900 + b',"type":"text","text":"hi"}',
        b'{"role":"customer","type":"text","text":' + b"[" * 900 + b"]" * 900 + b"}",
        b'{"role":"customer","type":"text","text":' + b"1" * 5000 + b"}",
        b"\xff\xfe{}",
    ],
    ids=lambda b: repr(b[:40]),
)
async def test_web_chat_json_that_is_no_message_is_a_400(
    aiohttp_client, tmp_path, sqlite_url, pii_key, body
):
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key))
    assert (await client.get("/")).status == 200  # the cookie
    resp = await client.post(
        "/web/api/send", data=body, headers={"Content-Type": "application/json"}
    )
    assert resp.status == 400
    assert await counted(client, "web", "handled") == 0


async def test_a_web_chat_body_in_an_unknown_charset_is_a_400(
    aiohttp_client, tmp_path, sqlite_url, pii_key
):
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key))
    assert (await client.get("/")).status == 200
    json_type = {"Content-Type": "application/json; charset=x-unknown"}
    resp = await client.post("/web/api/send", data=b"{}", headers=json_type)
    assert resp.status == 400
    part = (
        b'--xx\r\nContent-Disposition: form-data; name="role"\r\n'
        b"Content-Type: text/plain; charset=x-unknown\r\n\r\ncustomer\r\n--xx--\r\n"
    )
    form_type = {"Content-Type": "multipart/form-data; boundary=xx"}
    assert (await client.post("/web/api/photo", data=part, headers=form_type)).status == 400


# -- 5. the ledger link ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "status"),
    [
        (date(1, 1, 1), date(9999, 12, 31), 400),
        (date(1, 1, 1), date(1, 1, 2), 400),
        (date(2026, 1, 1), date(9999, 12, 31), 400),
        (date(2026, 12, 31), date(2026, 1, 1), 400),
        (date(2026, 1, 1), date(2026, 12, 31), 200),
        (date(1, 1, 2), date(9999, 12, 30), 200),
    ],
)
async def test_a_ledger_link_for_days_out_of_range_is_a_400(
    aiohttp_client, tmp_path, db_url, pii_key, start, end, status
):
    app = make_app(tmp_path, db_url, pii_key, clock=Clock())
    client = await aiohttp_client(app)
    url = app[LINKS].url(finance.ledger_path(start, end), finance.LINK_TTL_S)
    resp = await client.get(url[url.index("/finance/") :])
    assert resp.status == status, await resp.text()


@pytest.mark.parametrize(
    "query", ["e=%C2%B2&s=0", "e=9999999999&s=%C3%A9", "e=" + "9" * 5000 + "&s=0"]
)
async def test_a_ledger_link_with_a_mangled_signature_is_refused(
    aiohttp_client, tmp_path, sqlite_url, pii_key, query
):
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key))
    resp = await client.get(f"/finance/ledger-2026-01-01-2026-01-31.csv?{query}")
    assert resp.status == 403


# -- 7. a text of control characters only ----------------------------------------------------


async def test_a_telegram_text_of_control_characters_gets_the_usual_answer(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram
):
    app, client = await telegram_app(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram)
    gibberish, nothing = (TelegramUser(client, fake_telegram, uid) for uid in (611001, 611002))
    for user in (gibberish, nothing):
        await user.say("/start")
    await gibberish.say("qzxv")
    assert "没太明白" in gibberish.text()
    assert await nothing.post(message_update(611002, "\u0000\u0000")) == 200
    assert [m.get("text") for m in nothing.last] == [m.get("text") for m in gibberish.last]
    assert await nothing.post(message_update(611002, "\u0001\u001f\u0000\r")) == 200
    assert "没太明白" in nothing.text()
