"""Telegram updates read straight from their JSON: the few fields daojia acts on, type-checked.

python-telegram-bot's ``Update.de_json`` builds an object for every part of an update (the
message a button hangs under, its chat, entities, each user) and freezes each one: on the
webhook that was a tenth of the server's time per message, for three or four fields used. PTB
stays the Bot API client (``bots.telegram``); reading an update is this module's job.

A field daojia reads that has the wrong type makes the whole update ``BadUpdate`` (the route
answers 400); fields it does not read are not looked at, as Telegram adds new ones. Every text
read is ``domain.text.clean``: a NUL or a lone surrogate (JSON ``\\u0000``, ``\\ud800``) never
gets past this module, whichever field carried it.

It reads what PTB reads: tests/unit/test_telegram_updates_vs_ptb.py compares it with
``Update.de_json`` over recorded and generated updates. A text is a command when Telegram marks
it as one (its first entity a ``bot_command`` at offset 0), as PTB's ``CommandHandler`` reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeGuard

import orjson

from conversations.events import (
    ChoiceMade,
    CommandReceived,
    ContactShared,
    Inbound,
    LocationShared,
    PaymentReceived,
    PhotoReceived,
    TextReceived,
)
from domain.geo import wgs84_to_gcj02
from domain.people import GeoPoint
from domain.text import clean


class BadUpdate(ValueError):
    """Not a Telegram update, or one whose fields have the wrong types."""


@dataclass(frozen=True, slots=True)
class Checkout:
    """A ``pre_checkout_query``: Telegram asks whether to charge."""

    id: str
    currency: str
    total_amount: int
    payload: str


@dataclass(frozen=True, slots=True)
class Update:
    event: Inbound | None  # None: nothing daojia acts on
    callback_id: str | None = None  # a button press to answer (stops its spinner)
    checkout: Checkout | None = None
    tapped: tuple[int, int] | None = None
    """(chat id, message id) of the message whose inline button was pressed: its keyboard is
    taken away. None when the press does not say (an inline-mode message, or ids that are not
    integers): nothing is edited then, and the update is read all the same."""


def read_update(data: Any, at: datetime) -> Update:
    """The neutral event (and what else the webhook must answer) in a decoded update."""
    if not isinstance(data, dict):
        raise BadUpdate("an update is a JSON object")
    base: dict[str, Any] = {
        "channel": "telegram",
        "at": at,
        "message_id": f"u{_field(data, 'update_id', int)}",
    }
    query = _field(data, "callback_query", dict, None)
    if query is not None:
        query_id = _field(query, "id", str)
        key = _field(query, "data", str, "")
        tapped = _tapped(query)
        if not key:
            return Update(None, callback_id=query_id, tapped=tapped)
        return Update(
            ChoiceMade(**base, **_sender(query), key=key),
            callback_id=query_id,
            tapped=tapped,
        )
    checkout = _field(data, "pre_checkout_query", dict, None)
    if checkout is not None:
        return Update(
            None,
            checkout=Checkout(
                id=_field(checkout, "id", str),
                currency=_field(checkout, "currency", str),
                total_amount=_field(checkout, "total_amount", int),
                payload=_field(checkout, "invoice_payload", str),
            ),
        )
    message = _field(data, "message", dict, None)
    if message is None or _field(message, "from", dict, None) is None:
        return Update(None)
    if _field(_field(message, "chat", dict), "type", str) != "private":
        return Update(None)
    return Update(_message_event(message, {**base, **_sender(message)}))


def _tapped(query: dict[str, Any]) -> tuple[int, int] | None:
    """Where the pressed button hangs, read leniently: the edit that takes the keyboard away
    is a courtesy, so a ``message`` of another shape only means nothing is edited."""
    message = query.get("message")
    if not isinstance(message, dict):
        return None
    chat, message_id = message.get("chat"), message.get("message_id")
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    if _integer(chat_id) and _integer(message_id):
        return chat_id, message_id
    return None


def _integer(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _message_event(message: dict[str, Any], base: dict[str, Any]) -> Inbound | None:
    text = _field(message, "text", str, None)
    if text is not None:  # a text of control characters only is "" now: a text all the same
        length = _command_length(message)
        if length and text.startswith("/"):
            words = text.split(None, 1)
            args = words[1].strip() if len(words) > 1 else ""
            return CommandReceived(**base, command=text[1:length].split("@")[0], args=args)
        return TextReceived(**base, text=text)
    contact = _field(message, "contact", dict, None)
    if contact is not None:
        return ContactShared(**base, phone=_field(contact, "phone_number", str))
    location = _field(message, "location", dict, None)
    if location is not None:
        # Telegram's points are WGS-84 (GPS); ours are GCJ-02, the Chinese maps' system
        gps = GeoPoint(_degrees(location, "latitude", 90), _degrees(location, "longitude", 180))
        point = wgs84_to_gcj02(gps)
        return LocationShared(**base, lat=point.lat, lon=point.lon)
    photo = _field(message, "photo", list, None)
    if photo:
        largest = photo[-1]
        if not isinstance(largest, dict):
            raise BadUpdate("photo sizes are objects")
        return PhotoReceived(**base, ref=_field(largest, "file_id", str))
    paid = _field(message, "successful_payment", dict, None)
    if paid is not None:
        return PaymentReceived(
            **base,
            reference=_field(paid, "invoice_payload", str),
            provider="telegram",
            provider_ref=_field(paid, "telegram_payment_charge_id", str),
            amount_cents=_field(paid, "total_amount", int),
        )
    return None


def _command_length(message: dict[str, Any]) -> int:
    """The length of the command a text starts with, 0 if none. Telegram marks a command as an
    entity (``/start``, ``/start@daojia_bot``; not ``/ hi``, ``/价格`` nor the ``-now`` of
    ``/start-now``); it is a command when the first entity is one at offset 0, as PTB's
    ``CommandHandler`` reads it, and its arguments are the words after the first."""
    entities = _field(message, "entities", list, None)
    if not entities:
        return 0
    first = entities[0]
    if not isinstance(first, dict):
        raise BadUpdate("entities are objects")
    if _field(first, "type", str) != "bot_command" or _field(first, "offset", int) != 0:
        return 0
    length: int = _field(first, "length", int)
    return length


def _sender(parent: dict[str, Any]) -> dict[str, Any]:
    """user_id, lang_hint and name of the ``from`` user."""
    user = _field(parent, "from", dict)
    first = _field(user, "first_name", str, "")
    last = _field(user, "last_name", str, "")
    return {
        "user_id": str(_field(user, "id", int)),
        "lang_hint": _field(user, "language_code", str, ""),
        "name": f"{first} {last}" if first and last else first,  # no first name: no name
    }


def _degrees(location: dict[str, Any], name: str, limit: int) -> float:
    """A latitude or longitude: a number within ±``limit`` degrees. JSON allows ``1e999`` (read
    as infinity) and integers too long for a float (``float`` raises OverflowError on them)."""
    value = _field(location, name, (int, float))
    if not -limit <= value <= limit:
        raise BadUpdate(f"{name} is out of range")
    return float(value)


_REQUIRED = object()


def _field(obj: dict[str, Any], name: str, kind: Any, default: Any = _REQUIRED) -> Any:
    value = obj.get(name)
    if value is None:
        if default is _REQUIRED:
            raise BadUpdate(f"{name} is missing")
        return default
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadUpdate(f"{name} has the wrong type")
    return clean(value) if kind is str else value


def decode(body: bytes) -> Any:
    """The JSON of an update. orjson refuses a lone surrogate escape (``\\ud800``), which the
    JSON grammar allows: such a body is read by the standard parser instead (its NaN and
    Infinity refused), and ``_field`` drops the surrogate. Raises ValueError, also for arrays
    nested too deep for either parser (orjson stops at 1024 levels, the standard parser at
    Python's recursion limit)."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            return json.loads(body, parse_constant=_no_constant)
        except RecursionError:
            raise ValueError("JSON nested too deep") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
