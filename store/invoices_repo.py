"""Electronic invoice requests (``domain.invoices``): one per order (a unique order id), the
tax id and the email encrypted, claimed with a lease by whichever process sweeps first
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer at a time)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.errors import DomainError
from domain.invoices import InvoiceRequest, InvoiceStatus, TitleDefaults, TitleKind
from domain.text import N_
from store.crypto import PiiCipher
from store.tables import InvoiceRow, OrderRow

TAX_ID, EMAIL = "invoice.tax_id", "invoice.email"


class InvoiceRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    async def add(self, invoice: InvoiceRequest) -> InvoiceRequest:
        """Store a new request; a second one for the same order is refused (``DomainError``),
        even when two arrive at once (the unique order id)."""
        row = InvoiceRow(
            order_id=invoice.order_id,
            number=invoice.number,
            customer_id=invoice.customer_id,
            kind=invoice.kind.value,
            title=invoice.title,
            tax_id_enc=self._c.encrypt(TAX_ID, invoice.tax_id),
            email_enc=self._c.encrypt(EMAIL, invoice.email),
            amount_cents=invoice.amount_cents,
            item=invoice.item[:100],
            lang=invoice.lang,
            status=invoice.status.value,
            attempts=invoice.attempts,
            created_at=invoice.created_at,
            next_attempt_at=invoice.next_attempt_at,
        )
        try:
            async with self._s.begin_nested():
                self._s.add(row)
                await self._s.flush()
        except IntegrityError:
            raise DomainError(
                N_("订单 #{number} 已经申请过发票。", number=invoice.number)
            ) from None
        invoice.id = row.id
        return invoice

    async def get(self, invoice_id: int) -> InvoiceRequest | None:
        row = await self._s.get(InvoiceRow, invoice_id)
        return None if row is None else self._invoice(row)

    async def invoiced_orders(self, order_ids: Sequence[int]) -> set[int]:
        if not order_ids:
            return set()
        rows = await self._s.exec(
            select(InvoiceRow.order_id).where(col(InvoiceRow.order_id).in_(list(order_ids)))
        )
        return set(rows.all())

    async def last_title(self, customer_id: int) -> TitleDefaults:
        """What the customer's latest request said (offered again next time)."""
        row = (
            await self._s.exec(
                select(InvoiceRow)
                .where(InvoiceRow.customer_id == customer_id)
                .order_by(col(InvoiceRow.id).desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return TitleDefaults()
        return TitleDefaults(
            row.kind,
            row.title,
            self._c.decrypt(TAX_ID, row.tax_id_enc),
            self._c.decrypt(EMAIL, row.email_enc),
        )

    async def claim(self, now: datetime, until: datetime, limit: int) -> list[InvoiceRequest]:
        """Requests due (or left ``issuing`` by a process that stopped), held until
        ``until`` as ``issuing``: each by one process."""
        due = (
            select(InvoiceRow.id)
            .where(
                or_(
                    and_(
                        col(InvoiceRow.status) == InvoiceStatus.REQUESTED.value,
                        col(InvoiceRow.next_attempt_at) <= now,
                    ),
                    and_(
                        col(InvoiceRow.status) == InvoiceStatus.ISSUING.value,
                        col(InvoiceRow.claimed_until) < now,
                    ),
                )
            )
            .order_by(col(InvoiceRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._s.exec(
            update(InvoiceRow)
            .where(col(InvoiceRow.id).in_(due.scalar_subquery()))
            .values(status=InvoiceStatus.ISSUING.value, claimed_until=until)
            .returning(InvoiceRow)
            .execution_options(synchronize_session=False)
        )
        rows = sorted(result.scalars().all(), key=lambda r: r.id or 0)
        return [self._invoice(r) for r in rows]

    async def retry(self, invoice_id: int, now: datetime) -> InvoiceRequest | None:
        """A failed request back to ``requested`` at once (finance asked), or None when it
        is not failed."""
        result = await self._s.exec(
            update(InvoiceRow)
            .where(
                col(InvoiceRow.id) == invoice_id,
                col(InvoiceRow.status) == InvoiceStatus.FAILED.value,
            )
            .values(status=InvoiceStatus.REQUESTED.value, attempts=0, next_attempt_at=now)
            .returning(InvoiceRow)
            .execution_options(synchronize_session=False)
        )
        row = result.scalars().first()
        return None if row is None else self._invoice(row)

    async def save(self, invoice: InvoiceRequest) -> None:
        """The outcome of an attempt (the hold released)."""
        await self._s.exec(
            update(InvoiceRow)
            .where(col(InvoiceRow.id) == invoice.id)
            .values(
                status=invoice.status.value,
                attempts=invoice.attempts,
                amount_cents=invoice.amount_cents,
                next_attempt_at=invoice.next_attempt_at,
                claimed_until=None,
                invoice_no=invoice.invoice_no[:64],
                pdf_url=invoice.pdf_url[:500],
                note=invoice.note[:300],
                issued_at=invoice.issued_at,
                refund_flagged_at=invoice.refund_flagged_at,
            )
            .execution_options(synchronize_session=False)
        )

    async def with_status(
        self, statuses: Sequence[InvoiceStatus], limit: int = 30
    ) -> list[InvoiceRequest]:
        rows = await self._s.exec(
            select(InvoiceRow)
            .where(col(InvoiceRow.status).in_([s.value for s in statuses]))
            .order_by(col(InvoiceRow.id).desc())
            .limit(limit)
        )
        return [self._invoice(r) for r in rows.all()]

    async def refunded_after_issue(self, limit: int = 100) -> list[InvoiceRequest]:
        """Issued invoices whose order now has less paid (net of refunds) than the invoice
        says, and finance was not yet told."""
        rows = await self._s.exec(
            select(InvoiceRow)
            .join(OrderRow, col(OrderRow.id) == InvoiceRow.order_id)
            .where(
                InvoiceRow.status == InvoiceStatus.ISSUED.value,
                col(InvoiceRow.refund_flagged_at).is_(None),
                col(OrderRow.paid_cents) - col(OrderRow.refunded_cents)
                < col(InvoiceRow.amount_cents),
            )
            .order_by(col(InvoiceRow.id))
            .limit(limit)
        )
        return [self._invoice(r) for r in rows.all()]

    async def flag_refunded(self, invoice_id: int, now: datetime) -> bool:
        """Mark the invoice as flagged to finance; False when it already was."""
        result = await self._s.exec(
            update(InvoiceRow)
            .where(col(InvoiceRow.id) == invoice_id, col(InvoiceRow.refund_flagged_at).is_(None))
            .values(refund_flagged_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)

    async def counts(self) -> dict[str, int]:
        rows = await self._s.exec(
            select(InvoiceRow.status, func.count()).group_by(col(InvoiceRow.status))
        )
        return {status: n for status, n in rows.all()}

    def _invoice(self, r: InvoiceRow) -> InvoiceRequest:
        return InvoiceRequest(
            id=r.id,
            order_id=r.order_id,
            number=r.number,
            customer_id=r.customer_id,
            kind=TitleKind(r.kind),
            title=r.title,
            tax_id=self._c.decrypt(TAX_ID, r.tax_id_enc),
            email=self._c.decrypt(EMAIL, r.email_enc),
            amount_cents=r.amount_cents,
            item=r.item,
            lang=r.lang,
            status=InvoiceStatus(r.status),
            attempts=r.attempts,
            created_at=r.created_at,
            next_attempt_at=r.next_attempt_at,
            claimed_until=r.claimed_until,
            invoice_no=r.invoice_no,
            pdf_url=r.pdf_url,
            note=r.note,
            issued_at=r.issued_at,
            refund_flagged_at=r.refund_flagged_at,
        )
