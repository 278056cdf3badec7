"""The web chat's JSON messages (``POST /web/api/send``) as neutral events.

A message is a JSON object: ``role`` (the pane), ``type`` (``text``, ``choice``, ``location``,
``contact``) and its fields, all strings but a location's ``lat``/``lon`` (numbers), and the
page's ``id`` and ``lang``. One of another shape — a field of the wrong type, a coordinate that
is no number of degrees — is no message (the route answers 400). Every text is
``domain.text.clean``: JSON may carry ``\\u0000`` or a lone ``\\ud800``.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from conversations.events import (
    ChoiceMade,
    CommandReceived,
    ContactShared,
    Inbound,
    LocationShared,
    TextReceived,
)
from domain.geo import wgs84_to_gcj02
from domain.people import GeoPoint
from domain.text import clean

CHANNEL = "web"
MAX_TEXT = 2000
"""The chat window's input takes 2000 characters, more than any typed field may keep
(``domain.limits``): a longer text is cut here and then refused by its step all the same."""
ROLES = ("customer", "worker", "admin")


def to_event(uid: str, body: dict[str, Any], at: datetime) -> Inbound | None:
    """The event a JSON message of web user ``uid`` stands for, or None when it is not one."""
    role = body.get("role", "customer")
    if not isinstance(role, str) or role not in ROLES:
        return None
    try:
        base: dict[str, Any] = {
            "channel": CHANNEL,
            "user_id": f"{uid}-{role}",
            "at": at,
            "message_id": _text(body, "id", "")[:64] or secrets.token_hex(8),
            "lang_hint": _text(body, "lang", "")[:8],
            "role": role,
        }
        return _event(body, base)
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


def _event(body: dict[str, Any], base: dict[str, Any]) -> Inbound | None:
    kind = body.get("type")
    if kind == "text":
        text = _text(body, "text")[:MAX_TEXT]
        if text.startswith("/") and len(text) > 1:
            command, _, args = text[1:].partition(" ")
            return CommandReceived(**base, command=command, args=args.strip())
        return TextReceived(**base, text=text)
    if kind == "choice":
        return ChoiceMade(**base, key=_text(body, "key")[:64])
    if kind == "location":
        lat, lon = _degrees(body["lat"], 90), _degrees(body["lon"], 180)
        label = _text(body, "label", "")[:120]
        if body.get("datum") == "wgs84":  # the browser's own position (GPS)
            point = wgs84_to_gcj02(GeoPoint(lat, lon))
            lat, lon = point.lat, point.lon
        # else typed, as WeChat's location picker gives it: GCJ-02 already
        return LocationShared(**base, lat=lat, lon=lon, label=label)
    if kind == "contact":
        return ContactShared(**base, phone=_text(body, "phone")[:MAX_TEXT])
    return None


def _text(body: dict[str, Any], name: str, default: str | None = None) -> str:
    """The string ``body[name]``, ``domain.text.clean``; ``default`` when it is missing or
    null (KeyError without one); TypeError when it is not a string."""
    value = body.get(name)
    if value is None:
        if default is None:
            raise KeyError(name)
        return default
    if not isinstance(value, str):
        raise TypeError(f"{name} is not a string")
    return clean(value)


def _degrees(value: Any, limit: int) -> float:
    """A latitude or longitude: a JSON number (or its text) within ±``limit``. ValueError for
    one out of range, NaN or infinity; OverflowError for an integer too long for a float (JSON
    sets no limit: ``float`` refuses a 401-digit one); TypeError for other types."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError("degrees are numbers")
    degrees = float(value)
    if not -limit <= degrees <= limit:
        raise ValueError("out of range")
    return degrees
