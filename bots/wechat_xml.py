"""WeChat's pushed XML into wechatpy's message and event classes, read with ElementTree.

``wechatpy.parse_message`` builds its dict with xmltodict, whose SAX handler is Python and was
the largest single cost of a WeChat turn outside the conversation; ElementTree's parser is C.
This makes the same dict xmltodict makes for WeChat's XML (a leaf is its stripped text or None,
an element with children a dict, a repeated child a list) and picks the class as
``parse_message`` does, so everything after it is wechatpy's own.

The caller has refused DTDs already; with no DTD, expat knows no entity but XML's own five.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, ParseError, fromstring

from wechatpy.events import EVENT_TYPES
from wechatpy.messages import MESSAGE_TYPES, BaseMessage, UnknownMessage

__all__ = ["ParseError", "parse_message"]


def parse_message(xml: str | bytes) -> BaseMessage:
    """The wechatpy message for ``xml``; raises ``ParseError`` (malformed) or ``KeyError``
    (not a WeChat message: no ``<xml>`` root or no ``MsgType``)."""
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


def _children(element: Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in element:
        value = _children(child) if len(child) else (child.text or "").strip() or None
        if child.tag not in out:
            out[child.tag] = value
        elif isinstance(out[child.tag], list):
            out[child.tag].append(value)
        else:
            out[child.tag] = [out[child.tag], value]
    return out
