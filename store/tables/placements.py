"""Long placements (``domain.placements``): one contract per placement order."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from store.tables.columns import time_field


class PlacementRow(SQLModel, table=True):
    __tablename__ = "placements"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    item_id: str = Field(max_length=40)
    start_at: datetime = time_field()
    end_at: datetime = time_field()
    first_day: date = Field()
    last_day: date = Field()
    days: int = Field()
    live_in: bool = Field()
    daily_hours: int = Field()
    weekdays: str = Field(max_length=7)
    """The days of the week worked, Monday 0 … Sunday 6, as digits ("0123456")."""
    status: str = Field(max_length=12)
    replacements_used: int = Field(default=0)
    created_at: datetime = time_field()
