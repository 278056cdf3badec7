"""Electronic invoice requests (several per order, each for money no other one covers); the
tax id and the email are ciphertext."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.tables.columns import money_field, sealed_field, time_field


class InvoiceRow(SQLModel, table=True):
    __tablename__ = "invoices"
    __table_args__ = (Index("ix_invoices_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    number: int = Field()
    customer_id: int = Field(foreign_key="customers.id", index=True)
    kind: str = Field(max_length=10)
    title: str = Field(max_length=100)
    tax_id_enc: bytes = sealed_field()
    email_enc: bytes = sealed_field()
    amount_cents: int = money_field()
    item: str = Field(max_length=100)
    lang: str = Field(default="zh", max_length=5)
    status: str = Field(max_length=10)
    attempts: int = Field(default=0)
    created_at: datetime = time_field()
    next_attempt_at: datetime = time_field()
    claimed_until: datetime | None = time_field(nullable=True)
    invoice_no: str = Field(default="", max_length=64)
    pdf_url: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=300)
    issued_at: datetime | None = time_field(nullable=True)
    refund_flagged_at: datetime | None = time_field(nullable=True)
