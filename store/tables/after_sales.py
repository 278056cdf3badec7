"""Complaints, ratings and quality spot checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.tables.columns import json_field, money_field, time_field


class ComplaintRow(SQLModel, table=True):
    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_status", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    customer_id: int = Field(foreign_key="customers.id")
    worker_id: int | None = Field(default=None, foreign_key="workers.id", index=True)
    category: str = Field(max_length=12)
    text: str = Field(default="", max_length=1000)
    photos: list[str] = json_field(list)
    status: str = Field(default="open", max_length=10)
    created_at: datetime = time_field()
    first_response_at: datetime | None = time_field(nullable=True)
    resolved_at: datetime | None = time_field(nullable=True)
    resolution: str = Field(default="", max_length=16)
    refund_cents: int = money_field()
    resolved_by: str = Field(default="", max_length=160)
    escalation_level: int = Field(default=0)
    coupon_issued: bool = Field(default=False)
    note: str = Field(default="", max_length=300)


class RatingRow(SQLModel, table=True):
    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("order_id", "rater", name="uq_rating_order_rater"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    rater: str = Field(max_length=10)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    response: int = Field(default=0)
    skill: int = Field(default=0)
    attitude: int = Field(default=0)
    care: int = Field(default=0)
    overall_x100: int = Field(default=0)
    tags: list[str] = json_field(list)
    text: str = Field(default="", max_length=500)
    created_at: datetime = time_field(index=True)
    photos: list[str] = json_field(list)


class SpotCheckRow(SQLModel, table=True):
    __tablename__ = "spot_checks"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    created_at: datetime = time_field()
    status: str = Field(default="open", max_length=10)
    note: str = Field(default="", max_length=300)
