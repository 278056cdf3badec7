"""The masked relay chat's messages between an order's customer and worker (text and location
encrypted: personal data)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from store.tables.columns import sealed_field, time_field


class RelayMessageRow(SQLModel, table=True):
    __tablename__ = "relay_messages"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    at: datetime = time_field()
    sender: str = Field(max_length=10)
    text_enc: bytes = sealed_field()
    photo: str = Field(default="", max_length=200)
    location_enc: bytes = sealed_field()
