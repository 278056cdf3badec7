"""One person's conversation: which flow and step, what they have told us so far."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import itemgetter
from typing import Any

import orjson

from conversations.replies import Option


@dataclass
class Conversation:
    flow: str = "menu"
    step: str = "menu"
    data: dict[str, Any] = field(default_factory=dict)
    lang: str = "zh"
    channel: str = ""
    customer_id: int | None = None
    worker_id: int | None = None
    role: str = "customer"
    options: list[list[str]] = field(default_factory=list)
    numbered: bool = True
    history: list[list[str]] = field(default_factory=list)
    version: int = 0
    """Turns saved so far; the database's checkpoint is newer when its version is higher."""
    scratch: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """What a flow derived from ``data`` during this turn, to reuse within it (the booking
    draft its handler kept, read again by its question); never stored."""

    def offered(self) -> list[Option]:
        return [Option(key, label) for key, label in self.options]

    def dumps(self) -> bytes:
        # shallow, field by field: dataclasses.asdict deep-copies and cost half of a turn; one
        # dict display (a test checks that the keys are the fields)
        data = {
            "flow": self.flow,
            "step": self.step,
            "data": self.data,
            "lang": self.lang,
            "channel": self.channel,
            "customer_id": self.customer_id,
            "worker_id": self.worker_id,
            "role": self.role,
            "options": self.options,
            "numbered": self.numbered,
            "history": self.history,
            "version": self.version,
        }
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)

    @classmethod
    def loads(cls, raw: bytes | str | None) -> Conversation | None:
        if not raw:
            return None
        try:
            data = orjson.loads(raw)
            if type(data) is dict and len(data) == len(_FIELDS):
                # what ``dumps`` wrote, every field: by position, as keywords each key would be
                # matched against the parameter names; a key that is not a field is refused
                # here as the keywords would be
                try:
                    return cls(*_FIELD_ITEMS(data))
                except KeyError:
                    return None
            return cls(**data)
        except (ValueError, TypeError):
            return None  # unreadable state starts afresh rather than stranding the user


_FIELDS = tuple(f.name for f in fields(Conversation) if f.name != "scratch")
_FIELD_ITEMS = itemgetter(*_FIELDS)
