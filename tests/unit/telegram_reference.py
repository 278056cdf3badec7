"""The reference ``bots.telegram_updates.read_update`` is tested against: python-telegram-bot
reads the update (``telegram.Update.de_json``) and daojia's rules are applied to PTB's objects,
through PTB's public API only.

daojia's rules, as they apply to any parser's output:
- a ``callback_query`` is a button press to answer (its ``id``); one with ``data`` is a choice;
  its ``message``'s chat id and message id, when both are integers, name the keyboard to take
  away;
- a ``pre_checkout_query`` is handed over (id, currency, amount, payload);
- a ``message`` from a person (``from``) in a private chat is, in this order: a text (a command
  if Telegram marks one, read as PTB's ``CommandHandler`` reads it; a text of nothing but
  control characters is an empty text, answered as any unreadable one), a contact, a location (a
  venue's too), a photo (the largest size, the last one, as PTB's own examples take it), a
  successful payment; anything else, and every other kind of update, is nothing to act on.
- every text is ``domain.text.clean``-ed where daojia reads it; the reference cleans PTB's value.

``READ`` lists every field daojia reads, with the type the Bot API gives it, and ``REQUIRED`` those
of them the Bot API always sends: daojia refuses an update only for one of these fields, holding a
value the Bot API does not allow or missing where the Bot API requires it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Chat, MaybeInaccessibleMessage, MessageEntity, Update, User

from bots import telegram_updates
from domain.geo import wgs84_to_gcj02
from domain.people import GeoPoint
from domain.text import clean

Reading = dict[str, Any]
NOTHING: Reading = {"event": None, "callback_id": None, "checkout": None, "tapped": None}


def reading_of(update: telegram_updates.Update) -> Reading:
    """daojia's answer in the reference's terms (a command's args as PTB's list of words)."""
    event = update.event
    fields = None
    if event is not None:
        fields = dataclasses.asdict(event)
        if "args" in fields:
            fields["args"] = fields["args"].split()
    checkout = update.checkout
    return {
        "event": None if event is None else (type(event).__name__, fields),
        "callback_id": update.callback_id,
        "checkout": None if checkout is None else dataclasses.astuple(checkout),
        "tapped": update.tapped,
    }


def ptb_update(data: Any) -> Update:
    """PTB's reading; raises what PTB raises on input it refuses. ``bot=None``: PTB >= 21.4."""
    return Update.de_json(data, None)


def ptb_reading(update: Update, at: datetime) -> Reading:
    """What daojia should answer, by its rules applied to PTB's objects."""
    base = {"channel": "telegram", "at": at, "message_id": f"u{update.update_id}", "role": ""}
    base["nonce"] = None  # a signed request's (WeChat's): Telegram's updates carry none
    query = update.callback_query
    if query is not None:
        key = clean(query.data or "")
        event = None
        if key:
            event = ("ChoiceMade", {**base, **_sender(query.from_user), "key": key})
        return {
            **NOTHING,
            "event": event,
            "callback_id": clean(query.id),
            "tapped": _tapped(query.message),
        }
    checkout = update.pre_checkout_query
    if checkout is not None:
        parts = (clean(checkout.id), clean(checkout.currency), checkout.total_amount)
        return {**NOTHING, "checkout": (*parts, clean(checkout.invoice_payload))}
    message = update.message
    if message is None or message.from_user is None or message.chat.type != Chat.PRIVATE:
        return NOTHING
    base.update(_sender(message.from_user))
    if message.text is not None:  # cleaned to nothing, still a text: answered as unreadable
        text = clean(message.text)
        first = message.entities[0] if message.entities else None
        marked = first is not None and first.type == MessageEntity.BOT_COMMAND
        if marked and first.offset == 0 and text.startswith("/"):
            command = clean(message.parse_entity(first))[1:].split("@")[0]
            event = ("CommandReceived", {**base, "command": command, "args": text.split()[1:]})
        else:
            event = ("TextReceived", {**base, "text": text})
    elif message.contact is not None:
        event = ("ContactShared", {**base, "phone": clean(message.contact.phone_number)})
    elif message.location is not None:
        where = message.location
        # Telegram's WGS-84, kept as GCJ-02 like every point (``domain.geo``)
        point = wgs84_to_gcj02(GeoPoint(float(where.latitude), float(where.longitude)))
        degrees = {"lat": point.lat, "lon": point.lon, "label": ""}
        event = ("LocationShared", {**base, **degrees})
    elif message.photo:
        event = ("PhotoReceived", {**base, "ref": clean(message.photo[-1].file_id)})
    elif message.successful_payment is not None:
        paid = message.successful_payment
        event = (
            "PaymentReceived",
            {
                **base,
                "reference": clean(paid.invoice_payload),
                "provider": "telegram",
                "provider_ref": clean(paid.telegram_payment_charge_id),
                "amount_cents": paid.total_amount,
            },
        )
    else:
        event = None
    return {**NOTHING, "event": event}


