"""Insurance policies: one per paid order (a unique order id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.tables.columns import money_field, time_field


class PolicyRow(SQLModel, table=True):
    __tablename__ = "policies"
    __table_args__ = (Index("ix_policies_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    number: int = Field()
    item: str = Field(max_length=100)
    starts_at: datetime = time_field()
    ends_at: datetime = time_field()
    insured_cents: int = money_field()
    status: str = Field(max_length=12)
    attempts: int = Field(default=0)
    created_at: datetime = time_field()
    next_attempt_at: datetime = time_field()
    claimed_until: datetime | None = time_field(nullable=True)
    policy_no: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=300)
