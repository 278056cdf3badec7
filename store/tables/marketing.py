"""Marketing campaigns: the campaign (segment, coupon terms, the preview's counts, how far its
enrolment got) and one row per customer it is for — unique per campaign, so a customer never
gets two of its coupons, and pending until their coupon and notice are written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.tables.columns import json_field, money_field, time_field


class CampaignRow(SQLModel, table=True):
    __tablename__ = "campaigns"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = time_field(index=True)
    created_by: str = Field(max_length=160)
    segment: dict[str, Any] = json_field(dict)
    amount_cents: int = money_field()
    threshold_cents: int = money_field()
    valid_days: int = Field(default=14)
    status: str = Field(default="draft", max_length=12, index=True)
    matched: int = Field(default=0)
    reachable: int = Field(default=0)
    opted_out: int = Field(default=0)
    unreachable: int = Field(default=0)
    enrolled_after: int = Field(default=0)
    """Customers up to this id have been looked at for the segment."""
    enrolled: bool = Field(default=False)
    """Every customer has been looked at: only the pending ones are left to send."""
    started_at: datetime | None = time_field(nullable=True)
    finished_at: datetime | None = time_field(nullable=True)


class CampaignRecipientRow(SQLModel, table=True):
    __tablename__ = "campaign_recipients"
    __table_args__ = (
        UniqueConstraint("campaign_id", "customer_id", name="uq_campaign_recipient"),
        Index("ix_campaign_recipients_pending", "campaign_id", "outcome"),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaigns.id")
    customer_id: int = Field(foreign_key="customers.id", index=True)
    outcome: str = Field(default="", max_length=12)
    """``""`` pending; else ``domain.campaigns.Reach``."""
    coupon_code: str = Field(default="", max_length=40)
    done_at: datetime | None = time_field(nullable=True)