def _tapped(message: MaybeInaccessibleMessage | None) -> tuple[int, int] | None:
    """The pressed button's message, where its ids are integers (an inaccessible one too: PTB
    reads a message dated 0 as one, and its ids are still the message's)."""
    if message is None or message.chat is None:  # no chat: nothing to edit
        return None
    chat_id, message_id = message.chat.id, message.message_id
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (chat_id, message_id))
    return (chat_id, message_id) if whole else None


def _sender(user: User) -> dict[str, Any]:
    """user_id, lang_hint and name: PTB's ``full_name`` of the cleaned names."""
    last = clean(user.last_name) if user.last_name else None
    named = User(id=user.id, first_name=clean(user.first_name or ""), is_bot=False, last_name=last)
    return {
        "user_id": str(user.id),
        "lang_hint": clean(user.language_code or ""),
        "name": named.full_name or "",  # PTB: no first name, no name (None)
    }


def _integer(value: Any) -> bool:
    # Bot API integers fit in a double ("at most 52 significant bits" for ids)
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53


def _degrees(limit: float) -> Callable[[Any], bool]:
    def valid(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return math.isfinite(value) and -limit <= value <= limit

    return valid


def _string(value: Any) -> bool:
    return isinstance(value, str)


def _object(value: Any) -> bool:
    return isinstance(value, dict)


def _array(value: Any) -> bool:
    return isinstance(value, list)


_USER = {
    (): _object,
    ("id",): _integer,
    ("first_name",): _string,
    ("last_name",): _string,
    ("language_code",): _string,
}
READ: dict[tuple[str, ...], Callable[[Any], bool]] = {
    ("update_id",): _integer,
    ("message",): _object,
    **{("message", "from", *path): valid for path, valid in _USER.items()},
    ("message", "chat"): _object,
    ("message", "chat", "type"): _string,
    ("message", "text"): _string,
    ("message", "entities"): _array,
    ("message", "entities", "*"): _object,
    ("message", "entities", "*", "type"): _string,
    ("message", "entities", "*", "offset"): _integer,
    ("message", "entities", "*", "length"): _integer,
    ("message", "contact"): _object,
    ("message", "contact", "phone_number"): _string,
    ("message", "location"): _object,
    ("message", "location", "latitude"): _degrees(90),
    ("message", "location", "longitude"): _degrees(180),
    ("message", "photo"): _array,
    ("message", "photo", "*"): _object,
    ("message", "photo", "*", "file_id"): _string,
    ("message", "successful_payment"): _object,
    ("message", "successful_payment", "invoice_payload"): _string,
    ("message", "successful_payment", "telegram_payment_charge_id"): _string,
    ("message", "successful_payment", "total_amount"): _integer,
    ("callback_query",): _object,
    ("callback_query", "id"): _string,
    ("callback_query", "data"): _string,
    **{("callback_query", "from", *path): valid for path, valid in _USER.items()},
    ("pre_checkout_query",): _object,
    ("pre_checkout_query", "id"): _string,
    ("pre_checkout_query", "currency"): _string,
    ("pre_checkout_query", "total_amount"): _integer,
    ("pre_checkout_query", "invoice_payload"): _string,
}
"""Every field daojia reads, and whether a value is one the Bot API allows there."""
REQUIRED = {
    ("update_id",),
    *(("message", "from", *p) for p in [("id",), ("first_name",)]),
    ("message", "chat"),
    ("message", "chat", "type"),
    *(("message", "entities", "*", name) for name in ("type", "offset", "length")),
    ("message", "contact", "phone_number"),
    ("message", "location", "latitude"),
    ("message", "location", "longitude"),
    ("message", "photo", "*", "file_id"),
    *(
        ("message", "successful_payment", name)
        for name in ("invoice_payload", "telegram_payment_charge_id", "total_amount")
    ),
    ("callback_query", "id"),
    ("callback_query", "from"),
    *(("callback_query", "from", *p) for p in [("id",), ("first_name",)]),
    *(
        ("pre_checkout_query", name)
        for name in ("id", "currency", "total_amount", "invoice_payload")
    ),
}
"""The fields of ``READ`` the Bot API always sends (the others are "Optional" in its tables)."""


def pattern(path: tuple[str | int, ...]) -> tuple[str, ...]:
    """A path into an update with its list indices as ``*``: a key of ``READ``."""
    return tuple("*" if isinstance(step, int) else step for step in path)
