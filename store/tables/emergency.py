"""Emergency contacts of customers and workers (name and phone encrypted: personal data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.tables.columns import sealed_field, time_field


class EmergencyContactRow(SQLModel, table=True):
    __tablename__ = "emergency_contacts"
    __table_args__ = (UniqueConstraint("holder", "holder_id"),)
    id: int | None = Field(default=None, primary_key=True)
    holder: str = Field(max_length=10)
    """``customer`` or ``worker``."""
    holder_id: int
    name_enc: bytes = sealed_field()
    phone_enc: bytes = sealed_field()
    relation: str = Field(default="", max_length=20)
    updated_at: datetime = time_field()
