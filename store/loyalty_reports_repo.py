"""Read-only loyalty figures for ``/stats`` and the dashboard: repeat purchases, coupons issued
and used, points earned, spent, expired and still owed, prepaid money not yet used, and
invitations that paid off — a handful of aggregate queries, one value out (``LoyaltyStats``)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.coupons import source_key
from domain.ledger import CARD_APPLIED, CARD_DEFERRED, POINTS_LIABILITY
from domain.oversight import LoyaltyStats
from domain.points import PointsKind
from store.reports_repo import BOOKED
from store.tables import (
    CouponRow,
    CustomerRow,
    LedgerEntryRow,
    OrderRow,
    PointsMovementRow,
)

DEFERRED = (CARD_DEFERRED, CARD_APPLIED)
"""The ledger accounts holding money paid for prepaid card visits not yet served: visits
not used yet, and those used on orders not settled yet."""


async def loyalty(session: AsyncSession, start: datetime, end: datetime) -> LoyaltyStats:
    """The loyalty figures for orders, coupons, points and invitations of ``start``..``end``;
    balances (points held, liability, prepaid) as they stand now."""
    buyers, returning = await _repeat(session, start, end)
    issued, used = await _coupons(session, start, end)
    moved = await _points_moved(session, start, end)
    held = await session.exec(
        select(func.coalesce(func.sum(PointsMovementRow.points_left), 0)).where(
            col(PointsMovementRow.points_left) > 0
        )
    )
    balances = await session.exec(
        select(LedgerEntryRow.account, func.coalesce(func.sum(LedgerEntryRow.amount_cents), 0))
        .where(col(LedgerEntryRow.account).in_([POINTS_LIABILITY, *DEFERRED]))
        .group_by(col(LedgerEntryRow.account))
    )
    owed = {account: -int(total) for account, total in balances.all()}
    invited = await session.exec(
        select(func.count())
        .select_from(CustomerRow)
        .where(
            col(CustomerRow.referred_by).is_not(None),
            col(CustomerRow.created_at) >= start,
            col(CustomerRow.created_at) < end,
        )
    )
    rewarded = await session.exec(
        select(func.count())
        .select_from(CustomerRow)
        .where(
            col(CustomerRow.referral_rewarded_at) >= start,
            col(CustomerRow.referral_rewarded_at) < end,
        )
    )
    return LoyaltyStats(
        buyers=buyers,
        returning=returning,
        coupons_issued=issued,
        coupons_used=used,
        points_earned=moved.get(PointsKind.EARNED, 0)
        + moved.get(PointsKind.REVIEWED, 0)
        + moved.get(PointsKind.GRANTED, 0),
        points_spent=-(moved.get(PointsKind.REDEEMED, 0) + moved.get(PointsKind.RETURNED, 0)),
        points_expired=-moved.get(PointsKind.EXPIRED, 0),
        points_held=int(held.one()),
        points_liability_cents=owed.get(POINTS_LIABILITY, 0),
        prepaid_outstanding_cents=sum(owed.get(account, 0) for account in DEFERRED),
        invited=int(invited.one()),
        referrals_rewarded=int(rewarded.one()),
    )


async def _repeat(session: AsyncSession, start: datetime, end: datetime) -> tuple[int, int]:
    """(customers who booked in the period, those of them with more than one booked order
    created before ``end``)."""
    in_period = (
        select(OrderRow.customer_id)
        .where(BOOKED, col(OrderRow.created_at) >= start, col(OrderRow.created_at) < end)
        .distinct()
        .subquery()
    )
    per_buyer = (
        select(OrderRow.customer_id, func.count().label("n"))
        .where(BOOKED, col(OrderRow.created_at) < end)
        .where(col(OrderRow.customer_id).in_(select(in_period.c.customer_id)))
        .group_by(col(OrderRow.customer_id))
        .subquery()
    )
    rows = await session.exec(
        select(
            func.count(), func.coalesce(func.sum(case((per_buyer.c.n > 1, 1), else_=0)), 0)
        ).select_from(per_buyer)
    )
    buyers, returning = rows.one()
    return int(buyers), int(returning)


async def _coupons(
    session: AsyncSession, start: datetime, end: datetime
) -> tuple[dict[str, int], dict[str, int]]:
    """Coupons that became valid in the period and coupons used in it, by where they came
    from (the reasons are few: grouped in SQL, named here)."""
    issued: Counter[str] = Counter()
    used: Counter[str] = Counter()
    valid = await session.exec(
        select(CouponRow.reason, func.count())
        .where(col(CouponRow.valid_from) >= start, col(CouponRow.valid_from) < end)
        .group_by(col(CouponRow.reason))
    )
    for reason, n in valid.all():
        issued[source_key(reason)] += int(n)
    spent = await session.exec(
        select(CouponRow.reason, func.count())
        .where(col(CouponRow.used_at) >= start, col(CouponRow.used_at) < end)
        .group_by(col(CouponRow.reason))
    )
    for reason, n in spent.all():
        used[source_key(reason)] += int(n)
    return dict(issued), dict(used)


async def _points_moved(session: AsyncSession, start: datetime, end: datetime) -> dict[str, int]:
    rows = await session.exec(
        select(PointsMovementRow.kind, func.coalesce(func.sum(PointsMovementRow.points), 0))
        .where(col(PointsMovementRow.at) >= start, col(PointsMovementRow.at) < end)
        .group_by(col(PointsMovementRow.kind))
    )
    return {kind: int(total) for kind, total in rows.all()}
