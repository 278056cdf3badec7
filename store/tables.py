"""SQLModel tables (``*Row``). Repositories map them to domain objects; nothing else uses them.

Money columns are BIGINT fen; times are UTC (``UtcDateTime``); personal data (phones,
addresses, locations, contact names) is AES-GCM ciphertext in ``*_enc`` columns, with keyed
hashes in ``*_hash`` where a lookup needs them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import UtcDateTime


def _money(default: int = 0) -> Any:
    return Field(default=default, sa_type=BigInteger)


def _when(nullable: bool = False, index: bool = False) -> Any:
    return Field(
        default=None if nullable else ..., sa_type=UtcDateTime, nullable=nullable, index=index
    )


def _secret() -> Any:
    return Field(default=b"", sa_column=Column(LargeBinary, nullable=False))


def _json(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class CustomerRow(SQLModel, table=True):
    __tablename__ = "customers"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _when()
    name: str = Field(default="", max_length=100)
    phone_enc: bytes = _secret()
    phone_hash: str = Field(default="", max_length=64, index=True)
    lang: str = Field(default="zh", max_length=8)
    points: int = Field(default=0)
    referral_code: str = Field(default="", max_length=16, index=True)
    referred_by: int | None = Field(default=None, foreign_key="customers.id")
    rating_x100: int = Field(default=500)


class WorkerRow(SQLModel, table=True):
    __tablename__ = "workers"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _when()
    name: str = Field(max_length=100)
    phone_enc: bytes = _secret()
    phone_hash: str = Field(default="", max_length=64, index=True)
    status: str = Field(default="pending", max_length=16, index=True)
    online: bool = Field(default=False)
    level: str = Field(default="B", max_length=2)
    rating_x100: int = Field(default=500)
    daily_cap: int = Field(default=4)
    lang: str = Field(default="zh", max_length=8)
    skills: list[str] = _json(list)
    good_rate_bp: int = Field(default=10_000)
    review_note: str = Field(default="", max_length=200)
    center_enc: bytes = _secret()
    radius_m: int = Field(default=0)
    districts: list[str] = _json(list)
    credit_score: int = Field(default=100)
    complaint_rate_bp: int = Field(default=0)
    level_reviewed_at: datetime | None = _when(nullable=True)


class CertificateRow(SQLModel, table=True):
    __tablename__ = "worker_certificates"
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    kind: str = Field(max_length=40)
    file_ref: str = Field(default="", max_length=300)
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


class AddressRow(SQLModel, table=True):
    __tablename__ = "addresses"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    text_enc: bytes = _secret()
    contact_name_enc: bytes = _secret()
    phone_enc: bytes = _secret()
    location_enc: bytes = _secret()
    district: str = Field(default="", max_length=60)


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
    selections: list[dict[str, Any]] = _json(list)
    bundle_id: str | None = Field(default=None, max_length=60)
    status: str = Field(max_length=20)
    start_at: datetime = _when()
    asap: bool = Field(default=False)
    duration_minutes: int = Field(default=0)
    notes_enc: bytes = _secret()
    channel: str = Field(max_length=16)
    lang: str = Field(default="zh", max_length=8)
    total_cents: int = _money()
    deposit_cents: int = _money()
    paid_cents: int = _money()
    refunded_cents: int = _money()
    coupon_code: str | None = Field(default=None, max_length=40)
    points_used: int = Field(default=0)
    created_at: datetime = _when(index=True)
    updated_at: datetime = _when()
    version: int = Field(default=0)
    dispatch_mode: str = Field(default="", max_length=12)
    dispatch_round: int = Field(default=0)
    dispatch_note: str = Field(default="", max_length=40)
    accepted_at: datetime | None = _when(nullable=True)
    departed_at: datetime | None = _when(nullable=True)
    arrived_at: datetime | None = _when(nullable=True)
    finished_at: datetime | None = _when(nullable=True)
    auto_confirm_at: datetime | None = _when(nullable=True, index=True)
    late_minutes: int = Field(default=0)
    eta_minutes: int | None = None
    checkin_enc: bytes = _secret()
    transfer_from_worker_id: int | None = Field(default=None, foreign_key="workers.id")
    transfer_compensation_cents: int = _money()
    reminded_day_at: datetime | None = _when(nullable=True)
    reminded_hour_at: datetime | None = _when(nullable=True)
    confirm_reminded_at: datetime | None = _when(nullable=True)
    subscription_id: int | None = Field(default=None)  # the recurring booking it came from
    rework_of: int | None = Field(default=None)  # the order a free rework is for
    hold_reason: str = Field(default="", max_length=100)  # risk hold: not dispatched


class QuoteLineRow(SQLModel, table=True):
    __tablename__ = "quote_lines"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    seq: int
    kind: str = Field(max_length=20)
    label_zh: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    amount_cents: int = _money()
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
    at: datetime = _when()
    note: str = Field(default="", max_length=500)


class PaymentRow(SQLModel, table=True):
    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("provider", "provider_ref", name="uq_payment_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    provider: str = Field(max_length=20)
    kind: str = Field(max_length=12)
    amount_cents: int = _money()
    status: str = Field(max_length=12)
    reference: str = Field(max_length=64, unique=True)
    provider_ref: str | None = Field(default=None, max_length=128)
    refund_of: int | None = Field(default=None, foreign_key="payments.id")
    note: str = Field(default="", max_length=200)
    created_at: datetime = _when()
    completed_at: datetime | None = _when(nullable=True)


class LedgerEntryRow(SQLModel, table=True):
    __tablename__ = "ledger_entries"
    id: int | None = Field(default=None, primary_key=True)
    journal: str = Field(max_length=80, index=True)
    account: str = Field(max_length=60, index=True)
    amount_cents: int = _money()
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    at: datetime = _when(index=True)
    memo: str = Field(default="", max_length=200)


class CouponRow(SQLModel, table=True):
    __tablename__ = "coupons"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    customer_id: int | None = Field(default=None, foreign_key="customers.id", index=True)
    kind: str = Field(max_length=10)
    amount_cents: int = _money()
    off_bp: int = Field(default=0)
    threshold_cents: int = _money()
    max_off_cents: int | None = Field(default=None, sa_type=BigInteger)
    valid_from: datetime = _when()
    valid_until: datetime = _when()
    reason: str = Field(default="", max_length=60)
    used_order_id: int | None = Field(default=None, foreign_key="orders.id")
    used_at: datetime | None = _when(nullable=True)


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(index=True)
    actor: str = Field(max_length=160, index=True)
    role: str = Field(default="", max_length=16)
    action: str = Field(max_length=60)
    target: str = Field(max_length=80, index=True)
    before: dict[str, Any] = _json(dict)
    after: dict[str, Any] = _json(dict)


class AdminRow(SQLModel, table=True):
    """An admin added in chat by an owner (``DAOJIA_ADMINS`` are the bootstrap, not here)."""

    __tablename__ = "admins"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_admin_account"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=128)
    role: str = Field(max_length=16)
    added_by: str = Field(max_length=160)
    added_at: datetime = _when()


class PriceChangeRow(SQLModel, table=True):
    """Catalog unit prices changed by an admin (append-only): the latest row of an item is
    its price for new orders."""

    __tablename__ = "price_changes"
    id: int | None = Field(default=None, primary_key=True)
    item_id: str = Field(max_length=60, index=True)
    old_cents: int = _money()
    new_cents: int = _money()
    changed_by: str = Field(max_length=160)
    role: str = Field(default="", max_length=16)
    changed_at: datetime = _when()


class ThrottleRow(SQLModel, table=True):
    """A shared rate limit: the named action may run again from ``next_at`` (claimed by a
    conditional UPDATE, so two processes never both go)."""

    __tablename__ = "throttles"
    name: str = Field(primary_key=True, max_length=40)
    next_at: datetime = _when()


class OfferRow(SQLModel, table=True):
    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_status_expires", "status", "expires_at"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    mode: str = Field(max_length=10)
    round: int = Field(default=1)
    status: str = Field(default="open", max_length=10)
    earn_cents: int = _money()
    offered_at: datetime = _when()
    expires_at: datetime = _when()
    answered_at: datetime | None = _when(nullable=True)


class PhotoRow(SQLModel, table=True):
    __tablename__ = "order_photos"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    kind: str = Field(max_length=12)
    path: str = Field(max_length=300)
    content_type: str = Field(max_length=40)
    size_bytes: int = Field(default=0)
    uploaded_by: str = Field(default="", max_length=60)
    created_at: datetime = _when()


class WithdrawalRow(SQLModel, table=True):
    __tablename__ = "withdrawals"
    __table_args__ = (Index("ix_withdrawals_status", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    amount_cents: int = _money()
    status: str = Field(max_length=10)
    requested_at: datetime = _when()
    decided_by: str = Field(default="", max_length=160)
    decided_at: datetime | None = _when(nullable=True)
    paid_at: datetime | None = _when(nullable=True)
    note: str = Field(default="", max_length=200)


class SettlementRunRow(SQLModel, table=True):
    """One row per business day the daily settlement ran (claimed once, by any process)."""

    __tablename__ = "settlement_runs"
    business_date: date = Field(primary_key=True)
    started_at: datetime = _when()
    report: str = Field(default="", sa_type=Text)


class OutboxRow(SQLModel, table=True):
    """A message to send, written in the same transaction as the change it reports."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_recipient", "channel", "user_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=128)
    lang: str = Field(default="zh", max_length=8)
    event: str = Field(max_length=40)
    replies: list[dict[str, Any]] = _json(list)
    template: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: str = Field(default="pending", max_length=10)
    attempts: int = Field(default=0)
    progress: int = Field(default=0)  # replies already delivered (a retry resumes there)
    next_attempt_at: datetime = _when()
    claimed_until: datetime | None = _when(nullable=True)
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)
    last_error: str = Field(default="", max_length=300)


