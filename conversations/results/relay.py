"""What the relay chat's commands did: opened, a message relayed, an order's relay read; and
where a worker's plain text at their menu goes (the customers who wrote lately)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from domain.text import Bilingual


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


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """A job whose customer wrote to the worker through the relay lately, named as the
    worker knows it: the order number, the service and the booking's name (may be "")."""

    number: int
    item: Bilingual
    start_at: datetime
    customer: str


@dataclass(frozen=True, slots=True)
class ReplyTargets(Result):
    """Where a plain text of the worker would go: the jobs whose customer wrote lately, the
    latest first (none: it answers nobody)."""

    targets: tuple[ReplyTarget, ...]


@dataclass(frozen=True, slots=True)
class CustomerReplied(Result):
    """The worker's plain text was relayed to the customer of ``number`` (``customer``: the
    booking's name, may be "")."""

    number: int
    customer: str
