"""Texts from people, cleaned where each channel reads them: no NUL, no other C0 control
character but a tab and a line break, no lone surrogate gets past a bot."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime

import pytest

from bots.telegram_updates import decode, read_update
from bots.web import WebChannel
from bots.web_outbox import WebOutbox
from bots.wechat_events import to_event
from bots.wechat_xml import parse_message
from conversations.events import Inbound, TextReceived
from domain.text import clean

AT = datetime(2026, 12, 5, tzinfo=UTC)
POISON = "\x00\x01\x1b\udc00\ud800"
"""NUL, two other C0 control characters and two lone surrogates."""
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("plain 你好 😀 \x7f", "plain 你好 😀 \x7f"),
        ("Al\x00ice", "Alice"),
        ("138\x0000138000", "13800138000"),
        ("line\r\nbreak\rand\ttab\n", "line\nbreak\nand\ttab\n"),
        ("\x01\x02\x1f\x0b\x0c", ""),
        ("half \ud83d of a pair \ude00", "half  of a pair "),
        ("\ud83d\ude00", ""),  # in a str these are two lone halves, not 😀
    ],
)
def test_clean_drops_nul_control_characters_and_lone_surrogates(raw, cleaned):
    assert clean(raw) == cleaned
    cleaned.encode()  # valid UTF-8: Redis, PostgreSQL and the platforms take it


def test_clean_returns_a_clean_text_unchanged_without_copying_it():
    text = "徐汇区漕溪北路88号\n12楼1203\t(后门)"
    assert clean(text) is text


def strings(event: Inbound | None) -> list[str]:
    assert event is not None
    return [v for v in dataclasses.asdict(event).values() if isinstance(v, str)]


def poisoned(text: str) -> str:
    return f"{text[:1]}{POISON}{text[1:]}"


TG_USER = {
    "id": 42,
    "is_bot": False,
    "first_name": poisoned("Alice"),
    "last_name": poisoned("Wang"),
    "username": poisoned("alice"),
    "language_code": poisoned("en"),
}


COMMAND = {"type": "bot_command", "offset": 0, "length": 6}
"""How Telegram marks the ``/start`` a text begins with."""


def tg_message(**fields) -> bytes:
    update = {
        "update_id": 7,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 42, "type": "private"},
            "from": TG_USER,
            **fields,
        },
    }
    return json.dumps(update).encode()  # NUL as \u0000, a lone surrogate as \ud800


@pytest.mark.parametrize(
    "fields",
    [
        {"text": poisoned("地址 8楼801")},
        {"text": poisoned("/reply 12 好的")},
        {"text": "/" + poisoned("start ref_AB12")},
        {"text": "/start " + poisoned("ref_AB12"), "entities": [COMMAND]},
        {"contact": {"phone_number": poisoned("+8613812345678"), "first_name": POISON}},
        {"location": {"latitude": 31.2, "longitude": 121.4}, "caption": POISON},
        {"photo": [{"file_id": poisoned("file-1")}], "caption": poisoned("门口")},
        {
            "successful_payment": {
                "currency": "CNY",
                "total_amount": 100,
                "invoice_payload": poisoned("P-1"),
                "telegram_payment_charge_id": poisoned("tg-1"),
            }
        },
    ],
    ids=["text", "command", "slash", "command entity", "contact", "location", "photo", "payment"],
)
def test_every_telegram_text_read_is_cleaned_json_escapes_included(fields):
    body = tg_message(**fields)
    assert b"\\u0000" in body and b"\\ud800" in body
    update = read_update(decode(body), AT)
    texts = strings(update.event)
    assert texts and not any(UNSAFE.search(t) for t in texts)
    assert update.event is not None and update.event.name == "Alice Wang"
    assert update.event.lang_hint == "en"


def test_telegram_callback_data_and_checkout_payloads_are_cleaned():
    press = {
        "update_id": 8,
        "callback_query": {"id": poisoned("q1"), "from": TG_USER, "data": poisoned("zh")},
    }
    update = read_update(decode(json.dumps(press).encode()), AT)
    assert update.callback_id == "q1" and update.event is not None
    assert update.event.key == "zh"  # type: ignore[attr-defined]
    checkout = {
        "update_id": 9,
        "pre_checkout_query": {
            "id": poisoned("c1"),
            "from": TG_USER,
            "currency": poisoned("CNY"),
            "total_amount": 100,
            "invoice_payload": poisoned("P-1"),
        },
    }
    update = read_update(decode(json.dumps(checkout).encode()), AT)
    assert update.checkout is not None
    assert (update.checkout.id, update.checkout.currency, update.checkout.payload) == (
        "c1",
        "CNY",
        "P-1",
    )


def test_a_telegram_text_of_nothing_but_control_characters_is_an_empty_text():
    """Answered as any text nobody can read is ("没太明白…"), not left without a reply."""
    update = read_update(decode(tg_message(text="\x00\x00\ud800")), AT)
    assert isinstance(update.event, TextReceived) and update.event.text == ""


def test_an_update_body_that_is_not_json_is_still_refused():
    for body in (b'{"update_id": NaN}', b'{"update_id": 1', b"\xff\xfe", b'{"a": "\\ud800'):
        with pytest.raises(ValueError):
            decode(body)


def wechat(body: str) -> str:
    return (
        "<xml><ToUserName>gh_1</ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>"
        f"<CreateTime>1700000000</CreateTime>{body}</xml>"
    )


def test_wechat_texts_are_cleaned_where_the_message_becomes_an_event():
    text = to_event(
        parse_message(
            wechat("<MsgType>text</MsgType><Content>a\r\nb\rc</Content><MsgId>1</MsgId>")
        ),
        AT,
    )
    assert text is not None and text.text == "a\nb\nc"  # type: ignore[attr-defined]
    msg = parse_message(
        wechat(
            "<MsgType>location</MsgType><Location_X>31.2</Location_X><Location_Y>121.4"
            "</Location_Y><Label>徐汇区</Label><MsgId>2</MsgId>"
        )
    )
    msg._data["Label"] = poisoned("徐汇区")  # what a decrypted body could hold
    event = to_event(msg, AT)
    assert event is not None and event.label == "徐汇区"  # type: ignore[attr-defined]
    assert not any(UNSAFE.search(t) for t in strings(event))


@pytest.mark.parametrize(
    "body",
    [
        "<MsgType>text</MsgType><Content>hi</Content><MsgId>abc</MsgId>",
        "<MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>1</Location_Y>"
        "<MsgId>3</MsgId>",
        "<MsgType>event</MsgType><Event>subscribe</Event>",  # its CreateTime made a word
    ],
    ids=["msgid", "location", "create time"],
)
def test_wechat_fields_that_are_not_numbers_raise_value_error_not_crash(body):
    xml = wechat(body).replace("1700000000", "soon")
    with pytest.raises(ValueError):
        to_event(parse_message(xml), AT)


@pytest.mark.parametrize(
    "where",
    [
        "<Latitude>north</Latitude><Longitude>121.4</Longitude>",
        "<Latitude>91</Latitude><Longitude>121.4</Longitude>",
        "<Latitude>nan</Latitude><Longitude>121.4</Longitude>",
        "<Longitude>121.4</Longitude>",  # no latitude: no place, not the equator
    ],
)
def test_a_wechat_location_report_that_is_no_place_raises_value_error(where):
    xml = wechat(f"<MsgType>event</MsgType><Event>LOCATION</Event>{where}")
    with pytest.raises(ValueError):
        to_event(parse_message(xml), AT)


@pytest.mark.parametrize("sender", ["", "o" * 65])
def test_a_wechat_sender_that_is_no_openid_raises_value_error(sender):
    xml = wechat("<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>").replace(
        "oUser", sender
    )
    with pytest.raises(ValueError):
        to_event(parse_message(xml), AT)


@pytest.mark.parametrize(
    "xml",
    [
        "<MsgType>text</MsgType><Content>a\x00b</Content><MsgId>1</MsgId>",
        "<MsgType>text</MsgType><Content>a&#0;b</Content><MsgId>1</MsgId>",
        "<MsgType>text</MsgType><Content>a&#xD800;b</Content><MsgId>1</MsgId>",
        "<MsgType>text</MsgType><Content>a\x1bb</Content><MsgId>1</MsgId>",
    ],
    ids=["nul", "nul reference", "surrogate reference", "escape"],
)
def test_wechat_xml_with_a_control_character_does_not_parse(xml):
    from bots.wechat_xml import ParseError

    with pytest.raises(ParseError):
        parse_message(wechat(xml))


def web_channel() -> WebChannel:
    async def handle(event):  # never called: only _event is exercised
        raise AssertionError

    return WebChannel(secret=b"k", handle=handle, clock=lambda: AT, outbox=WebOutbox())


@pytest.mark.parametrize(
    "body",
    [
        {"type": "text", "text": poisoned("8楼801")},
        {"type": "text", "text": "/" + poisoned("reply 12 好的")},
        {"type": "choice", "key": poisoned("zh")},
        {"type": "contact", "phone": poisoned("13812345678")},
        {"type": "location", "lat": 31.2, "lon": 121.4, "label": poisoned("徐汇区")},
    ],
    ids=["text", "command", "choice", "contact", "location"],
)
def test_every_web_chat_text_is_cleaned(body):
    decoded = json.loads(json.dumps({**body, "id": poisoned("m1"), "lang": poisoned("en")}))
    event = web_channel()._event("u1-customer", decoded)
    texts = strings(event)
    assert not any(UNSAFE.search(t) for t in texts)
    assert event is not None and event.message_id == "m1" and event.lang_hint == "en"
