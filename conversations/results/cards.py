"""Results of prepaid visit cards (次卡): what 我的 shows, a purchase to pay, a card paid,
refunded (the expiry sweep's: ``sweeps.CardsExpired``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from conversations.results.booking import PaymentDue
from domain.cards import CardStatus
from domain.text import Bilingual


@dataclass(frozen=True, slots=True)
class CardOnSale:
    product_id: str
    name: Bilingual
    items: tuple[Bilingual, ...]
    paid_visits: int
    free_visits: int
    price_cents: int
    valid_days: int
    per_visit: Bilingual | None = None
    """What one visit pays, e.g. "2 小时" (None: all of a booking's)."""


@dataclass(frozen=True, slots=True)
class CardHeld:
    card_id: int
    """Its number, to quote to support (a refund)."""
    name: Bilingual
    items: tuple[Bilingual, ...]
    visits_left: int
    valid_until: datetime | None
    status: CardStatus


@dataclass(frozen=True, slots=True)
class CardsShown(Result):
    """``LoadCards``: the customer's cards (active ones first) and those on sale."""

    held: tuple[CardHeld, ...]
    on_sale: tuple[CardOnSale, ...]


@dataclass(frozen=True, slots=True)
class CardOrdered(Result):
    """A card awaits its payment: pay it as an order is paid."""

    name: Bilingual
    due: PaymentDue


@dataclass(frozen=True, slots=True)
class CardPaid(Result):
    """A card's payment was credited: the card is active (``new``: just now)."""

    name: Bilingual
    visits: int
    valid_until: datetime
    amount_cents: int
    new: bool


@dataclass(frozen=True, slots=True)
class CardRefunded(Result):
    card_id: int
    amount_cents: int
    """Going back to the customer (pending until the provider pays it)."""
