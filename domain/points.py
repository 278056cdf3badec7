"""Points: earned for what a customer pays (and for reviews), spent at checkout, taken back
with a refund, and expiring — kept in lots, so the soonest to expire are spent first and what
expires is what is left of them.

Every movement changes the customer's balance and posts a journal against the
``points_liability`` account (``domain.ledger``). The liability is what the balances are
worth at the checkout's rate (``pricing.points_per_yuan`` points to the yuan): a balance of
``b`` points is worth ``b * 100 // points_per_yuan`` fen (``balance_value``), and a movement
is worth the change of its customer's balance value (``movement_value``). The journals of one
customer then add up to exactly the value of their balance, whatever the rounding, and the
points spent at checkout as cash (whole yuan) are worth exactly the yuan they took off.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from domain.errors import DomainError
from domain.membership import Standing
from domain.rules import MemberLevel, MembershipRules, PricingRules
from domain.text import N_, Text


class PointsKind(StrEnum):
    EARNED = "earned"
    """For what was paid for an order (``membership.points_for_payment``), once it settled."""
    REVIEWED = "reviewed"
    GRANTED = "granted"
    """Given by the platform (an opening balance, a goodwill gesture)."""
    REDEEMED = "redeemed"
    RETURNED = "returned"
    """The points an order used, back with its cancellation or full refund."""
    CLAWED_BACK = "clawed_back"
    """Earned points taken back when what earned them was refunded."""
    EXPIRED = "expired"


KIND_TEXT: dict[PointsKind, Text] = {
    PointsKind.EARNED: N_("消费获得"),
    PointsKind.REVIEWED: N_("评价奖励"),
    PointsKind.GRANTED: N_("平台赠送"),
    PointsKind.REDEEMED: N_("下单抵扣"),
    PointsKind.RETURNED: N_("抵扣退回"),
    PointsKind.CLAWED_BACK: N_("退款扣回"),
    PointsKind.EXPIRED: N_("积分过期"),
}
"""What each movement is called on the customer's points history."""

EARNING = frozenset({PointsKind.EARNED, PointsKind.REVIEWED, PointsKind.GRANTED})
"""Movements that make a lot of their own (with an expiry); the others take from lots."""


class NotEnoughPoints(DomainError):
    def __init__(self) -> None:
        super().__init__(N_("积分不足,请确认新的报价"))


@dataclass(frozen=True, slots=True)
class PointsMovement:
    """One change of a customer's points: ``points`` signed, ``balance`` after it. ``key``
    names it once (``earn:240117``): the same movement is never made twice."""

    customer_id: int
    kind: PointsKind
    points: int
    balance: int
    at: datetime
    key: str
    order_id: int | None = None
    expires_at: datetime | None = None
    """An earning's lot expires then (None: never)."""
    number: int | None = None
    """The order's number, as the history reads it."""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Lot:
    """What is left of one earning."""

    id: int
    left: int
    expires_at: datetime | None


NEVER = datetime.max.replace(tzinfo=UTC)

Use = tuple[int, int]
"""(lot id, points): what a movement took from (negative) or gave back to (positive) a lot."""


def fifo(lots: Sequence[Lot], points: int) -> list[Use]:
    """Take ``points`` from ``lots``: the soonest to expire first (the oldest among equals;
    lots that never expire last). Raises ``NotEnoughPoints`` when they hold fewer."""
    uses: list[Use] = []
    need = points
    for lot in sorted(lots, key=lambda x: (x.expires_at or NEVER, x.id)):
        if need == 0:
            break
        take = min(lot.left, need)
        if take > 0:
            uses.append((lot.id, -take))
            need -= take
    if need:
        raise NotEnoughPoints()
    return uses


def balance_value(balance: int, pricing: PricingRules) -> int:
    """What ``balance`` points are worth at checkout, in fen (rounded down)."""
    return balance * 100 // pricing.points_per_yuan


def movement_value(before: int, after: int, pricing: PricingRules) -> int:
    """The change of a balance's value (positive when it grows)."""
    return balance_value(after, pricing) - balance_value(before, pricing)


def expiry(earned_at: datetime, rules: MembershipRules) -> datetime | None:
    """When points earned at ``earned_at`` expire: the same day and time
    ``points_expire_months`` calendar months on (the month's last day when it is shorter);
    None when points never expire."""
    months = rules.points_expire_months
    if months <= 0:
        return None
    index = earned_at.month - 1 + months
    year, month = earned_at.year + index // 12, index % 12 + 1
    day = min(earned_at.day, calendar.monthrange(year, month)[1])
    return earned_at.replace(year=year, month=month, day=day)


def points_for_review(with_photo: bool, rules: MembershipRules) -> int:
    return rules.review_photo_points if with_photo else rules.review_points


class Membership(Protocol):
    """Customers' points (movements and lots) and the level each was last told of, inside a
    unit of work. The points of one customer change one transaction at a time: ``lock``
    first."""

    async def lock(self, customer_id: int) -> int:
        """The customer's balance, their row locked until the transaction ends."""
        ...

    async def set_balance(self, customer_id: int, balance: int) -> None: ...

    async def recorded(self, key: str) -> bool: ...

    async def add(self, movement: PointsMovement, uses: Sequence[Use] = ()) -> PointsMovement:
        """Record a movement (an earning is a lot with all its points left) and what it
        took from or gave back to lots."""
        ...

    async def lots(self, customer_id: int) -> list[Lot]:
        """The customer's lots with points left."""
        ...

    async def uses(self, key: str) -> list[Use]:
        """What movement ``key`` took from (or gave back to) lots."""
        ...

    async def for_order(self, order_id: int) -> list[PointsMovement]: ...

    async def history(self, customer_id: int, limit: int) -> list[PointsMovement]:
        """The customer's latest movements, newest first, with their orders' numbers."""
        ...

    async def expiring(self, until: datetime, limit: int = 100) -> list[tuple[int, int]]:
        """(lot id, customer id) of lots with points left that expire by ``until``."""
        ...

    async def level(self, customer_id: int) -> MemberLevel:
        """The level the customer holds (``standing``'s level)."""
        ...

    async def levels_due(self, now: datetime, after: int = 0, limit: int = 100) -> list[int]:
        """Customers (by id, after ``after``) due for a review of their level: kept until
        ``now`` or before, or above regular with no end of keeping (stored before levels
        were kept, or none is kept: ``level_keep_days`` 0)."""
        ...

    async def standing(self, customer_id: int) -> Standing:
        """The level the customer holds and was told of, and until when it is kept."""
        ...

    async def set_level(
        self, customer_id: int, level: MemberLevel, until: datetime | None = None
    ) -> None: ...
