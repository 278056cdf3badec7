"""Hypothesis strategies for Telegram updates as the Bot API sends them (fields and required
parts per https://core.telegram.org/bots/api, the objects python-telegram-bot 22 reads), with
random optional fields, fields from the future, and texts with every kind of character."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

_ODD = "\x00\x01\x0b\x1b\x1c\r\n\t \u3000\u2028\x85\ud800\udfff/@<->_é中😀👩‍👩‍👧\u200f"
person_texts = st.text(st.characters() | st.sampled_from(_ODD), max_size=40)
"""What a person may type: any code point, control characters and lone surrogates included."""
_names = st.text(st.characters() | st.sampled_from(_ODD), min_size=1, max_size=20) | st.just(
    "\x08\x00"  # nothing once cleaned
)
_ids = st.text(string.ascii_letters + string.digits + "-_", min_size=10, max_size=40)
dates = st.integers(1_400_000_000, 1_900_000_000)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | person_texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(person_texts, inner, max_size=3),
    max_leaves=4,
)
"""Any JSON value."""
_future = st.dictionaries(
    st.from_regex(r"future_[a-z_]{1,10}", fullmatch=True), json_values, max_size=2
)
"""Fields a later Bot API version may add: PTB keeps them in ``api_kwargs``, daojia skips them."""


def _optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


def _object(required: dict[str, Any], **optional: st.SearchStrategy[Any]) -> Any:
    """An object with its required fields, some optional ones and maybe some from the future."""
    parts = st.tuples(st.fixed_dictionaries(required), _optional(**optional), _future)
    return parts.map(lambda p: {**p[2], **p[1], **p[0]})


users = _object(
    {"id": st.integers(1, 2**52 - 1), "is_bot": st.just(False), "first_name": _names},
    last_name=_names,
    username=st.from_regex(r"[A-Za-z][A-Za-z0-9_]{4,31}", fullmatch=True),
    language_code=st.sampled_from(["zh-hans", "zh", "en", "ru", "pt-br"]) | person_texts,
    is_premium=st.just(True),
    added_to_attachment_menu=st.just(True),
)


def command_length(text: str) -> int:
    """How much of ``text`` Telegram marks as a ``bot_command`` at its start (0: none), after
    tdlib's ``match_bot_commands`` (td/telegram/MessageEntity.cpp): a slash, 1-64 letters, digits
    or underscores, maybe ``@`` and a bot name of 3-32 of them, then no word character, ``/``,
    ``<`` or ``>``. Only ASCII counts, so the length is the same in UTF-16."""
    word = set(string.ascii_letters + string.digits + "_")
    if not text.startswith("/"):
        return 0
    end = 1
    while end < len(text) and text[end] in word:
        end += 1
    if not 1 <= end - 1 <= 64:
        return 0
    if text[end : end + 1] == "@":
        start = end = end + 1
        while end < len(text) and text[end] in word:
            end += 1
        if not 3 <= end - start <= 32:
            return 0
    following = text[end : end + 1]
    if following and (following.isalnum() or following in "_/<>"):
        return 0
    return end


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _entities(text: str, extra: list[dict[str, Any]]) -> dict[str, Any]:
    """The entities Telegram sends with ``text``: its command first, then others after it."""
    length = command_length(text)
    found = [{"type": "bot_command", "offset": 0, "length": length}] if length else []
    rest = _utf16(text) - length
    if rest > 0:
        found += [{**e, "offset": length, "length": rest} for e in extra]
    return {"entities": found} if found else {}


_commands = st.builds(
    lambda name, bot, after, rest: f"/{name}{bot}{after}{rest}",
    st.sampled_from(["start", "orders", "reply", "help", "lang"])
    | st.from_regex(r"[A-Za-z0-9_]{1,66}", fullmatch=True),
    st.sampled_from(["", "@daojia_bot", "@ab", "@"])
    | st.from_regex(r"@[A-Za-z0-9_]{1,34}", fullmatch=True),
    st.sampled_from(["", " ", "  ", "\n", "\t", "\r\n", "\u3000", "-", "/", "<", ".", "é", "中"]),
    person_texts,
)
_extra_entities = st.lists(
    st.sampled_from([{"type": "bold"}, {"type": "italic"}, {"type": "future_kind"}]), max_size=2
)
texts = st.builds(
    lambda text, extra: {"text": text, **_entities(text, extra)},
    person_texts.filter(bool) | st.text("打扫卫生", min_size=4000, max_size=4096),
    _extra_entities,
)
commands = st.builds(
    lambda text, extra: {"text": text, **_entities(text, extra)}, _commands, _extra_entities
)
_photo_size = _object(
    {
        "file_id": _ids,
        "file_unique_id": _ids,
        "width": st.integers(1, 2560),
        "height": st.integers(1, 2560),
    },
    file_size=st.integers(1, 10**7),
)


@st.composite
def photos(draw: st.DrawFn) -> dict[str, Any]:
    """A photo in 1-4 sizes, smallest first as Telegram sends them, each its own file_id."""
    sizes = draw(st.lists(_photo_size, min_size=1, max_size=4, unique_by=lambda s: s["file_id"]))
    for n, size in enumerate(sizes):  # each larger than the one before
        size["width"], size["height"] = 90 * 2**n, 51 * 2**n
    caption = draw(_optional(caption=person_texts, has_media_spoiler=st.just(True)))
    return {"photo": sizes, **caption}


locations = _object(
    {"latitude": st.floats(-90, 90), "longitude": st.floats(-180, 180)},
    horizontal_accuracy=st.floats(0, 1500),
    live_period=st.integers(60, 86400),
)
_contact = _object(
    {"phone_number": st.from_regex(r"\+?[0-9]{6,15}", fullmatch=True), "first_name": _names},
    last_name=_names,
    user_id=st.integers(1, 2**52 - 1),
    vcard=person_texts,
)
_venue = st.builds(
    lambda where, title, address: {
        "location": where,
        "venue": {"location": where, "title": title, "address": address},
    },
    locations,
    _names,
    person_texts,
)
_money = {
    "currency": st.sampled_from(["CNY", "USD", "XTR"]),
    "total_amount": st.integers(1, 10**9),
    "invoice_payload": person_texts,
}
_paid = _object(
    {
        **_money,
        "telegram_payment_charge_id": _ids,
        "provider_payment_charge_id": _ids,
    },
    shipping_option_id=_ids,
    order_info=st.fixed_dictionaries({}, optional={"name": _names, "phone_number": _names}),
    is_recurring=st.just(True),
)
_file = {"file_id": _ids, "file_unique_id": _ids}
_contents = {
    "text": texts,
    "command": commands,
    "contact": st.builds(lambda c: {"contact": c}, _contact),
    "location": st.builds(lambda w: {"location": w}, locations),
    "venue": _venue,
    "photo": photos(),
    "payment": st.builds(lambda p: {"successful_payment": p}, _paid),
    "voice": st.fixed_dictionaries(
        {"voice": st.fixed_dictionaries({**_file, "duration": st.integers(1, 3600)})}
    ),
    "document": st.fixed_dictionaries({"document": st.fixed_dictionaries(_file)}),
    "dice": st.just({"dice": {"emoji": "🎲", "value": 3}}),
    "nothing": st.just({}),  # a service message daojia has no use for
}
contents = st.sampled_from(sorted(_contents)).flatmap(_contents.__getitem__)
"""What a message carries: one kind of content, as the Bot API sends it."""


def _private(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


_groups = _object(
    {
        "id": st.integers(-(10**13), -1),
        "type": st.sampled_from(["group", "supergroup"]),
        "title": _names,
    },
    is_forum=st.just(True),
)
_channels = _object(
    {"id": st.integers(-(10**13), -1), "type": st.just("channel"), "title": _names}
)
_keyboard = st.fixed_dictionaries(
    {"inline_keyboard": st.just([[{"text": "支付", "callback_data": "act:pay:12345678"}]])}
)
_around = _optional(
    forward_origin=st.fixed_dictionaries(
        {"type": st.just("user"), "date": dates, "sender_user": users}
    ),
    reply_to_message=st.fixed_dictionaries(
        {
            "message_id": st.integers(1, 10**6),
            "date": dates,
            "chat": st.fixed_dictionaries(
                {"id": st.integers(1, 2**52), "type": st.just("private")}
            ),
            "text": person_texts,
        }
    ),
    reply_markup=_keyboard,
    via_bot=users,
    has_protected_content=st.just(True),
    message_thread_id=st.integers(1, 10**6),
)
"""Fields a message may have besides its content: a forward, a reply, buttons, …"""


@st.composite
def messages(draw: st.DrawFn, *, chat: str = "private", edited: bool = False) -> dict[str, Any]:
    """A message in a private chat (from a person), a group (from a member) or a channel (from
    nobody: ``sender_chat`` instead)."""
    sender = draw(users)
    message: dict[str, Any] = {
        "message_id": draw(st.integers(1, 2**31 - 1)),
        "date": draw(dates),
        **draw(_around),
        **draw(_future),
        **draw(contents),
    }
    if chat == "channel":
        message["chat"] = draw(_channels)
        message["sender_chat"] = message["chat"]
    else:
        message["from"] = sender
        message["chat"] = _private(sender) if chat == "private" else draw(_groups)
    if edited:
        message["edit_date"] = message["date"] + draw(st.integers(1, 10**5))
    return message


_member = st.fixed_dictionaries({"status": st.just("member"), "user": users})
_kicked = st.fixed_dictionaries(
    {"status": st.just("kicked"), "user": users, "until_date": st.just(0)}
)
_callbacks = _object(
    {"id": st.integers(1, 2**62).map(str), "from": users, "chat_instance": _ids},
    message=messages(),
    inline_message_id=_ids,
    data=person_texts,
    game_short_name=_ids,
)
kinds = {
    "message": messages(),
    "message in a group": messages(chat="group"),
    "callback_query": _callbacks,
    "pre_checkout_query": _object(
        {"id": st.integers(1, 2**62).map(str), "from": users, **_money},
        shipping_option_id=_ids,
    ),
    "edited_message": messages(edited=True),
    "channel_post": messages(chat="channel"),
    "edited_channel_post": messages(chat="channel", edited=True),
    "my_chat_member": st.fixed_dictionaries(
        {
            "chat": users.map(_private),
            "from": users,
            "date": dates,
            "old_chat_member": _member,
            "new_chat_member": _kicked,
        }
    ),
    "inline_query": _object(
        {"id": _ids, "from": users, "query": person_texts, "offset": st.just("")}
    ),
    "future_kind_of_update": st.dictionaries(person_texts, json_values, max_size=3),
}
"""Each kind of update, by the field that carries it (the last one from a later Bot API)."""


_often = {"message": 8, "callback_query": 3, "pre_checkout_query": 2}
"""What daojia acts on comes more often than what it passes over."""


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    """A valid update of any kind."""
    kind = draw(st.sampled_from([k for k in sorted(kinds) for _ in range(_often.get(k, 1))]))
    field = "message" if kind == "message in a group" else kind
    return {"update_id": draw(st.integers(1, 2**31 - 1)), field: draw(kinds[kind])}
