"""Prepaid visit cards (次卡): bought by a customer, refunded by finance, expired by a sweep."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


@dataclass(frozen=True)
class BuyCard(Command):
    """A card of the catalog (``product_id``) for the customer, paid with their channel's
    provider: it is active once paid."""

    customer_id: int
    channel: str
    product_id: str


@dataclass(frozen=True)
class RefundCard(Command):
    """Finance refunds a card: the unused paid visits pro rata, through its provider."""

    card_id: int
    admin: str
    role: str
    reason: str = ""


@dataclass(frozen=True)
class ExpireCards(Command):
    """Scheduler sweep: holders told ahead of expiry (``card_expiry_notice_days``), cards
    past their validity expired (what is left of their value is revenue)."""
