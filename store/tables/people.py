"""Customers, workers with their certificates, chat identities and addresses."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.tables.columns import json_field, sealed_field, time_field


class CustomerRow(SQLModel, table=True):
    __tablename__ = "customers"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = time_field()
    name: str = Field(default="", max_length=100)
    phone_enc: bytes = sealed_field()
    phone_hash: str = Field(default="", max_length=64, index=True)
    lang: str = Field(default="zh", max_length=8)
    points: int = Field(default=0)
    """The points balance (``points_movements`` hold how it came about)."""
    member_level: str = Field(default="regular", max_length=10)
    """The membership level the customer holds and was told of (``domain.membership``)."""
    member_level_until: datetime | None = time_field(nullable=True, index=True)
    """Until when ``member_level`` is kept whatever the spend does (None: it follows it)."""
    referral_code: str = Field(default="", max_length=16, index=True)
    referred_by: int | None = Field(default=None, foreign_key="customers.id")
    rating_x100: int = Field(default=500)
    referral_rewarded_at: datetime | None = time_field(nullable=True)
    birthday: str = Field(default="", max_length=5, index=True)
    """Month and day, "03-08" ("" when not given)."""
    birthday_set_at: datetime | None = time_field(nullable=True)
    """When this invited customer's first completed order gave the referral coupons (set
    once, by a conditional update: ``CustomerRepository.claim_referral_reward``)."""
    marketing_opt_out_at: datetime | None = time_field(nullable=True)
    """When the customer unsubscribed (退订) from marketing messages; None: they take them."""


class WorkerRow(SQLModel, table=True):
    __tablename__ = "workers"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = time_field()
    name: str = Field(max_length=100)
    phone_enc: bytes = sealed_field()
    phone_hash: str = Field(default="", max_length=64, index=True)
    status: str = Field(default="pending", max_length=16, index=True)
    online: bool = Field(default=False)
    level: str = Field(default="B", max_length=2)
    rating_x100: int = Field(default=500)
    daily_cap: int = Field(default=4)
    lang: str = Field(default="zh", max_length=8)
    skills: list[str] = json_field(list)
    good_rate_bp: int = Field(default=10_000)
    reviews: int = Field(default=0)
    """How many customers rated the worker (kept with ``rating_x100`` at each rating)."""
    review_note: str = Field(default="", max_length=200)
    center_enc: bytes = sealed_field()
    radius_m: int = Field(default=0)
    districts: list[str] = json_field(list)
    credit_score: int = Field(default=100)
    complaint_rate_bp: int = Field(default=0)
    level_reviewed_at: datetime | None = time_field(nullable=True)
    left_at: datetime | None = time_field(nullable=True)
    """When the worker left (``/leave``); their deposit is released some days after."""
    deposit_released_at: datetime | None = time_field(nullable=True)
    """When the deposit was paid back (set once, by a conditional update)."""


class CertificateRow(SQLModel, table=True):
    __tablename__ = "worker_certificates"
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    kind: str = Field(max_length=40)
    file_ref: str = Field(default="", max_length=300, index=True)
    """Indexed: ``Workers.documents_named`` looks documents up by path (a sweep keeps what
    workers' documents name)."""
    expires_on: date | None = None
    verified: bool = Field(default=False)


class IdentityRow(SQLModel, table=True):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id", name="uq_identity"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    channel_user_id: str = Field(max_length=128)
    customer_id: int | None = Field(default=None, foreign_key="customers.id", index=True)
    worker_id: int | None = Field(default=None, foreign_key="workers.id", index=True)
    last_inbound_at: datetime | None = time_field(nullable=True)
    """When the person last wrote on this account (kept to within minutes): WeChat takes
    customer-service messages for 48 hours after it."""
    unreachable_at: datetime | None = time_field(nullable=True)
    """When the platform said nothing reaches this account (blocked the bot, unfollowed);
    cleared when the person writes again."""


class AddressRow(SQLModel, table=True):
    __tablename__ = "addresses"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    text_enc: bytes = sealed_field()
    contact_name_enc: bytes = sealed_field()
    phone_enc: bytes = sealed_field()
    location_enc: bytes = sealed_field()
    district: str = Field(default="", max_length=60)
    uncertainty_m: int = Field(default=0)
    located_by: str = Field(default="", max_length=16)
