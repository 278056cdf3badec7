"""WeChat messages and events (wechatpy's message classes, ``bots.wechat_xml``) as neutral
events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bots.wechat_menu import CLICK_COMMANDS
from conversations.events import (
    CommandReceived,
    Inbound,
    LocationReported,
    LocationShared,
    PhotoReceived,
    TextReceived,
)
from domain.geo import wgs84_to_gcj02
from domain.people import GeoPoint
from domain.text import clean

CHANNEL = "wechat"
MAX_OPENID = 64
"""An openid is 28 characters; the sender's id is stored in 128-character columns."""


def to_event(msg: Any, at: datetime) -> Inbound | None:
    """The neutral event for a parsed WeChat message, or None for what we do not act on.

    Texts are ``domain.text.clean`` (XML admits no NUL, but a lone ``\r`` or a decrypted body's
    oddities stay out all the same); raises ValueError for what WeChat never sends: no sender
    or one longer than ``MAX_OPENID``, a MsgId, CreateTime or location that is not a number,
    a latitude or longitude out of range.
    """
    user_id = clean(str(msg.source or ""))
    if not 0 < len(user_id) <= MAX_OPENID:
        raise ValueError("FromUserName is not an openid")
    base: dict[str, Any] = {"channel": CHANNEL, "user_id": user_id, "at": at}
    kind = getattr(msg, "type", "")
    if kind == "event":
        event = clean(str(getattr(msg, "event", "")))
        base["message_id"] = f"e{user_id}:{int(msg._data.get('CreateTime'))}:{event}"
        if event in ("subscribe", "subscribe_scan", "scan"):
            scene = clean(str(getattr(msg, "scene_id", "") or ""))
            return CommandReceived(**base, command="start", args=scene)
        if event == "click":
            command = CLICK_COMMANDS.get(str(msg.key))
            return CommandReceived(**base, command=command) if command else None
        if event == "location":  # reported by WeChat itself, as the device's GPS gives it
            gps = _place(msg._data.get("Latitude"), msg._data.get("Longitude"), "Latitude")
            point = wgs84_to_gcj02(gps)  # ours are GCJ-02, as WeChat's location picker gives
            return LocationReported(**base, lat=point.lat, lon=point.lon)
        return None
    base["message_id"] = f"m{int(msg.id)}"
    if kind == "text":
        text = clean(str(msg.content or ""))
        if text.startswith("/") and len(text) > 1:
            command, _, args = text[1:].partition(" ")
            return CommandReceived(**base, command=command, args=args.strip())
        return TextReceived(**base, text=text)
    if kind == "location":
        lat, lon = msg.location
        point = _place(lat, lon, "Location_X")
        label = clean(str(msg.label or ""))
        return LocationShared(**base, lat=point.lat, lon=point.lon, label=label)
    if kind == "image":
        return PhotoReceived(**base, ref=clean(f"{msg.media_id}|{msg.image}"))
    return None


def _place(lat: object, lon: object, field: str) -> GeoPoint:
    """Degrees as WeChat writes them; ValueError for none, or a number out of range."""
    if lat is None or lon is None:
        raise ValueError(f"{field} is missing")
    point = GeoPoint(float(str(lat)), float(str(lon)))
    if not (-90 <= point.lat <= 90 and -180 <= point.lon <= 180):  # nor NaN, nor infinity
        raise ValueError(f"{field} is not a place")
    return point
