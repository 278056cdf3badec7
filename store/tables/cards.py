"""Prepaid visit cards (``domain.cards``): each customer's cards, and the visit each order took
from one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.tables.columns import json_field, money_field, time_field


class PrepaidCardRow(SQLModel, table=True):
    __tablename__ = "prepaid_cards"
    __table_args__ = (Index("ix_prepaid_cards_status_until", "status", "valid_until"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    product_id: str = Field(max_length=40)
    name: dict[str, str] = json_field()
    """The product's name as sold ({"zh": …, "en": …}): the catalog may change later."""
    item_ids: list[str] = json_field(list)
    paid_visits: int = Field()
    free_visits: int = Field()
    price_cents: int = money_field()
    valid_days: int = Field()
    channel: str = Field(default="", max_length=20)
    status: str = Field(max_length=20)
    visits_left: int = Field(default=0)
    deferred_cents: int = money_field()
    created_at: datetime = time_field()
    paid_at: datetime | None = time_field(nullable=True)
    valid_until: datetime | None = time_field(nullable=True)
    reminded_at: datetime | None = time_field(nullable=True)
    units_per_visit: int = Field(default=0)


class CardVisitRow(SQLModel, table=True):
    """The visit an order took from a card (one per order), and when it came back."""

    __tablename__ = "card_visits"
    order_id: int = Field(foreign_key="orders.id", primary_key=True)
    card_id: int = Field(foreign_key="prepaid_cards.id", index=True)
    value_cents: int = money_field()
    used_at: datetime = time_field()
    returned_at: datetime | None = time_field(nullable=True)
