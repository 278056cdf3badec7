"""WeChat messages and events (wechatpy's message classes, ``bots.wechat_xml``) as neutral
events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bots.wechat_menu import CLICK_COMMANDS
from conversations.events import (
    CommandReceived,
    Inbound,
    LocationShared,
    PhotoReceived,
    TextReceived,
)
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
        return None
    base["message_id"] = f"m{int(msg.id)}"
    if kind == "text":
        text = clean(str(msg.content or ""))
        if text.startswith("/") and len(text) > 1:
            command, _, args = text[1:].partition(" ")
            return CommandReceived(**base, command=command, args=args.strip())
        return TextReceived(**base, text=text)
    if kind == "location":
        lat, lon = (float(value) for value in msg.location)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN and infinity are not either
            raise ValueError("Location_X/Location_Y is not a place")
        label = clean(str(msg.label or ""))
        return LocationShared(**base, lat=lat, lon=lon, label=label)
    if kind == "image":
        return PhotoReceived(**base, ref=clean(f"{msg.media_id}|{msg.image}"))
    return None
