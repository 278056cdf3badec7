"""Orders with their quote lines and timeline, offers, job photos and recurring bookings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from store.tables.columns import json_field, money_field, sealed_field, time_field


class OrderRow(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_status_start", "status", "start_at"),
        # a recurring booking's visit becomes one order, whichever process makes it
        Index("uq_orders_subscription_visit", "subscription_id", "start_at", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(sa_type=BigInteger, unique=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    address_id: int | None = Field(default=None, foreign_key="addresses.id")
    worker_id: int | None = Field(default=None, foreign_key="workers.id", index=True)
    preferred_worker_id: int | None = Field(default=None, foreign_key="workers.id")
    item_id: str = Field(max_length=60, index=True)
    selections: list[dict[str, Any]] = json_field(list)
    bundle_id: str | None = Field(default=None, max_length=60)
    status: str = Field(max_length=20)
    start_at: datetime = time_field()
    asap: bool = Field(default=False)
    duration_minutes: int = Field(default=0)
    notes_enc: bytes = sealed_field()
    channel: str = Field(max_length=16)
    lang: str = Field(default="zh", max_length=8)
    total_cents: int = money_field()
    deposit_cents: int = money_field()
    paid_cents: int = money_field()
    refunded_cents: int = money_field()
    coupon_code: str | None = Field(default=None, max_length=40)
    points_used: int = Field(default=0)
    created_at: datetime = time_field(index=True)
    updated_at: datetime = time_field()
    version: int = Field(default=0)
    dispatch_mode: str = Field(default="", max_length=12)
    dispatch_round: int = Field(default=0)
    dispatch_note: str = Field(default="", max_length=40)
    accepted_at: datetime | None = time_field(nullable=True)
    departed_at: datetime | None = time_field(nullable=True)
    arrived_at: datetime | None = time_field(nullable=True)
    finished_at: datetime | None = time_field(nullable=True)
    auto_confirm_at: datetime | None = time_field(nullable=True, index=True)
    late_minutes: int = Field(default=0)
    eta_minutes: int | None = None
    checkin_enc: bytes = sealed_field()
    visit_code: str = Field(default="", max_length=8)
    visit_code_misses: int = Field(default=0)
    visit_code_ok_at: datetime | None = time_field(nullable=True)
    stage: int = Field(default=0)
    transfer_from_worker_id: int | None = Field(default=None, foreign_key="workers.id")
    transfer_compensation_cents: int = money_field()
    reminded_day_at: datetime | None = time_field(nullable=True)
    reminded_hour_at: datetime | None = time_field(nullable=True)
    confirm_reminded_at: datetime | None = time_field(nullable=True)
    subscription_id: int | None = Field(default=None)  # the recurring booking it came from
    rework_of: int | None = Field(default=None)  # the order a free rework is for
    renewal_of: int | None = Field(default=None)  # the placement a renewal continues
    hold_reason: str = Field(default="", max_length=100)  # risk hold: not dispatched


class QuoteLineRow(SQLModel, table=True):
    __tablename__ = "quote_lines"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    seq: int
    kind: str = Field(max_length=20)
    label_zh: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    amount_cents: int = money_field()
    item_id: str | None = Field(default=None, max_length=60)


class OrderEventRow(SQLModel, table=True):
    __tablename__ = "order_events"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    action: str | None = Field(default=None, max_length=20)
    actor_kind: str = Field(max_length=16)
    actor_id: str = Field(default="", max_length=160)
    at: datetime = time_field()
    note: str = Field(default="", max_length=500)


class OfferRow(SQLModel, table=True):
    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_status_expires", "status", "expires_at"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    mode: str = Field(max_length=10)
    round: int = Field(default=1)
    status: str = Field(default="open", max_length=10)
    earn_cents: int = money_field()
    offered_at: datetime = time_field()
    expires_at: datetime = time_field()
    answered_at: datetime | None = time_field(nullable=True)


class PhotoRow(SQLModel, table=True):
    __tablename__ = "order_photos"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    kind: str = Field(max_length=12)
    path: str = Field(max_length=300, index=True)
    """Indexed: ``Photos.named`` looks photos up by path (a sweep keeps what orders name)."""
    content_type: str = Field(max_length=40)
    size_bytes: int = Field(default=0)
    uploaded_by: str = Field(default="", max_length=60)
    created_at: datetime = time_field()


class SubscriptionRow(SQLModel, table=True):
    """A recurring booking (e.g. every Saturday 09:00)."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_due", "active", "next_start_at"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    channel: str = Field(max_length=16)
    lang: str = Field(default="zh", max_length=8)
    selections: list[dict[str, Any]] = json_field(list)
    address_id: int | None = Field(default=None, foreign_key="addresses.id")
    weekday: int = Field(default=5)
    at_time: str = Field(max_length=5)
    notes_enc: bytes = sealed_field()
    active: bool = Field(default=True)
    next_start_at: datetime = time_field()
    created_at: datetime = time_field()
    bundle_id: str | None = Field(default=None, max_length=60)
    visit_failed_at: datetime | None = time_field(nullable=True)
    """When making the next visit's order first failed unexpectedly (the sweep tries again
    for ``recurring_retry_minutes``); NULL again once the next visit moves on."""
    first_order_id: int | None = Field(default=None, index=True)
    """The order it was set up from: no visit is made until that one is paid, and it ends
    when that one is cancelled unpaid. NULL for the bookings set up before it was kept."""
