"""Telegram updates read from their JSON: each kind daojia acts on, and wrong types refused."""

from datetime import UTC, datetime

import pytest

from bots.telegram_updates import BadUpdate, decode, read_update
from conversations.events import (
    ChoiceMade,
    CommandReceived,
    ContactShared,
    LocationShared,
    PaymentReceived,
    PhotoReceived,
    TextReceived,
)

AT = datetime(2026, 12, 5, tzinfo=UTC)
USER = {"id": 42, "is_bot": False, "first_name": "Li", "last_name": "Lei", "language_code": "en"}


def message(**fields) -> dict:
    return {
        "update_id": 7,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 42, "type": "private"},
            "from": USER,
            **fields,
        },
    }


@pytest.mark.parametrize(
    ("fields", "kind", "values"),
    [
        ({"text": "你好"}, TextReceived, {"text": "你好"}),
        (
            {
                "text": "/start@daojia_bot ref 9",
                "entities": [{"type": "bot_command", "offset": 0, "length": 17}],
            },
            CommandReceived,
            {"command": "start", "args": "ref 9"},
        ),
        (
            {
                "text": "/reply 12\n好的  明天到 ",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
            CommandReceived,
            {"command": "reply", "args": "12\n好的  明天到"},
        ),
        ({"text": "/start"}, TextReceived, {"text": "/start"}),  # Telegram marked no command
        (
            {"contact": {"phone_number": "+8613812345678"}},
            ContactShared,
            {"phone": "+8613812345678"},
        ),
        ({"location": {"latitude": 51.5, "longitude": -1}}, LocationShared, {"lon": -1.0}),
        ({"photo": [{"file_id": "small"}, {"file_id": "large"}]}, PhotoReceived, {"ref": "large"}),
        (
            {
                "successful_payment": {
                    "currency": "CNY",
                    "total_amount": 12800,
                    "invoice_payload": "P-1",
                    "telegram_payment_charge_id": "tg-1",
                    "provider_payment_charge_id": "pp-1",
                }
            },
            PaymentReceived,
            {"reference": "P-1", "provider_ref": "tg-1", "amount_cents": 12800},
        ),
    ],
)
def test_messages_become_neutral_events(fields, kind, values):
    update = read_update(message(**fields), AT)
    event = update.event
    assert isinstance(event, kind)
    assert (event.user_id, event.name, event.lang_hint, event.message_id) == (
        "42",
        "Li Lei",
        "en",
        "u7",
    )
    for name, value in values.items():
        assert getattr(event, name) == value
    assert update.callback_id is None and update.checkout is None


def test_a_button_press_is_a_choice_to_answer():
    data = {
        "update_id": 8,
        "callback_query": {"id": "cq1", "from": USER, "chat_instance": "c", "data": "pay"},
    }
    update = read_update(data, AT)
    assert isinstance(update.event, ChoiceMade) and update.event.key == "pay"
    assert update.callback_id == "cq1"
    del data["callback_query"]["data"]  # a game button: nothing to do, still answered
    assert read_update(data, AT) == read_update(data, AT)
    assert read_update(data, AT).event is None and read_update(data, AT).callback_id == "cq1"


def test_a_button_press_names_the_message_whose_keyboard_goes_away():
    pressed = {"message_id": 55, "date": 0, "chat": {"id": 42, "type": "private"}}
    query = {"id": "cq2", "from": USER, "chat_instance": "c", "data": "pay", "message": pressed}
    assert read_update({"update_id": 10, "callback_query": query}, AT).tapped == (42, 55)
    # a courtesy, read leniently: another shape edits nothing and refuses nothing
    for odd in ({**pressed, "message_id": "55"}, {**pressed, "chat": 42}, "text"):
        update = read_update({"update_id": 11, "callback_query": {**query, "message": odd}}, AT)
        assert update.tapped is None and isinstance(update.event, ChoiceMade)
    inline = {k: v for k, v in query.items() if k != "message"} | {"inline_message_id": "im"}
    assert read_update({"update_id": 12, "callback_query": inline}, AT).tapped is None


def test_a_pre_checkout_query_is_handed_over():
    data = {
        "update_id": 9,
        "pre_checkout_query": {
            "id": "pcq",
            "from": USER,
            "currency": "CNY",
            "total_amount": 500,
            "invoice_payload": "P-2",
        },
    }
    checkout = read_update(data, AT).checkout
    assert checkout is not None
    assert (checkout.id, checkout.currency, checkout.total_amount, checkout.payload) == (
        "pcq",
        "CNY",
        500,
        "P-2",
    )


def test_what_daojia_does_not_act_on_is_no_event():
    group = message(text="hi")
    group["message"]["chat"]["type"] = "group"
    assert read_update(group, AT).event is None
    assert read_update(message(sticker={"file_id": "s"}), AT).event is None
    assert read_update({"update_id": 1, "edited_message": {}}, AT).event is None
    channel_post = message(text="hi")
    del channel_post["message"]["from"]
    assert read_update(channel_post, AT).event is None


@pytest.mark.parametrize(
    "data",
    [
        [],
        "update",
        {},
        {"update_id": "7"},
        {"update_id": True},
        message(text=5),
        message(text="hi", chat=None),
        message(text="hi", **{"from": {"id": "42"}}),
        message(location={"latitude": "31", "longitude": 121}),
        message(location={"latitude": 91, "longitude": 121}),
        message(location={"latitude": 31, "longitude": 10**400}),  # float() overflows
        message(location={"latitude": float("inf"), "longitude": 121}),  # JSON 1e999
        message(text="/start", entities=[{"type": "bot_command", "offset": "0", "length": 6}]),
        message(text="/start", entities=["bot_command"]),
        message(photo=["large"]),
        {"update_id": 1, "callback_query": {"from": USER, "data": "x"}},
        {"update_id": 1, "pre_checkout_query": {"id": "p", "currency": "CNY"}},
    ],
)
def test_wrong_types_are_a_bad_update(data):
    with pytest.raises(BadUpdate):
        read_update(data, AT)


def test_a_body_nested_too_deep_for_the_parsers_is_not_json():
    with pytest.raises(ValueError):  # not a RecursionError, which the webhook would answer 500
        decode(b'{"update_id": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")


def test_a_location_in_china_comes_as_gcj02_like_the_chinese_maps_and_wechat():
    """Telegram sends WGS-84 (GPS); the published Tiananmen pair (wandergis/coordtransform)."""
    update = read_update(message(location={"latitude": 39.915, "longitude": 116.404}), AT)
    event = update.event
    assert isinstance(event, LocationShared)
    assert (event.lat, event.lon) == pytest.approx((39.91640428150164, 116.41024449916938))
