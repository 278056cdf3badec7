"""Coupons a customer holds: validity window, single use, owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError
from domain.pricing import CouponTerms

WELCOME = "welcome"
"""The reason of the coupon every new account gets (``Coupon.reason``)."""


@dataclass
class Coupon:
    code: str
    terms: CouponTerms
    valid_from: datetime
    valid_until: datetime
    customer_id: int | None = None
    reason: str = ""
    used_order_id: int | None = None
    used_at: datetime | None = None
    id: int | None = None

    def check_usable(self, customer_id: int, now: datetime) -> None:
        """Raise DomainError unless ``customer_id`` may use this coupon at ``now``."""
        if self.customer_id is not None and self.customer_id != customer_id:
            raise DomainError(f"coupon {self.code} belongs to someone else")
        if self.used_order_id is not None:
            raise DomainError(f"coupon {self.code} has already been used")
        if not self.valid_from <= now < self.valid_until:
            raise DomainError(f"coupon {self.code} is not valid now")

    def use(self, order_id: int, now: datetime) -> None:
        self.used_order_id = order_id
        self.used_at = now
