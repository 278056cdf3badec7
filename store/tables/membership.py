"""Customers' points: every movement (an earning is also a lot, with what is left of it and
when it expires), and what each spending took from which lot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.tables.columns import time_field


class PointsMovementRow(SQLModel, table=True):
    __tablename__ = "points_movements"
    __table_args__ = (Index("ix_points_movements_lots", "customer_id", "points_left"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id")
    kind: str = Field(max_length=12)
    points: int = Field()
    balance: int = Field()
    """The customer's balance after this movement."""
    at: datetime = time_field()
    key: str = Field(max_length=60, unique=True)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    expires_at: datetime | None = time_field(nullable=True, index=True)
    points_left: int = Field(default=0)
    """An earning's points not yet spent, taken back or expired (0 for other movements)."""


class PointsUseRow(SQLModel, table=True):
    """What a movement took from (negative) or gave back to (positive) an earning's lot."""

    __tablename__ = "points_uses"
    id: int | None = Field(default=None, primary_key=True)
    movement_id: int = Field(foreign_key="points_movements.id", index=True)
    lot_id: int = Field(foreign_key="points_movements.id")
    points: int = Field()
