"""What the relay chat's commands did: opened, a message relayed, an order's relay read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class RelayOpened(Result):
    """The person may write to the other side of order ``number`` (``side``: theirs)."""

    number: int
    side: str


@dataclass(frozen=True, slots=True)
class RelaySent(Result):
    number: int
    side: str


@dataclass(frozen=True, slots=True)
class RelayLine:
    """One relayed message as an admin reads it."""

    at: datetime
    sender: str
    text: str
    photo_url: str = ""
    where: str = ""


@dataclass(frozen=True, slots=True)
class RelayShown(Result):
    number: int
    lines: tuple[RelayLine, ...]
