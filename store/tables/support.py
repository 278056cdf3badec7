"""Support tickets and their messages both ways (the text encrypted: personal data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from store.tables.columns import sealed_field, time_field


class SupportTicketRow(SQLModel, table=True):
    __tablename__ = "support_tickets"
    __table_args__ = (Index("ix_support_tickets_status", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customers.id", index=True)
    channel: str = Field(max_length=16)
    status: str = Field(default="open", max_length=10)
    taken_by: str = Field(default="", max_length=160)
    created_at: datetime = time_field()
    first_response_at: datetime | None = time_field(nullable=True)
    closed_at: datetime | None = time_field(nullable=True)
    closed_by: str = Field(default="", max_length=160)
    alert_level: int = Field(default=0)
    rating: int | None = Field(default=None)


class TicketMessageRow(SQLModel, table=True):
    __tablename__ = "ticket_messages"
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="support_tickets.id", index=True)
    at: datetime = time_field()
    sender: str = Field(max_length=10)
    by: str = Field(default="", max_length=160)
    text_enc: bytes = sealed_field()
    photo: str = Field(default="", max_length=200)
