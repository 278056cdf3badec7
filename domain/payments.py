"""Payments and refunds as the providers report them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PaymentKind(StrEnum):
    FULL = "full"
    DEPOSIT = "deposit"
    BALANCE = "balance"
    REFUND = "refund"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass
class Payment:
    order_id: int
    provider: str
    kind: PaymentKind
    amount_cents: int
    created_at: datetime
    reference: str
    status: PaymentStatus = PaymentStatus.PENDING
    provider_ref: str | None = None
    completed_at: datetime | None = None
    refund_of: int | None = None
    note: str = ""
    id: int | None = None
