"""The kinds of a quote's lines and of a coupon's terms (``domain.pricing``, which
re-exports them)."""

from __future__ import annotations

from enum import StrEnum


class LineKind(StrEnum):
    BASE = "base"
    OPTION = "option"
    OVER_AREA = "over_area"
    HIGH_ALTITUDE = "high_altitude"
    NIGHT = "night"
    BUNDLE = "bundle"
    PREPAID = "prepaid"
    FREE_HOURS = "free_hours"
    MEMBER = "member"
    TRANSPORT = "transport"
    COUPON = "coupon"
    FIRST_ORDER = "first_order"
    POINTS = "points"
    SURCHARGE = "surcharge"
    """Added on site with the customer's approval (``domain.surcharge``)."""
    WAIVED = "waived"
    """What the customer still owed, forgiven by ``/waive`` (negative): the lines add up to
    the total again. Not the platform's discount: the worker is paid on what was paid."""


class CouponKind(StrEnum):
    FIXED = "fixed"
    PERCENT = "percent"
