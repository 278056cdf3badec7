"""One person's conversation: which flow and step, what they have told us so far."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from conversations.replies import Option


@dataclass
class Conversation:
    flow: str = "menu"
    step: str = "menu"
    data: dict[str, Any] = field(default_factory=dict)
    lang: str = "zh"
    channel: str = ""
    customer_id: int | None = None
    options: list[list[str]] = field(default_factory=list)
    numbered: bool = True
    history: list[list[str]] = field(default_factory=list)

    def offered(self) -> list[Option]:
        return [Option(key, label) for key, label in self.options]

    def dumps(self) -> bytes:
        # a literal dict: dataclasses.asdict deep-copies and costs half of a simple turn
        data = {
            "flow": self.flow,
            "step": self.step,
            "data": self.data,
            "lang": self.lang,
            "channel": self.channel,
            "customer_id": self.customer_id,
            "options": self.options,
            "numbered": self.numbered,
            "history": self.history,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def loads(cls, raw: bytes | str | None) -> Conversation | None:
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return cls(**data)
        except (ValueError, TypeError):
            return None  # unreadable state starts afresh rather than stranding the user