class ComplaintRow(SQLModel, table=True):
    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_status", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    customer_id: int = Field(foreign_key="customers.id")
    worker_id: int | None = Field(default=None, foreign_key="workers.id", index=True)
    category: str = Field(max_length=12)
    text: str = Field(default="", max_length=1000)
    photos: list[str] = _json(list)
    status: str = Field(default="open", max_length=10)
    created_at: datetime = _when()
    first_response_at: datetime | None = _when(nullable=True)
    resolved_at: datetime | None = _when(nullable=True)
    resolution: str = Field(default="", max_length=16)
    refund_cents: int = _money()
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
    tags: list[str] = _json(list)
    text: str = Field(default="", max_length=500)
    created_at: datetime = _when(index=True)


class SpotCheckRow(SQLModel, table=True):
    __tablename__ = "spot_checks"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    created_at: datetime = _when()
    status: str = Field(default="open", max_length=10)
    note: str = Field(default="", max_length=300)


class JobRunRow(SQLModel, table=True):
    """A periodic job done once per period by whichever process claims it first (quarterly
    levels, a day's spot-check sample)."""

    __tablename__ = "job_runs"
    name: str = Field(primary_key=True, max_length=40)
    period: str = Field(primary_key=True, max_length=20)
    started_at: datetime = _when()
    report: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class SubscriptionRow(SQLModel, table=True):
    """A recurring booking (e.g. every Saturday 09:00)."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_due", "active", "next_start_at"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    channel: str = Field(max_length=16)
    lang: str = Field(default="zh", max_length=8)
    selections: list[dict[str, Any]] = _json(list)
    address_id: int | None = Field(default=None, foreign_key="addresses.id")
    weekday: int = Field(default=5)
    at_time: str = Field(max_length=5)
    notes_enc: bytes = _secret()
    active: bool = Field(default=True)
    next_start_at: datetime = _when()
    created_at: datetime = _when()
    bundle_id: str | None = Field(default=None, max_length=60)


class CheckpointRow(SQLModel, table=True):
    """A person's conversation as the last turn that wrote to the database left it, committed
    in that turn's transaction (``store.turns``): sealed state and answer."""

    __tablename__ = "conversation_checkpoints"
    channel: str = Field(primary_key=True, max_length=16)
    user_id: str = Field(primary_key=True, max_length=128)
    version: int = Field(sa_type=BigInteger)
    message_id: str = Field(sa_column=Column(Text, nullable=False))
    state_enc: bytes = _secret()
    replies_enc: bytes = _secret()
    saved_at: datetime = _when(index=True)
