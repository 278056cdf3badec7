"""bots.wechat_xml reads WeChat's XML into the very objects wechatpy's parse_message makes."""

from __future__ import annotations

import pytest
import wechatpy

from bots.wechat_xml import ParseError, parse_message

HEAD = (
    "<ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime>"
)

SAMPLES = {
    "text": "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ 你好 ]]></Content>"
    "<MsgId>1234567890123456</MsgId>",
    "text with markup": "<MsgType>text</MsgType><Content><![CDATA[<b>&amp;]]]]><![CDATA[>]]>"
    "</Content><MsgId>1</MsgId>",
    "empty text": "<MsgType>text</MsgType><Content><![CDATA[]]></Content><MsgId>2</MsgId>",
    "image": "<MsgType>image</MsgType><PicUrl>http://x/p.jpg</PicUrl><MediaId>m1</MediaId>"
    "<MsgId>3</MsgId>",
    "location": "<MsgType>location</MsgType><Location_X>31.2</Location_X>"
    "<Location_Y>121.4</Location_Y><Scale>15</Scale><Label><![CDATA[徐汇区]]></Label>"
    "<MsgId>4</MsgId>",
    "voice": "<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><MsgId>5</MsgId>",
    "unknown type": "<MsgType>hologram</MsgType><MsgId>6</MsgId>",
    "subscribe": "<MsgType>event</MsgType><Event>subscribe</Event><EventKey></EventKey>",
    "subscribe by QR code": "<MsgType>event</MsgType><Event>subscribe</Event>"
    "<EventKey>qrscene_42</EventKey><Ticket>t</Ticket>",
    "subscribe by product scan": "<MsgType>event</MsgType><Event>subscribe</Event>"
    "<EventKey>scanbarcode|x</EventKey>",
    "scan": "<MsgType>event</MsgType><Event>SCAN</Event><EventKey>42</EventKey>",
    "menu click": "<MsgType>event</MsgType><Event>CLICK</Event><EventKey>BOOK</EventKey>",
    "location event": "<MsgType>event</MsgType><Event>LOCATION</Event><Latitude>31.2</Latitude>"
    "<Longitude>121.4</Longitude><Precision>65</Precision>",
    "scan code (nested)": "<MsgType>event</MsgType><Event>scancode_push</Event>"
    "<EventKey>k</EventKey><ScanCodeInfo><ScanType>qrcode</ScanType>"
    "<ScanResult>r</ScanResult></ScanCodeInfo>",
    "photos (repeated)": "<MsgType>event</MsgType><Event>pic_sysphoto</Event>"
    "<EventKey>k</EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item>"
    "<item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo>",
    "device event": "<MsgType>device_event</MsgType><Event>bind</Event><DeviceType>t</DeviceType>",
    "unknown event": "<MsgType>event</MsgType><Event>teleport</Event>",
}


@pytest.mark.parametrize("body", SAMPLES.values(), ids=SAMPLES.keys())
def test_same_message_as_wechatpy(body: str) -> None:
    xml = f"<xml>{HEAD}{body}</xml>"
    ours, theirs = parse_message(xml), wechatpy.parse_message(xml)
    assert type(ours) is type(theirs)
    assert ours._data == theirs._data
    assert ours.type == theirs.type


def test_fields_as_the_bot_reads_them() -> None:
    msg = parse_message(f"<xml>{HEAD}{SAMPLES['subscribe by QR code']}</xml>")
    assert (msg.source, msg.event, msg.scene_id) == ("oUser", "subscribe_scan", "42")
    msg = parse_message(f"<xml>{HEAD}{SAMPLES['location']}</xml>".encode())
    assert msg.location == ("31.2", "121.4") and msg.label == "徐汇区"


@pytest.mark.parametrize(
    ("xml", "error"),
    [
        ("<xml><MsgType>text</MsgType>", ParseError),
        ("not xml at all", ParseError),
        ("<xml>&unknown;</xml>", ParseError),
        (f"<notxml>{HEAD}<MsgType>text</MsgType></notxml>", KeyError),
        (f"<xml>{HEAD}</xml>", KeyError),
    ],
)
def test_malformed_raises(xml: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_message(xml)


@pytest.mark.parametrize(
    "body",
    [
        "<FromUserName>o1</FromUserName><FromUserName>o2</FromUserName>"
        "<MsgType>text</MsgType><Content>hi</Content><MsgId>7</MsgId>",
        "<FromUserName><a>o1</a></FromUserName><MsgType>text</MsgType><Content>hi</Content>",
        "<FromUserName>o1</FromUserName><MsgType>text</MsgType><Content><b>x</b></Content>",
        "<FromUserName>o1</FromUserName><MsgType>text</MsgType><MsgType>image</MsgType>",
    ],
    ids=["two senders", "a sender holding elements", "content holding elements", "two types"],
)
def test_a_field_repeated_or_holding_elements_is_no_wechat_message(body: str) -> None:
    with pytest.raises(ValueError):
        parse_message(f"<xml><ToUserName>gh_1</ToUserName>{body}</xml>")


def test_nesting_deeper_than_any_wechat_message_is_refused_not_a_recursion_error() -> None:
    deep = "<a>" * 5000 + "</a>" * 5000
    with pytest.raises(ValueError):
        parse_message(f"<xml>{HEAD}<MsgType>text</MsgType><X>{deep}</X></xml>")
