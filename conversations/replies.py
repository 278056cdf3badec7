"""Neutral outbound replies; each bot renders them its own way.

Telegram shows ``Ask`` options as inline buttons; WeChat numbers them ("回复 1 …"); the web
chat draws buttons. ``key`` is what comes back as ``ChoiceMade.key``.
"""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True, slots=True)
class AskContact:
    text: str


Reply = Say | Ask | Link | Photo | AskLocation | AskContact | Invoice


def last_question(replies: list[Reply]) -> Ask | None:
    """The last question with options in ``replies`` (what a typed number refers to)."""
    for reply in reversed(replies):
        if isinstance(reply, Ask) and reply.options:
            return reply
    return None
