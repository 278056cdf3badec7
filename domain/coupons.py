"""Coupons a customer holds (validity window, single use, owner) and promo codes: a code
anyone may type (e.g. "SPRING20"), each use of which becomes one of the typer's coupons, up to
a total and a number per customer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.money import format_percent, format_yuan
from domain.pricing import CouponKind, CouponTerms
from domain.text import N_, Phrase, Text

WELCOME = "welcome"
"""The reason of the coupon every new account gets (``Coupon.reason``)."""
BIRTHDAY = "birthday"
PROMO = "promo"
PROMO_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,19}$")
"""What a promo code looks like (typed in any case: ``promo_code`` upper-cases it)."""


class CouponRefusal(StrEnum):
    """Why a coupon held cannot be used (``Coupon.check_usable``), first failing check."""

    NOT_YOURS = "not_yours"
    USED = "used"
    NOT_YET = "not_yet"
    EXPIRED = "expired"


REFUSAL_TEXT: dict[CouponRefusal, Text] = {
    CouponRefusal.NOT_YOURS: N_("这张优惠券不属于您的账户"),
    CouponRefusal.USED: N_("这张优惠券已经用过了"),
    CouponRefusal.NOT_YET: N_("这张优惠券还未到可用时间"),
    CouponRefusal.EXPIRED: N_("这张优惠券已过期"),
}
"""Each refusal as the customer reads it: never the coupon's own code (an internal id)."""


class CouponUnusable(DomainError):
    """A coupon refused: ``reason`` for code that decides by it, the text for a person."""

    def __init__(self, reason: CouponRefusal) -> None:
        super().__init__(REFUSAL_TEXT[reason])
        self.reason = reason


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
    promo_id: int | None = None
    """The promo code this coupon is one use of."""

    def check_usable(self, customer_id: int, now: datetime) -> None:
        """Raise ``CouponUnusable`` (its ``reason`` typed, its text translated where it is
        shown) unless ``customer_id`` may use this coupon at ``now``."""
        if self.customer_id is not None and self.customer_id != customer_id:
            raise CouponUnusable(CouponRefusal.NOT_YOURS)
        if self.used_order_id is not None:
            raise CouponUnusable(CouponRefusal.USED)
        if now < self.valid_from:
            raise CouponUnusable(CouponRefusal.NOT_YET)
        if now >= self.valid_until:
            raise CouponUnusable(CouponRefusal.EXPIRED)

    def use(self, order_id: int, now: datetime) -> None:
        self.used_order_id = order_id
        self.used_at = now


SOURCE_TEXT: dict[str, Phrase] = {
    "welcome": N_("新人券"),
    "referral": N_("邀请奖励券"),
    "complaint": N_("售后补偿券"),
    "birthday": N_("生日券"),
    "admin": N_("赠券"),
    "campaign": N_("活动券"),
    "promo": N_("优惠码券"),
}
"""What a coupon is called by where it came from (the start of ``Coupon.reason``)."""
_ORDER = re.compile(r"\border:(\d+)")


def compensation_reason(complaint_id: int, number: int) -> str:
    """``Coupon.reason`` of a complaint's compensation coupon: the complaint and its order."""
    return f"complaint:{complaint_id} order:{number}"


def source_key(reason: str) -> str:
    """Where a coupon with ``reason`` came from: a key of ``SOURCE_TEXT``."""
    head = reason.replace(":", " ").split(" ", 1)[0]
    return head if head in SOURCE_TEXT else "admin"


def source(coupon: Coupon) -> Phrase:
    """The coupon's name by where it came from ("新人券", "售后补偿券(订单 #123)", the promo
    code its holder typed); never its own code."""
    head = coupon.reason.replace(":", " ").split(" ", 1)[0]
    if head == PROMO:
        return N_("优惠码 {promo}", promo=coupon.reason.split(":", 1)[-1])
    order = _ORDER.search(coupon.reason)
    if head == "complaint" and order:
        return N_("售后补偿券(订单 #{number})", number=int(order.group(1)))
    return SOURCE_TEXT[source_key(coupon.reason)]


def promo_code(typed: str) -> str | None:
    """``typed`` as a promo code ("spring20" → "SPRING20"), or None when it cannot be one."""
    code = typed.strip().upper()
    return code if PROMO_CODE.match(code) else None


@dataclass
class Promo:
    """A shared code an admin made: each use gives the typer a coupon of ``terms``."""

    code: str
    terms: CouponTerms
    valid_from: datetime
    valid_until: datetime
    total_limit: int
    per_customer: int
    created_by: str = ""
    issued: int = 0
    id: int | None = None

    def reason(self) -> str:
        return f"{PROMO}:{self.code}"

    def check_open(self, uses: int, now: datetime) -> None:
        """Raise DomainError (said to the customer) unless one more use by a customer who
        used it ``uses`` times may be had at ``now``."""
        if now < self.valid_from:
            raise DomainError(N_("优惠码 {code} 还未开始使用", code=self.code))
        if now >= self.valid_until:
            raise DomainError(N_("优惠码 {code} 已过期", code=self.code))
        if uses >= self.per_customer:
            raise DomainError(N_("优惠码 {code} 您已经用过了", code=self.code))
        if self.issued >= self.total_limit:
            raise DomainError(N_("优惠码 {code} 已被领完", code=self.code))

    def coupon_for(self, customer_id: int, uses: int) -> Coupon:
        """The coupon of this customer's next use (the ``uses``+1-th), not stored yet."""
        code = f"{self.code}-{customer_id}-{uses + 1}"[:40]
        return Coupon(
            code,
            replace(self.terms, code=code, promo=self.code),
            self.valid_from,
            self.valid_until,
            customer_id,
            self.reason(),
            promo_id=self.id,
        )


def unknown_promo() -> DomainError:
    """No such promo code (what was asked is not repeated: it may be a coupon's own code,
    chosen in another account before the chats were linked)."""
    return DomainError(N_("没有找到这个优惠码,请检查后重新输入"))


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
