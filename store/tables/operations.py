"""The outbox, periodic job runs and conversation checkpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from store.tables.columns import json_field, sealed_field, time_field


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
    replies: list[dict[str, Any]] = json_field(list)
    """Plain only in rows queued before revision 0025 (``[]`` since: see ``replies_enc``)."""
    template: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """Plain only in rows queued before revision 0025 (NULL since: see ``template_enc``)."""
    replies_enc: bytes = sealed_field()
    """The rendered replies, sealed with the PII key: they carry phones and addresses (an SOS
    to ops, a relayed message)."""
    template_enc: bytes = sealed_field()
    """The channel's template message (WeChat's fields come from the notice), sealed; empty
    when there is none."""
    status: str = Field(default="pending", max_length=10)
    attempts: int = Field(default=0)
    progress: int = Field(default=0)  # replies already delivered (a retry resumes there)
    next_attempt_at: datetime = time_field()
    claimed_until: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field()
    sent_at: datetime | None = time_field(nullable=True)
    last_error: str = Field(default="", max_length=300)


class JobRunRow(SQLModel, table=True):
    """A periodic job done once per period by whichever process claims it first (quarterly
    levels, a day's spot-check sample)."""

    __tablename__ = "job_runs"
    name: str = Field(primary_key=True, max_length=40)
    period: str = Field(primary_key=True, max_length=20)
    started_at: datetime = time_field()
    report: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class CheckpointRow(SQLModel, table=True):
    """A person's conversation as the last turn that wrote to the database left it, committed
    in that turn's transaction (``store.turns``): sealed state and answer."""

    __tablename__ = "conversation_checkpoints"
    channel: str = Field(primary_key=True, max_length=16)
    user_id: str = Field(primary_key=True, max_length=128)
    version: int = Field(sa_type=BigInteger)
    message_id: str = Field(sa_column=Column(Text, nullable=False))
    state_enc: bytes = sealed_field()
    replies_enc: bytes = sealed_field()
    saved_at: datetime = time_field(index=True)
