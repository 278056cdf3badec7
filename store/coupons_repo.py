"""Coupons a customer holds: written in one statement each, and used by one order only (a
conditional UPDATE claims it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.coupons import PROMO, Coupon
from domain.pricing import CouponKind, CouponTerms
from store.prepared import insert_one, select_rows, update_where
from store.tables import CouponRow
from store.tables.core import COUPONS


class CouponRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, coupon: Coupon) -> Coupon:
        coupon.id = await insert_one(
            self._s, COUPONS, {"code": coupon.code, **coupon_values(coupon)}
        )
        return coupon

    async def save(self, coupon: Coupon) -> None:
        """Write the coupon's state in one UPDATE (no read first)."""
        assert coupon.id is not None
        await update_where(self._s, COUPONS, coupon_values(coupon), id=coupon.id)

    async def claim(self, coupon: Coupon, order_id: int, now: datetime) -> bool:
        """Mark ``coupon`` used by ``order_id`` if no order holds it, in one conditional
        UPDATE: a checkout elsewhere that used it first leaves no row to change (False) —
        PostgreSQL makes this one wait for that one and then see its mark."""
        assert coupon.id is not None
        result = await self._s.exec(
            update(CouponRow)
            .where(col(CouponRow.id) == coupon.id, col(CouponRow.used_order_id).is_(None))
            .values(used_order_id=order_id, used_at=now)
        )
        if result.rowcount != 1:
            return False
        coupon.use(order_id, now)
        return True

    async def by_code(self, code: str) -> Coupon | None:
        rows = await self._s.exec(select(CouponRow).where(CouponRow.code == code))
        row = rows.first()
        return coupon_from_row(row) if row else None

    async def for_customer(self, customer_id: int) -> list[Coupon]:
        rows = await select_rows(
            self._s, COUPONS, order_by=("valid_until", "id"), customer_id=customer_id
        )
        return [coupon_from_row(r) for r in rows]


def coupon_order(c: Coupon) -> tuple[datetime, int]:
    """Where a coupon comes in ``for_customer``'s order: the first to expire first."""
    return c.valid_until, c.id or 0


def coupon_values(c: Coupon) -> dict[str, Any]:
    """The coupon's columns but ``code``, which never changes."""
    t = c.terms
    return {
        "customer_id": c.customer_id,
        "kind": t.kind.value,
        "amount_cents": t.amount_cents,
        "off_bp": t.off_bp,
        "threshold_cents": t.threshold_cents,
        "max_off_cents": t.max_off_cents,
        "valid_from": c.valid_from,
        "valid_until": c.valid_until,
        "reason": c.reason,
        "used_order_id": c.used_order_id,
        "used_at": c.used_at,
        "promo_id": c.promo_id,
    }


def coupon_from_row(row: CouponRow | Row[*tuple[Any, ...]]) -> Coupon:
    terms = CouponTerms(
        code=row.code,
        kind=CouponKind(row.kind),
        amount_cents=row.amount_cents,
        off_bp=row.off_bp,
        threshold_cents=row.threshold_cents,
        max_off_cents=row.max_off_cents,
        promo=row.reason.split(":", 1)[1] if row.reason.startswith(f"{PROMO}:") else "",
    )
    return Coupon(
        id=row.id,
        code=row.code,
        terms=terms,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        customer_id=row.customer_id,
        reason=row.reason,
        used_order_id=row.used_order_id,
        used_at=row.used_at,
        promo_id=row.promo_id,
    )
