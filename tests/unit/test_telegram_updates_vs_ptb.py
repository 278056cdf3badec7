"""bots.telegram_updates reads every update as python-telegram-bot's ``Update.de_json`` does.

daojia reads updates with its own reader for speed; this differential test (the model is
tests/unit/test_wechat_xml.py against wechatpy) parses each update with both and compares every
field daojia acts on, over recorded updates (tests/fixtures/telegram/, each naming its source)
and generated ones (tests/unit/telegram_strategies.py). The reference applies daojia's rules to
PTB's objects (tests/unit/telegram_reference.py), cleaning PTB's texts as daojia does.

What it relies on of PTB (22.x, pinned ``<23`` in pyproject.toml): ``Update.de_json(data, None)``
(``bot`` optional since 21.4), ``Message.parse_entity``, ``User.full_name``, and that PTB raises on
an object missing a field the Bot API requires.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bots.telegram_updates import BadUpdate, decode, read_update
from tests.unit import telegram_strategies as tg
from tests.unit.telegram_reference import (
    NOTHING,
    READ,
    REQUIRED,
    pattern,
    ptb_reading,
    ptb_update,
    reading_of,
)

AT = datetime(2026, 12, 5, 8, 30, tzinfo=UTC)
FIXTURES = Path(__file__).parents[1] / "fixtures" / "telegram"
RECORDED = {path.stem: json.loads(path.read_text("utf-8")) for path in FIXTURES.glob("*.json")}
LENIENT = {name for name, sample in RECORDED.items() if sample["expect"].get("ptb") == "refuses"}
"""Samples PTB refuses, older than fields it requires, which daojia still reads."""
GENERATED = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def both(update: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """daojia's reading of the update's body as the webhook reads it, and PTB's (from json;
    None where PTB cannot read it, see ``theirs``)."""
    body = json.dumps(update).encode()  # a NUL as \\u0000, a lone surrogate as \\ud800
    ours = reading_of(read_update(decode(body), AT))
    return ours, ptb_reading_of(json.loads(body))


def ptb_reading_of(update: dict[str, Any]) -> dict[str, Any] | None:
    """PTB's reading, or None where PTB itself cannot read the text: its entity offsets count
    UTF-16 units, and a lone surrogate (which Telegram never sends, and daojia drops) has no
    UTF-16 encoding, so ``parse_entity`` raises."""
    try:
        return ptb_reading(ptb_update(update), AT)
    except UnicodeEncodeError:
        return None


def test_the_recorded_updates_are_there():
    assert len(RECORDED) >= 30
    for name, sample in RECORDED.items():
        assert sample["source"] and "expect" in sample and "update_id" in sample["update"], name


@pytest.mark.parametrize("name", sorted(RECORDED.keys() - LENIENT))
def test_a_recorded_update_reads_as_ptb_reads_it(name):
    sample = RECORDED[name]
    expect = sample["expect"]
    ours, theirs = both(sample["update"])
    assert theirs is not None and ours == theirs
    kind = expect.get("event")
    if kind is None:
        assert ours["event"] is None
    else:
        assert ours["event"] is not None and ours["event"][0] == kind
        fields = ours["event"][1]
        for field, value in expect.items():
            if field not in ("event", "callback_id", "checkout"):
                assert fields[field] == value, field
    assert ours["callback_id"] == expect.get("callback_id")
    assert ours["checkout"] == (tuple(expect["checkout"]) if "checkout" in expect else None)


def test_what_ptb_refuses_daojia_reads_leniently():
    """Samples older than the Bot API fields PTB requires (the webhooks guide's examples have no
    ``is_bot``, its button press no ``chat_instance``): daojia reads the fields it needs."""
    assert LENIENT
    for name in sorted(LENIENT):
        sample = RECORDED[name]
        with pytest.raises((TypeError, KeyError)):
            ptb_update(copy.deepcopy(sample["update"]))
        update = read_update(sample["update"], AT)
        expect = sample["expect"]
        assert type(update.event).__name__ == expect["event"], name
        assert update.callback_id == expect.get("callback_id"), name


@GENERATED
@given(tg.updates())
def test_a_generated_update_reads_as_ptb_reads_it(update):
    ours, theirs = both(update)
    assert theirs is None or ours == theirs
    if not {"message", "callback_query", "pre_checkout_query"} & update.keys():
        assert ours == NOTHING  # edited messages, channel posts, the future: nothing to act on


def _paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*path, index))
    return found


def _change(update: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A copy of ``update`` with the field at ``path`` set to ``value`` (or removed: ``...``).
    Copied through JSON, as it travels: a venue's ``location`` and the message's are one object
    in the strategy, and a deep copy would keep them one, changing both at once."""
    changed = json.loads(json.dumps(update))
    parent: Any = changed
    for step in path[:-1]:
        parent = parent[step]
    if value is ...:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return changed


def _refused_by_ptb(update: dict[str, Any]) -> bool:
    try:
        ptb_update(update)
    except Exception:  # noqa: BLE001 (whatever PTB raises, it refuses the update)
        return True
    return False


@GENERATED
@given(st.data())
def test_a_missing_field_is_refused_only_where_the_bot_api_requires_it(data):
    """An update with one field taken out: daojia refuses it only if PTB does too or if the Bot
    API always sends that field (PTB reads a message without ``chat``, daojia does not); where
    both read it, they read the same."""
    update = data.draw(tg.updates())
    keys = [p for p in _paths(update) if isinstance(p[-1], str)]
    path = data.draw(st.sampled_from(keys))
    changed = _change(update, path, ...)
    body = json.dumps(changed).encode()
    try:
        ours = reading_of(read_update(decode(body), AT))
    except BadUpdate:
        if _refused_by_ptb(json.loads(body)):
            event("both refuse")
            return
        assert pattern(path) in REQUIRED, f"daojia refuses an update without {path}"
        event("daojia refuses what the Bot API requires, PTB reads")
        return
    if _refused_by_ptb(json.loads(body)):
        event("PTB refuses, daojia reads")
        return
    event("both read")
    reading = ptb_reading_of(json.loads(body))
    assert reading is None or ours == reading


@GENERATED
@given(st.data())
def test_any_value_in_any_field_is_refused_only_where_the_bot_api_forbids_it(data):
    """An update with one field set to any JSON value: daojia raises nothing but BadUpdate, and
    refuses it only if PTB does too or if the field is one daojia reads (``READ``) and the Bot
    API does not allow the value there; where both read it, they read the same."""
    update = data.draw(tg.updates())
    path = data.draw(st.sampled_from(_paths(update)))
    value = data.draw(tg.json_values)
    changed = _change(update, path, value)
    body = json.dumps(changed).encode()
    try:
        ours = reading_of(read_update(decode(body), AT))
    except BadUpdate:
        if _refused_by_ptb(json.loads(body)):
            event("both refuse")
            return
        allowed = READ.get(pattern(path))
        assert allowed is not None, f"daojia refuses {path}, a field it does not read"
        assert not allowed(value), f"daojia refuses {value!r} at {path}, as the Bot API allows"
        event("daojia refuses what the Bot API forbids, PTB reads")
        return
    if _refused_by_ptb(json.loads(body)):
        event("PTB refuses, daojia reads")
        return
    event("both read")
    reading = ptb_reading_of(json.loads(body))
    assert reading is None or ours == reading
