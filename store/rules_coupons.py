"""The ``rules.coupons`` section of the catalog file: what a coupon stacks with, promo codes'
defaults and the birthday coupon (defaults from ``domain.rules.CouponRules``)."""

from __future__ import annotations

from pydantic import Field

from domain.rules import CouponRules
from store.file_types import Strict, Yuan

_C = CouponRules()


class CouponSpec(Strict):
    stacks_with_first_order: bool = _C.stacks_with_first_order
    stacks_with_points: bool = _C.stacks_with_points
    promo_per_customer: int = Field(default=_C.promo_per_customer, ge=1)
    promo_days: int = Field(default=_C.promo_days, ge=1, le=365)
    birthday_coupon: Yuan = _C.birthday_coupon_cents
    birthday_coupon_threshold: Yuan = _C.birthday_coupon_threshold_cents
    birthday_coupon_days: int = Field(default=_C.birthday_coupon_days, ge=1)
    birthday_days_before: int = Field(default=_C.birthday_days_before, ge=0, le=30)
    birthday_change_days: int = Field(default=_C.birthday_change_days, ge=0)
    birthday_oldest_years: int = Field(default=_C.birthday_oldest_years, ge=1, le=150)
    issue_max: Yuan = Field(default=_C.issue_max_cents, gt=0)

    def build(self) -> CouponRules:
        return CouponRules(
            stacks_with_first_order=self.stacks_with_first_order,
            stacks_with_points=self.stacks_with_points,
            promo_per_customer=self.promo_per_customer,
            promo_days=self.promo_days,
            birthday_coupon_cents=self.birthday_coupon,
            birthday_coupon_threshold_cents=self.birthday_coupon_threshold,
            birthday_coupon_days=self.birthday_coupon_days,
            birthday_days_before=self.birthday_days_before,
            birthday_change_days=self.birthday_change_days,
            birthday_oldest_years=self.birthday_oldest_years,
            issue_max_cents=self.issue_max,
        )
