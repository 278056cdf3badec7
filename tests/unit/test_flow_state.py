"""Typed flow data read back from plain JSON: every field's type is checked, and a shape that
does not fit reads as None (the flow then starts over)."""

from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

from conversations.flows.flow_state import read
from domain.text import Bilingual


@dataclass(slots=True)
class Part:
    id: int
    name: Bilingual


@dataclass(slots=True)
class Data:
    number: int | None = None
    mode: str = ""
    done: bool = False
    parts: tuple[Part, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def test_what_was_stored_reads_back_equal_through_json():
    data = Data(240117, "reorder", True, (Part(3, Bilingual("保洁", "cleaning")),), {"a": [1]})
    assert read(Data, orjson.loads(orjson.dumps(asdict(data)))) == data
    assert read(Data, {}) == Data()


def test_a_shape_that_does_not_fit_reads_as_none():
    for raw in (
        None,
        [],
        {"fee": 1},  # a field this version does not have
        {"number": "240117"},
        {"number": True},  # a bool is not a number
        {"done": 1},
        {"mode": None},
        {"parts": {"3": {}}},
        {"parts": [{"id": 3, "name": {"zh": "保洁"}}]},
        {"parts": [{"id": 3, "name": {"zh": "保洁", "en": "x"}, "more": 1}]},
        {"extra": []},
    ):
        assert read(Data, raw) is None, raw
