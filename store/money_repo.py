"""Payments and refunds, the ledger, settlement runs and coupons (withdrawals: payouts_repo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.ledger import LedgerEntry
from domain.payments import Payment, PaymentKind, PaymentStatus
from store.new_orders import payment_values
from store.payment_claims import claim_and_post
from store.prepared import insert_many, insert_one, select_one
from store.tables import (
    LedgerEntryRow,
    PaymentRow,
    SettlementRunRow,
)
from store.tables.core import LEDGER_ENTRIES, PAYMENTS


def ledger_rows(entries: Iterable[LedgerEntry]) -> list[dict[str, Any]]:
    """The ledger_entries columns of a journal's entries."""
    return [
        {
            "journal": e.journal,
            "account": e.account,
            "amount_cents": e.amount_cents,
            "order_id": e.order_id,
            "at": e.at,
            "memo": e.memo,
        }
        for e in entries
    ]


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, payment: Payment) -> Payment:
        payment.id = await insert_one(self._s, PAYMENTS, payment_values(payment))
        return payment

    async def save(self, payment: Payment) -> None:
        await self._s.exec(
            update(PaymentRow)
            .where(col(PaymentRow.id) == payment.id)
            .values(
                status=payment.status.value,
                provider_ref=payment.provider_ref,
                completed_at=payment.completed_at,
                note=payment.note,
            )
        )

    async def claim(
        self,
        payment_id: int,
        to: PaymentStatus,
        at: datetime,
        provider_ref: str | None,
        *,
        only_if: Sequence[PaymentStatus] = (PaymentStatus.PENDING,),
        post: Iterable[LedgerEntry] = (),
    ) -> bool:
        """Move a payment from ``only_if`` (pending) to ``to`` exactly once (a second
        notification gets False) and, when this moved it, post the journal ``post`` (in the
        same statement on PostgreSQL: ``store.payment_claims``)."""
        values = {"status": to.value, "completed_at": at, "provider_ref": provider_ref}
        statuses = [s.value for s in only_if]
        entries = ledger_rows(post)
        return await claim_and_post(self._s, payment_id, values, statuses, entries) == 1

    async def get(self, payment_id: int) -> Payment | None:
        row = await self._s.get(PaymentRow, payment_id)
        return payment_from_row(row) if row else None

    async def by_reference(self, reference: str) -> Payment | None:
        row = await select_one(self._s, PAYMENTS, reference=reference)
        return payment_from_row(row) if row else None

    async def for_order(self, order_id: int) -> list[Payment]:
        return await self._of(col(PaymentRow.order_id) == order_id)

    async def for_card(self, card_id: int) -> list[Payment]:
        return await self._of(col(PaymentRow.card_id) == card_id)

    async def _of(self, owner: Any) -> list[Payment]:
        rows = await self._s.exec(select(PaymentRow).where(owner).order_by(col(PaymentRow.id)))
        return [payment_from_row(r) for r in rows.all()]

    async def stale_requests(
        self, before: datetime, closed_since: datetime, limit: int = 100
    ) -> list[Payment]:
        """Payment requests still pending that were made before ``before``, and requests
        closed with their order (expired) since ``closed_since``: the provider may still
        take money for those."""
        rows = await self._s.exec(
            select(PaymentRow)
            .where(
                PaymentRow.kind != PaymentKind.REFUND.value,
                or_(
                    and_(
                        col(PaymentRow.status) == PaymentStatus.PENDING.value,
                        col(PaymentRow.created_at) < before,
                    ),
                    and_(
                        col(PaymentRow.status) == PaymentStatus.EXPIRED.value,
                        col(PaymentRow.completed_at) >= closed_since,
                    ),
                ),
            )
            .order_by(col(PaymentRow.id))
            .limit(limit)
        )
        return [payment_from_row(r) for r in rows.all()]

    async def pending_refunds(
        self, limit: int = 100, order_id: int | None = None
    ) -> list[Payment]:
        """Refunds not yet carried out, oldest first (only the order's, given one)."""
        query = select(PaymentRow).where(
            PaymentRow.kind == PaymentKind.REFUND.value,
            PaymentRow.status == PaymentStatus.PENDING.value,
        )
        if order_id is not None:
            query = query.where(PaymentRow.order_id == order_id)
        rows = await self._s.exec(query.order_by(col(PaymentRow.id)).limit(limit))
        return [payment_from_row(r) for r in rows.all()]


