"""WeChat's pushed XML into wechatpy's message and event classes, read with ElementTree.

``wechatpy.parse_message`` builds its dict with xmltodict, whose SAX handler is Python and was
the largest single cost of a WeChat turn outside the conversation; ElementTree's parser is C.
This makes the same dict xmltodict makes for WeChat's XML (a leaf is its stripped text or None,
an element with children a dict, a repeated child a list) and picks the class as
``parse_message`` does, so everything after it is wechatpy's own.

Any DTD is refused unparsed (``DtdRefused``), in the body WeChat posts and again in the message
a safe-mode body carries (``decrypt``), which the check of the posted body cannot see; with no
DTD, expat knows no entity but XML's own five.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, ParseError, fromstring

from wechatpy.crypto import WeChatCrypto
from wechatpy.events import EVENT_TYPES
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.messages import MESSAGE_TYPES, BaseMessage, UnknownMessage

__all__ = ["DtdRefused", "ParseError", "decrypt", "parse_message", "read_message", "refuse_dtd"]


class DtdRefused(ValueError):
    """XML with a DTD or an entity declaration: never parsed."""


_DTD = re.compile("<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_BYTES = re.compile(b"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def refuse_dtd(xml: str | bytes) -> None:
    """Raise ``DtdRefused`` when ``xml`` holds a DTD or an entity declaration, in any case
    (expat would expand an internal entity: ``&a;``, a billion laughs)."""
    found = _DTD_BYTES.search(xml) if isinstance(xml, bytes) else _DTD.search(xml)
    if found is not None:
        raise DtdRefused("DTDs are not accepted")


def decrypt(crypto: WeChatCrypto, body: bytes, signature: str, timestamp: str, nonce: str) -> str:
    """The message XML inside a safe-mode body, decrypted by wechatpy once ``signature``
    (``msg_signature``) is found to sign its ``Encrypt``. The envelope is read here, with
    ElementTree (wechatpy's xmltodict raises ExpatError, TypeError and others on an empty or
    malformed body): an ``<xml>`` root with one ``Encrypt`` of text. Raises wechatpy's
    ``InvalidSignatureException`` / ``InvalidAppIdException`` (forged), ``DtdRefused``,
    ``ParseError`` or ValueError (malformed: also a signed ``Encrypt`` that is no AES of a
    message, which only the holder of the token could send)."""
    text = body.decode()
    refuse_dtd(text)
    root = fromstring(text)
    found = root.findall("Encrypt")
    if root.tag != "xml" or len(found) != 1 or len(found[0]) or not found[0].text:
        raise ValueError("not a safe-mode envelope")
    try:
        xml: str = crypto.decrypt_message(
            {"Encrypt": found[0].text.strip()}, signature, timestamp, nonce
        )
    except (IndexError, struct.error, UnicodeError) as exc:  # padding, length, UTF-8
        raise ValueError(f"undecryptable: {type(exc).__name__}") from None
    return xml


def read_message(
    body: bytes, crypto: WeChatCrypto | None, query: Mapping[str, str]
) -> BaseMessage:
    """The message a ``POST /wechat`` body carries: plaintext, or (``crypto``: safe mode
    configured) only AES (``encrypt_type=aes``, ``decrypt``). Raises ``DtdRefused`` (checked
    first, in the posted body and again in the decrypted message), wechatpy's
    ``InvalidSignatureException`` / ``InvalidAppIdException`` (also for plaintext in safe
    mode), ``ParseError``, ValueError (``UnicodeDecodeError``), KeyError or TypeError."""
    refuse_dtd(body)
    if crypto is not None and query.get("encrypt_type") == "aes":
        signature, timestamp = query.get("msg_signature", ""), query.get("timestamp", "")
        xml = decrypt(crypto, body, signature, timestamp, query.get("nonce", ""))
    elif crypto is not None:
        raise InvalidSignatureException()  # safe mode configured: plaintext refused
    else:
        xml = body.decode()
    return parse_message(xml)


def parse_message(xml: str | bytes) -> BaseMessage:
    """The wechatpy message for ``xml``; raises ``DtdRefused``, ``ParseError`` (malformed)
    or ``KeyError`` (not a WeChat message: no ``<xml>`` root or no ``MsgType``)."""
    refuse_dtd(xml)
    root = fromstring(xml)
    if root.tag != "xml":
        raise KeyError("xml")
    message = _children(root)
    message_type = str(message["MsgType"]).lower()
    if message_type != "event" and not message_type.startswith("device_"):
        return MESSAGE_TYPES.get(message_type, UnknownMessage)(message)
    event_type = str(message["Event"]).lower() if message.get("Event") else None
    if event_type is None and message_type.startswith("device_"):
        event_type = message_type
    elif message_type.startswith("device_"):
        event_type = f"device_{event_type}"
    event_key = message.get("EventKey")
    if event_type == "subscribe" and isinstance(event_key, str):
        if event_key.startswith(("scanbarcode|", "scanimage|")):
            event_type = message["Event"] = "subscribe_scan_product"
        elif event_key.startswith("qrscene_"):  # followed by scanning a QR code with a scene
            event_type = message["Event"] = "subscribe_scan"
            message["EventKey"] = event_key[len("qrscene_") :]
    return EVENT_TYPES.get(event_type, UnknownMessage)(message)


MAX_DEPTH = 6
"""Elements nest this deep at most: WeChat's deepest (a menu's picture event: ``SendPicsInfo``
/ ``PicList`` / ``item`` / ``PicMd5Sum``) is four under ``<xml>``."""

LEAVES = frozenset(
    {
        "ToUserName",
        "FromUserName",
        "CreateTime",
        "MsgType",
        "MsgId",
        "MsgDataId",
        "Content",
        "Event",
        "EventKey",
        "MediaId",
        "PicUrl",
        "Location_X",
        "Location_Y",
        "Latitude",
        "Longitude",
        "Label",
    }
)
"""The fields daojia reads: each a single text, never repeated or holding elements (a message
with ``<FromUserName>`` twice would otherwise name a person ``['o1', 'o2']``)."""


def _children(element: Element, depth: int = 1) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise ValueError("nested too deep for a WeChat message")
    out: dict[str, Any] = {}
    for child in element:
        value = _children(child, depth + 1) if len(child) else (child.text or "").strip() or None
        if child.tag not in out:
            out[child.tag] = value
        elif isinstance(out[child.tag], list):
            out[child.tag].append(value)
        else:
            out[child.tag] = [out[child.tag], value]
    if depth == 1 and any(isinstance(out.get(tag), dict | list) for tag in LEAVES):
        raise ValueError("a WeChat message field is repeated or holds elements")
    return out
