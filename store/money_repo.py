"""Payments, the ledger and coupons."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.coupons import Coupon
from domain.ledger import LedgerEntry
from domain.payments import Payment, PaymentKind, PaymentStatus
from domain.pricing import CouponKind, CouponTerms
from store.tables import CouponRow, LedgerEntryRow, PaymentRow


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, payment: Payment) -> Payment:
        row = PaymentRow(
            order_id=payment.order_id,
            provider=payment.provider,
            kind=payment.kind.value,
            amount_cents=payment.amount_cents,
            status=payment.status.value,
            reference=payment.reference,
            provider_ref=payment.provider_ref,
            created_at=payment.created_at,
            completed_at=payment.completed_at,
        )
        self._s.add(row)
        await self._s.flush()
        payment.id = row.id
        return payment

    async def save(self, payment: Payment) -> None:
        await self._s.exec(
            update(PaymentRow)
            .where(col(PaymentRow.id) == payment.id)
            .values(
                status=payment.status.value,
                provider_ref=payment.provider_ref,
                completed_at=payment.completed_at,
            )
        )

    async def by_reference(self, reference: str) -> Payment | None:
        rows = await self._s.exec(select(PaymentRow).where(PaymentRow.reference == reference))
        row = rows.first()
        return _payment(row) if row else None

    async def for_order(self, order_id: int) -> list[Payment]:
        rows = await self._s.exec(
            select(PaymentRow).where(PaymentRow.order_id == order_id).order_by(col(PaymentRow.id))
        )
        return [_payment(r) for r in rows.all()]


def _payment(row: PaymentRow) -> Payment:
    return Payment(
        id=row.id,
        order_id=row.order_id,
        provider=row.provider,
        kind=PaymentKind(row.kind),
        amount_cents=row.amount_cents,
        status=PaymentStatus(row.status),
        reference=row.reference,
        provider_ref=row.provider_ref,
        created_at=row.created_at,
        completed_at=row.completed_at,
    )


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def post(self, entries: Iterable[LedgerEntry]) -> None:
        """Append a balanced journal (build it with ``domain.ledger.journal``)."""
        for e in entries:
            self._s.add(
                LedgerEntryRow(
                    journal=e.journal,
                    account=e.account,
                    amount_cents=e.amount_cents,
                    order_id=e.order_id,
                    at=e.at,
                    memo=e.memo,
                )
            )
        await self._s.flush()

    async def has_journal(self, key: str) -> bool:
        rows = await self._s.exec(select(LedgerEntryRow.id).where(LedgerEntryRow.journal == key))
        return rows.first() is not None

    async def balance(self, account: str) -> int:
        result = await self._s.exec(
            select(func.coalesce(func.sum(LedgerEntryRow.amount_cents), 0)).where(
                LedgerEntryRow.account == account
            )
        )
        return int(result.one())

    async def for_order(self, order_id: int) -> list[LedgerEntry]:
        rows = await self._s.exec(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.order_id == order_id)
            .order_by(col(LedgerEntryRow.id))
        )
        return [
            LedgerEntry(r.journal, r.account, r.amount_cents, r.at, r.order_id, r.memo)
            for r in rows.all()
        ]


class CouponRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, coupon: Coupon) -> Coupon:
        row = CouponRow(
            code=coupon.code,
            valid_from=coupon.valid_from,
            valid_until=coupon.valid_until,
            kind=coupon.terms.kind.value,
        )
        self._fill(row, coupon)
        self._s.add(row)
        await self._s.flush()
        coupon.id = row.id
        return coupon

    async def save(self, coupon: Coupon) -> None:
        row = await self._s.get(CouponRow, coupon.id)
        assert row is not None
        self._fill(row, coupon)
        await self._s.flush()

    async def by_code(self, code: str) -> Coupon | None:
        rows = await self._s.exec(select(CouponRow).where(CouponRow.code == code))
        row = rows.first()
        return _coupon(row) if row else None

    async def for_customer(self, customer_id: int) -> list[Coupon]:
        rows = await self._s.exec(
            select(CouponRow)
            .where(CouponRow.customer_id == customer_id)
            .order_by(col(CouponRow.valid_until))
        )
        return [_coupon(r) for r in rows.all()]

    @staticmethod
    def _fill(row: CouponRow, c: Coupon) -> None:
        t = c.terms
        row.customer_id, row.kind, row.amount_cents, row.off_bp = (
            c.customer_id,
            t.kind.value,
            t.amount_cents,
            t.off_bp,
        )
        row.threshold_cents, row.max_off_cents = t.threshold_cents, t.max_off_cents
        row.valid_from, row.valid_until, row.reason = c.valid_from, c.valid_until, c.reason
        row.used_order_id, row.used_at = c.used_order_id, c.used_at


def _coupon(row: CouponRow) -> Coupon:
    terms = CouponTerms(
        code=row.code,
        kind=CouponKind(row.kind),
        amount_cents=row.amount_cents,
        off_bp=row.off_bp,
        threshold_cents=row.threshold_cents,
        max_off_cents=row.max_off_cents,
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
    )