def payment_from_row(row: Any, prefix: str = "") -> Payment:
    """A payment from a row with the payments table's columns by name (``prefix``: each
    name so prefixed, beside another table's columns)."""
    if prefix:
        row = SimpleNamespace(**{c.name: getattr(row, prefix + c.name) for c in PAYMENTS.c})
    return Payment(
        id=row.id,
        order_id=row.order_id,
        card_id=row.card_id,
        provider=row.provider,
        kind=PaymentKind(row.kind),
        amount_cents=row.amount_cents,
        status=PaymentStatus(row.status),
        reference=row.reference,
        provider_ref=row.provider_ref,
        created_at=row.created_at,
        completed_at=row.completed_at,
        refund_of=row.refund_of,
        note=row.note,
    )


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def post(self, entries: Iterable[LedgerEntry]) -> None:
        """Append a balanced journal (build it with ``domain.ledger``) in one INSERT."""
        await insert_many(self._s, LEDGER_ENTRIES, ledger_rows(entries))

    async def has_journal(self, key: str) -> bool:
        rows = await self._s.exec(select(LedgerEntryRow.id).where(LedgerEntryRow.journal == key))
        return rows.first() is not None

    async def balance(
        self,
        account: str,
        since: datetime | None = None,
        credits_only: bool = False,
        journal_prefix: str = "",
    ) -> int:
        """Sum of an account's entries (optionally only since ``since``, only credits, only
        journals whose key starts with ``journal_prefix``)."""
        query = select(func.coalesce(func.sum(LedgerEntryRow.amount_cents), 0)).where(
            LedgerEntryRow.account == account
        )
        if since is not None:
            query = query.where(col(LedgerEntryRow.at) > since)
        if credits_only:
            query = query.where(LedgerEntryRow.amount_cents < 0)
        if journal_prefix:
            query = query.where(col(LedgerEntryRow.journal).startswith(journal_prefix))
        return int((await self._s.exec(query)).one())

    async def for_order(self, order_id: int) -> list[LedgerEntry]:
        rows = await self._s.exec(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.order_id == order_id)
            .order_by(col(LedgerEntryRow.id))
        )
        return [_entry(r) for r in rows.all()]

    async def between(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        rows = await self._s.exec(
            select(LedgerEntryRow)
            .where(col(LedgerEntryRow.at) >= start, col(LedgerEntryRow.at) < end)
            .order_by(col(LedgerEntryRow.at), col(LedgerEntryRow.id))
        )
        return [_entry(r) for r in rows.all()]

    async def totals(self, start: datetime, end: datetime) -> dict[str, int]:
        """Per account, the sum of entries in [start, end)."""
        rows = await self._s.exec(
            select(LedgerEntryRow.account, func.sum(LedgerEntryRow.amount_cents))
            .where(col(LedgerEntryRow.at) >= start, col(LedgerEntryRow.at) < end)
            .group_by(col(LedgerEntryRow.account))
        )
        return {str(a): int(v) for a, v in rows.all()}


def _entry(r: LedgerEntryRow) -> LedgerEntry:
    return LedgerEntry(r.journal, r.account, r.amount_cents, r.at, r.order_id, r.memo)


class SettlementRuns:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(self, business_date: date, at: datetime) -> bool:
        """True for the one process that gets to run this day's settlement."""
        try:
            async with self._s.begin_nested():
                self._s.add(SettlementRunRow(business_date=business_date, started_at=at))
                await self._s.flush()
        except IntegrityError:
            return False
        return True

    async def record(self, business_date: date, report: str) -> None:
        row = await self._s.get(SettlementRunRow, business_date)
        if row is not None:
            row.report = report
            await self._s.flush()
