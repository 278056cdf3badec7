"""Promo codes: made by an admin, each use claimed under the code's row lock (a conditional
UPDATE of ``issued``), so concurrent checkouts in any number of processes never pass its total,
and the customer's uses counted while it is held."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.coupons import Coupon, Promo
from domain.pricing import CouponKind, CouponTerms
from store.coupons_repo import coupon_from_row
from store.prepared import insert_one, select_one
from store.tables import CouponRow, PromoCodeRow
from store.tables.core import PROMOS


class PromoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, promo: Promo) -> Promo:
        t = promo.terms
        promo.id = await insert_one(
            self._s,
            PROMOS,
            {
                "code": promo.code,
                "kind": t.kind.value,
                "amount_cents": t.amount_cents,
                "off_bp": t.off_bp,
                "threshold_cents": t.threshold_cents,
                "max_off_cents": t.max_off_cents,
                "valid_from": promo.valid_from,
                "valid_until": promo.valid_until,
                "total_limit": promo.total_limit,
                "per_customer": promo.per_customer,
                "issued": 0,
                "created_by": promo.created_by,
            },
        )
        return promo

    async def by_code(self, code: str) -> Promo | None:
        row = await select_one(self._s, PROMOS, code=code)
        return _promo(row) if row else None

    async def claim(self, promo_id: int) -> bool:
        """Count one more use if the total allows it; True when it did. The UPDATE holds the
        code's row until the transaction ends: a concurrent claim waits, then sees this one."""
        result = await self._s.exec(
            update(PromoCodeRow)
            .where(
                col(PromoCodeRow.id) == promo_id,
                col(PromoCodeRow.issued) < col(PromoCodeRow.total_limit),
            )
            .values(issued=PromoCodeRow.issued + 1)
        )
        return bool(result.rowcount)

    async def uses(self, promo_id: int, customer_ids: Sequence[int]) -> list[Coupon]:
        """The coupons these customers got of the code (used or not)."""
        rows = await self._s.exec(
            select(CouponRow).where(
                col(CouponRow.promo_id) == promo_id,
                col(CouponRow.customer_id).in_(list(customer_ids)),
            )
        )
        return [coupon_from_row(r) for r in rows.all()]

    async def issued(self, promo_id: int) -> int:
        rows = await self._s.exec(
            select(func.count()).select_from(CouponRow).where(col(CouponRow.promo_id) == promo_id)
        )
        return int(rows.one())


def _promo(row: PromoCodeRow | Row[*tuple[Any, ...]]) -> Promo:
    return Promo(
        id=row.id,
        code=row.code,
        terms=CouponTerms(
            row.code,
            CouponKind(row.kind),
            amount_cents=row.amount_cents,
            off_bp=row.off_bp,
            threshold_cents=row.threshold_cents,
            max_off_cents=row.max_off_cents,
        ),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        total_limit=row.total_limit,
        per_customer=row.per_customer,
        issued=row.issued,
        created_by=row.created_by,
    )
