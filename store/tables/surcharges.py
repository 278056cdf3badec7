"""On-site extra charges (``domain.surcharge``): one row per request, its lines as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.tables.columns import json_field, money_field, time_field


class SurchargeRow(SQLModel, table=True):
    __tablename__ = "surcharges"
    __table_args__ = (Index("ix_surcharges_due", "status", "answer_by"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    worker_id: int = Field(foreign_key="workers.id")
    status: str = Field(max_length=12)
    amount_cents: int = money_field()
    lines: list[dict[str, Any]] = json_field(list)
    """Each line's ``kind``, ``zh``, ``en``, ``amount_cents`` and ``item_id``."""
    photos: list[str] = json_field(list)
    requested_at: datetime = time_field()
    answer_by: datetime = time_field()
    answered_at: datetime | None = time_field(nullable=True)
    payment_reference: str = Field(default="", max_length=64)
