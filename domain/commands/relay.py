"""The masked relay chat: a customer or a worker opens it on an order ("联系师傅" /
"联系顾客"), writes through it (text, a photo, a location), and an admin reads an order's
relay for a complaint (``/relay #N``)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


@dataclass(frozen=True)
class OpenRelay(Command):
    """Check that the person may write to the other side of ``number`` now (None: their
    order under way, or the latest one still open)."""

    customer_id: int | None
    worker_id: int | None
    number: int | None = None


@dataclass(frozen=True)
class SendRelay(Command):
    """A message to the other side of the order: text, a photo (by the platform's
    reference) or a location."""

    channel: str
    user_id: str
    customer_id: int | None
    worker_id: int | None
    number: int | None
    text: str = ""
    photo_ref: str = ""
    lat: float | None = None
    lon: float | None = None
    label: str = ""


@dataclass(frozen=True)
class ReplyToCustomer(Command):
    """A worker's plain text at their menu, answering what the customer of their job
    ``number`` wrote through the relay lately (``FindReplyTargets``): relayed as a message of
    the chat is, by the same rules."""

    worker_id: int
    number: int
    text: str


@dataclass(frozen=True)
class ShowRelay(Command):
    """An admin reads an order's relay (audited: it is the people's own words)."""

    admin: str
    role: str
    number: int
