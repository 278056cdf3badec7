"""Long placements (``domain.placements``): one contract per placement order, and its
billing periods (``domain.placement_billing``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.tables.columns import money_field, time_field


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
    renewal_offered_at: datetime | None = time_field(nullable=True)
    interview_at: datetime | None = time_field(nullable=True)
    """When the customer was offered a renewal (once, ``renewal_reminder_days`` before)."""


class PlacementPeriodRow(SQLModel, table=True):
    """One billing period of a placement: its amount, when it is due, and when the customer
    was asked to pay it and when it was settled (each claimed once)."""

    __tablename__ = "placement_periods"
    __table_args__ = (
        UniqueConstraint("placement_id", "seq"),
        Index("ix_placement_periods_due", "reminded_at", "due_at"),
        Index("ix_placement_periods_end", "settled_at", "ends_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placements.id")
    seq: int = Field()
    first_day: date = Field()
    last_day: date = Field()
    days: int = Field()
    amount_cents: int = money_field()
    starts_at: datetime = time_field()
    ends_at: datetime = time_field()
    due_at: datetime = time_field()
    reminded_at: datetime | None = time_field(nullable=True)
    settled_at: datetime | None = time_field(nullable=True)


class PlacementHandoverRow(SQLModel, table=True):
    """A replacement: asked for (by the customer, with a reason, or by an admin), then done
    when another worker takes over on ``handover_on``."""

    __tablename__ = "placement_handovers"
    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placements.id", index=True)
    from_worker_id: int = Field()
    to_worker_id: int | None = Field(default=None)
    reason: str = Field(default="", max_length=200)
    asked_by: str = Field(max_length=12)
    asked_at: datetime = time_field()
    handover_on: date | None = Field(default=None)
    done_at: datetime | None = time_field(nullable=True)
