"""Coupons a customer holds: validity window, single use, owner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError
from domain.money import format_percent, format_yuan
from domain.pricing import CouponKind, CouponTerms
from domain.text import N_, Phrase, Text

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


SOURCE_TEXT: dict[str, Phrase] = {
    "welcome": N_("新人券"),
    "referral": N_("邀请奖励券"),
    "complaint": N_("售后补偿券"),
    "admin": N_("赠券"),
    "campaign": N_("活动券"),
}
"""What a coupon is called by where it came from (the start of ``Coupon.reason``)."""


def source_key(reason: str) -> str:
    """Where a coupon with ``reason`` came from: a key of ``SOURCE_TEXT``."""
    head = reason.replace(":", " ").split(" ", 1)[0]
    return head if head in SOURCE_TEXT else "admin"


def source(coupon: Coupon) -> Phrase:
    """The coupon's name by where it came from ("新人券", "售后补偿券"); never its code."""
    return SOURCE_TEXT[source_key(coupon.reason)]


def takes_off(terms: CouponTerms) -> Text:
    """What the coupon takes off, in words ("满¥100.00减¥20.00", "15% 折扣券")."""
    amount, over = format_yuan(terms.amount_cents), format_yuan(terms.threshold_cents)
    if terms.kind != CouponKind.FIXED:
        return N_("{off} 折扣券", off=format_percent(terms.off_bp))
    if terms.threshold_cents:
        return N_("满{over}减{amount}", over=over, amount=amount)
    return N_("立减{amount}", amount=amount)


def held(coupons: Iterable[Coupon], now: datetime) -> list[Coupon]:
    """The coupons still to use (not used, not expired), soonest to expire first."""
    return sorted(
        (c for c in coupons if c.used_order_id is None and now < c.valid_until),
        key=lambda c: (c.valid_until, c.id or 0),
    )
