"""Neutral outbound replies; each bot renders them its own way.

Telegram shows ``Ask`` options as inline buttons; WeChat numbers them ("回复 1 …"); the web
chat draws buttons. ``key`` is what comes back as ``ChoiceMade.key``.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Say:
    text: str


@dataclass(frozen=True, slots=True)
class Ask:
    """A question with options. ``numbered=False`` when the labels are themselves numbers
    (quick picks for a quantity): then "3" means the label 3, not the third option."""

    text: str
    options: tuple[Option, ...] = ()
    numbered: bool = True


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str
    label: str


@dataclass(frozen=True, slots=True)
class Photo:
    url: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Invoice:
    """A payment request the chat itself can collect (Telegram Payments); ``payload`` is our
    payment reference; ``prices`` are (label, fen) lines."""

    title: str
    description: str
    payload: str
    prices: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class AskLocation:
    text: str
    label: str = ""
    """The share button's own words ("发送位置打卡"), short as a button's are; the text when
    empty."""


@dataclass(frozen=True, slots=True)
class AskContact:
    text: str
    label: str = ""
    """The share button's own words ("分享手机号"), short as a button's are; the text when
    empty."""


Reply = Say | Ask | Link | Photo | AskLocation | AskContact | Invoice


def last_question(replies: list[Reply]) -> Ask | None:
    """The last question with options in ``replies`` (what a typed number refers to)."""
    for reply in reversed(replies):
        if isinstance(reply, Ask) and reply.options:
            return reply
    return None


_KINDS: dict[str, type] = {
    cls.__name__: cls for cls in (Say, Ask, Link, Photo, AskLocation, AskContact, Invoice)
}


def dump_replies(replies: list[Reply]) -> list[dict[str, object]]:
    """Replies as JSON-ready data (kept in the outbox until sent)."""
    out: list[dict[str, object]] = []
    for reply in replies:
        data: dict[str, object] = {"type": type(reply).__name__}
        for name in reply.__slots__:
            value = getattr(reply, name)
            if name == "options":
                value = [[o.key, o.label] for o in value]
            elif name == "prices":
                value = [list(p) for p in value]
            data[name] = value
        out.append(data)
    return out


def load_replies(data: list[dict[str, object]]) -> list[Reply]:
    replies: list[Reply] = []
    for item in data:
        fields = dict(item)
        cls = _KINDS[str(fields.pop("type"))]
        if "options" in fields:
            fields["options"] = tuple(Option(k, label) for k, label in fields["options"])  # type: ignore[attr-defined]
        if "prices" in fields:
            fields["prices"] = tuple((label, int(n)) for label, n in fields["prices"])  # type: ignore[attr-defined]
        replies.append(cls(**fields))
    return replies


NO_ANSWER = orjson.dumps({"lang": "zh", "replies": []})


def dump_answer(replies: list[Reply], lang: str) -> bytes:
    """A turn's answer as the conversation store and the checkpoint keep it."""
    return orjson.dumps({"lang": lang, "replies": dump_replies(replies)})


def load_answer(raw: bytes | None) -> tuple[list[Reply], str]:
    if not raw:
        return [], "zh"
    try:
        data = orjson.loads(raw)
        return load_replies(data["replies"]), str(data["lang"])
    except (ValueError, KeyError, TypeError):
        return [], "zh"
