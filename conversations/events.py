"""Neutral inbound events (what a person did) and results (what a command found out).

Bots translate platform payloads into ``Inbound`` events; the service layer answers commands
with ``Result`` events, which flow back through the same state tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.text import Phrase
from domain.turns import Nonce


@dataclass(frozen=True, kw_only=True)
class Inbound:
    """Something a person sent on a channel."""

    channel: str
    user_id: str
    at: datetime
    message_id: str = ""
    lang_hint: str = ""
    name: str = ""
    role: str = ""
    """The web chat's pane (customer / worker / admin); empty on platforms."""
    nonce: Nonce | None = None
    """The signed request that carried it, admitted with the message's claim (WeChat's
    replay memory, ``bots.wechat_replay``)."""


@dataclass(frozen=True, kw_only=True)
class TextReceived(Inbound):
    text: str


@dataclass(frozen=True, kw_only=True)
class CommandReceived(Inbound):
    """A slash command (Telegram) or a menu click mapped to one: ``/start ref_42``."""

    command: str
    args: str = ""


@dataclass(frozen=True, kw_only=True)
class ChoiceMade(Inbound):
    """A button press, or typed text that matched one of the offered choices."""

    key: str


@dataclass(frozen=True, kw_only=True)
class LocationShared(Inbound):
    lat: float
    lon: float
    label: str = ""


@dataclass(frozen=True, kw_only=True)
class LocationReported(Inbound):
    """A location the platform reported by itself, not one the person sent (WeChat's
    ``LOCATION`` event, while a follower who allowed it is in the chat): a worker's is kept
    as their recent location; nothing is answered and the conversation stays where it is."""

    lat: float
    lon: float


@dataclass(frozen=True, kw_only=True)
class ContactShared(Inbound):
    phone: str


@dataclass(frozen=True, kw_only=True)
class PhotoReceived(Inbound):
    """A photo, by the platform's reference (file_id, MediaId/PicUrl, web upload path)."""

    ref: str


@dataclass(frozen=True, kw_only=True)
class PaymentReceived(Inbound):
    """The chat platform collected a payment (Telegram ``successful_payment``)."""

    reference: str
    provider: str
    provider_ref: str
    amount_cents: int


@dataclass(frozen=True)
class Result:
    """The answer of the service layer to a command: one frozen dataclass per outcome, in
    ``conversations.results`` (or ``Failed``)."""


@dataclass(frozen=True)
class Failed(Result):
    """A command was refused; ``message`` is safe to show, in the person's language
    (``message.get(conv.lang)``)."""

    message: Phrase
    retry: bool = False
    """The person may try again where they are (``DomainError.retry``: a bad photo)."""


Event = Inbound | Result
