"""Electronic invoice requests (``domain.invoices``): several per order, each for money paid
and no other one covers — a new one is stored by a conditional insert under the order's row
lock, so two requests at once never both invoice the same money — the tax id and the email
encrypted, claimed with a lease by whichever process sweeps first (``FOR UPDATE SKIP LOCKED``
on PostgreSQL; SQLite has one writer at a time)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, func, insert, not_, or_, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.invoices import Covered, InvoiceRequest, InvoiceStatus, TitleDefaults, TitleKind
from store.crypto import PiiCipher
from store.tables import InvoiceRow, OrderRow

TAX_ID, EMAIL = "invoice.tax_id", "invoice.email"


class InvoiceRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    async def add(self, invoice: InvoiceRequest) -> InvoiceRequest | None:
        """Store a new request, or None (nothing stored) when the order's paid less refunded,
        less what its invoices already cover, no longer holds ``amount_cents``: the insert
        is conditional on it, under the order's row lock (PostgreSQL; SQLite has one writer
        at a time), so of two requests at once for the same money one is stored."""
        if invoice.amount_cents <= 0:
            return None
        await self._lock_order(invoice.order_id)
        values = {
            "order_id": invoice.order_id,
            "number": invoice.number,
            "customer_id": invoice.customer_id,
            "kind": invoice.kind.value,
            "title": invoice.title,
            "tax_id_enc": self._c.encrypt(TAX_ID, invoice.tax_id),
            "email_enc": self._c.encrypt(EMAIL, invoice.email),
            "amount_cents": invoice.amount_cents,
            "item": invoice.item[:100],
            "lang": invoice.lang,
            "status": invoice.status.value,
            "attempts": invoice.attempts,
            "created_at": invoice.created_at,
            "next_attempt_at": invoice.next_attempt_at,
            "invoice_no": "",
            "pdf_url": "",
            "note": "",
        }
        table = InvoiceRow.__table__  # type: ignore[attr-defined]
        net = (
            select(col(OrderRow.paid_cents) - col(OrderRow.refunded_cents))
            .where(col(OrderRow.id) == invoice.order_id)
            .scalar_subquery()
        )
        inv = aliased(InvoiceRow)
        covered = (
            select(func.coalesce(func.sum(col(inv.amount_cents)), 0))
            .join(OrderRow, col(OrderRow.id) == col(inv.order_id))
            .where(col(inv.order_id) == invoice.order_id, not_(_refunded(inv)))
            .scalar_subquery()
        )
        source = select(
            *(bindparam(f"v_{k}", v, type_=table.c[k].type).label(k) for k, v in values.items())
        ).where(net - covered >= invoice.amount_cents)
        result = await self._s.exec(
            insert(table).from_select(list(values), source).returning(table.c.id)
        )
        new_id = result.scalar()
        if new_id is None:
            return None
        invoice.id = new_id
        return invoice

    async def _lock_order(self, order_id: int) -> None:
        assert self._s.bind is not None
        if self._s.bind.dialect.name == "sqlite":
            return  # one writer at a time already
        await self._s.exec(select(OrderRow.id).where(OrderRow.id == order_id).with_for_update())

    async def get(self, invoice_id: int) -> InvoiceRequest | None:
        row = await self._s.get(InvoiceRow, invoice_id)
        return None if row is None else self._invoice(row)

    async def covered(
        self, order_ids: Sequence[int], excluding: int | None = None
    ) -> dict[int, Covered]:
        """What each order's invoices cover — every one not issued yet, whatever its state (a
        failed one may be tried again), and each issued one the order's refunds have not
        reached (``_refunded``: flagged or to be flagged for a red-letter invoice, it covers
        nothing any more) — leaving out ``excluding``; orders without any are left out."""
        if not order_ids:
            return {}
        inv = aliased(InvoiceRow)
        query = (
            select(col(inv.order_id), func.sum(col(inv.amount_cents)), func.count())
            .join(OrderRow, col(OrderRow.id) == col(inv.order_id))
            .where(
                col(inv.order_id).in_(list(order_ids)),
                col(inv.amount_cents) > 0,
                not_(_refunded(inv)),
            )
        )
        if excluding is not None:
            query = query.where(col(inv.id) != excluding)
        rows = await self._s.exec(query.group_by(col(inv.order_id)))
        return {order_id: Covered(int(cents), int(n)) for order_id, cents, n in rows.all()}

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

    async def refunded_after_issue(
        self, limit: int = 100, order_id: int | None = None
    ) -> list[InvoiceRequest]:
        """Issued invoices that now cover more than the order's paid less refunded, finance
        not yet told (``_refunded``), of every order or of ``order_id``."""
        query = (
            select(InvoiceRow)
            .join(OrderRow, col(OrderRow.id) == InvoiceRow.order_id)
            .where(
                col(InvoiceRow.refund_flagged_at).is_(None),
                _refunded(InvoiceRow),
            )
        )
        if order_id is not None:
            query = query.where(col(InvoiceRow.order_id) == order_id)
        rows = await self._s.exec(query.order_by(col(InvoiceRow.id)).limit(limit))
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


def _refunded(inv: type[InvoiceRow] | AliasedClass[InvoiceRow]) -> ColumnElement[bool]:
    """An issued invoice the order's refunds have reached (the query joins ``OrderRow`` as
    the invoice's order): flagged already for a red-letter invoice, or to be — the order's
    issued invoices not flagged taken oldest first, its running total passes the order's paid
    less refunded (a refund eats the newest invoices first). Either way it covers nothing
    any more: what is still paid may be invoiced anew."""
    earlier = aliased(InvoiceRow)
    running = (
        select(func.sum(col(earlier.amount_cents)))
        .where(
            col(earlier.order_id) == col(inv.order_id),
            col(earlier.status) == InvoiceStatus.ISSUED.value,
            col(earlier.refund_flagged_at).is_(None),
            col(earlier.id) <= col(inv.id),
        )
        .correlate(inv)
        .scalar_subquery()
    )
    return and_(
        col(inv.status) == InvoiceStatus.ISSUED.value,
        or_(
            col(inv.refund_flagged_at).is_not(None),
            col(OrderRow.paid_cents) - col(OrderRow.refunded_cents) < running,
        ),
    )
