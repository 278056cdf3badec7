"""Admins added in chat, the audit log, price changes, throttles and link-code limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from store.tables.columns import json_field, money_field, time_field
from store.types import UtcDateTime


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = time_field(index=True)
    actor: str = Field(max_length=160, index=True)
    role: str = Field(default="", max_length=16)
    action: str = Field(max_length=60)
    target: str = Field(max_length=80, index=True)
    before: dict[str, Any] = json_field(dict)
    after: dict[str, Any] = json_field(dict)


class AdminRow(SQLModel, table=True):
    """An admin added in chat by an owner (``DAOJIA_ADMINS`` are the bootstrap, not here)."""

    __tablename__ = "admins"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_admin_account"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: str = Field(max_length=128)
    role: str = Field(max_length=16)
    added_by: str = Field(max_length=160)
    added_at: datetime = time_field()
    lang: str = Field(default="zh", max_length=8)
    """The language the admin chats in: their notices are written in it."""


class PriceChangeRow(SQLModel, table=True):
    """Catalog unit prices changed by an admin (append-only): the latest row of an item is
    its price for new orders."""

    __tablename__ = "price_changes"
    id: int | None = Field(default=None, primary_key=True)
    item_id: str = Field(max_length=60, index=True)
    old_cents: int = money_field()
    new_cents: int = money_field()
    changed_by: str = Field(max_length=160)
    role: str = Field(default="", max_length=16)
    changed_at: datetime = time_field()


class ThrottleRow(SQLModel, table=True):
    """A shared rate limit: the named action may run again from ``next_at`` (claimed by a
    conditional UPDATE, so two processes never both go)."""

    __tablename__ = "throttles"
    name: str = Field(primary_key=True, max_length=40)
    next_at: datetime = time_field()


class LinkLimitRow(SQLModel, table=True):
    """Codes to join a chat account ("绑定") counted in a fixed window under a key (the asker's
    hour, the number's hour and day: ``domain.risk.link_windows``), or a lockout (``count``
    0) until ``until``. Counted by a conditional upsert, so two processes never both pass a
    cap; rows past their ``until`` are dropped by the retention sweep."""

    __tablename__ = "link_limits"
    key: str = Field(primary_key=True, max_length=200)
    until: datetime = Field(sa_type=UtcDateTime, primary_key=True, index=True)
    count: int = 0
