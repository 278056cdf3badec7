"""Payments, the double-entry ledger, coupons, withdrawals, workers' payout accounts and
settlement runs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.tables.columns import money_field, sealed_field, time_field


class PaymentRow(SQLModel, table=True):
    """A payment of an order, or (``card_id``, no order) of a prepaid card's purchase."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("provider", "provider_ref", name="uq_payment_ref"),
        CheckConstraint("(order_id IS NULL) <> (card_id IS NULL)", name="ck_payment_owner"),
    )
    id: int | None = Field(default=None, primary_key=True)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    card_id: int | None = Field(default=None, foreign_key="prepaid_cards.id", index=True)
    provider: str = Field(max_length=20)
    kind: str = Field(max_length=12)
    amount_cents: int = money_field()
    status: str = Field(max_length=12)
    reference: str = Field(max_length=64, unique=True)
    provider_ref: str | None = Field(default=None, max_length=128)
    refund_of: int | None = Field(default=None, foreign_key="payments.id")
    note: str = Field(default="", max_length=200)
    created_at: datetime = time_field()
    completed_at: datetime | None = time_field(nullable=True)


class LedgerEntryRow(SQLModel, table=True):
    __tablename__ = "ledger_entries"
    id: int | None = Field(default=None, primary_key=True)
    journal: str = Field(max_length=80, index=True)
    account: str = Field(max_length=60, index=True)
    amount_cents: int = money_field()
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    at: datetime = time_field(index=True)
    memo: str = Field(default="", max_length=200)


class CouponRow(SQLModel, table=True):
    __tablename__ = "coupons"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    customer_id: int | None = Field(default=None, foreign_key="customers.id", index=True)
    kind: str = Field(max_length=10)
    amount_cents: int = money_field()
    off_bp: int = Field(default=0)
    threshold_cents: int = money_field()
    max_off_cents: int | None = Field(default=None, sa_type=BigInteger)
    valid_from: datetime = time_field()
    valid_until: datetime = time_field()
    reason: str = Field(default="", max_length=60)
    used_order_id: int | None = Field(default=None, foreign_key="orders.id")
    used_at: datetime | None = time_field(nullable=True)
    promo_id: int | None = Field(default=None, foreign_key="promo_codes.id", index=True)
    """The promo code this coupon is one customer's use of."""


class PromoCodeRow(SQLModel, table=True):
    """A code anyone may type; ``issued`` counts the coupons made of it (one per use), raised
    by a conditional UPDATE so that concurrent checkouts never pass ``total_limit``."""

    __tablename__ = "promo_codes"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    kind: str = Field(max_length=10)
    amount_cents: int = money_field()
    off_bp: int = Field(default=0)
    threshold_cents: int = money_field()
    max_off_cents: int | None = Field(default=None, sa_type=BigInteger)
    valid_from: datetime = time_field()
    valid_until: datetime = time_field()
    total_limit: int
    per_customer: int
    issued: int = Field(default=0)
    created_by: str = Field(default="", max_length=160)


class WithdrawalRow(SQLModel, table=True):
    __tablename__ = "withdrawals"
    __table_args__ = (Index("ix_withdrawals_status", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    amount_cents: int = money_field()
    status: str = Field(max_length=10)
    requested_at: datetime = time_field()
    decided_by: str = Field(default="", max_length=160)
    decided_at: datetime | None = time_field(nullable=True)
    paid_at: datetime | None = time_field(nullable=True)
    note: str = Field(default="", max_length=200)
    payout_kind: str = Field(default="", max_length=10)
    paid_to: str = Field(default="", max_length=60)
    sent_at: datetime | None = time_field(nullable=True)
    payout_ref: str = Field(default="", max_length=64)


class PayoutAccountRow(SQLModel, table=True):
    """Where a worker's withdrawals are paid (one per worker; changes are in the audit log).
    The card number or openid and the holder's name are encrypted; ``number_hash``, a keyed
    hash of a bank card's number ("" for a WeChat wallet), is unique: one card, one worker."""

    __tablename__ = "payout_accounts"
    __table_args__ = (
        Index(
            "ux_payout_accounts_number_hash",
            "number_hash",
            unique=True,
            sqlite_where=text("number_hash <> ''"),
            postgresql_where=text("number_hash <> ''"),
        ),
    )
    worker_id: int = Field(foreign_key="workers.id", primary_key=True)
    kind: str = Field(max_length=10)
    bank: str = Field(default="", max_length=10)
    number_enc: bytes = sealed_field()
    number_hash: str = Field(default="", max_length=64)
    holder_enc: bytes = sealed_field()
    updated_at: datetime = time_field()


class SettlementRunRow(SQLModel, table=True):
    """One row per business day the daily settlement ran (claimed once, by any process)."""

    __tablename__ = "settlement_runs"
    business_date: date = Field(primary_key=True)
    started_at: datetime = time_field()
    report: str = Field(default="", sa_type=Text)
