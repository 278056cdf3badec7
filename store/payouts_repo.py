"""Withdrawals, workers' payout accounts (the number and the holder's name encrypted) and the
payout sweep's claims on withdrawals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.payouts import PayoutAccount, PayoutKind
from domain.withdrawals import Withdrawal, WithdrawalStatus
from store.crypto import PiiCipher
from store.tables import PayoutAccountRow, WithdrawalRow

CARD_FIELD = "payout.card"
"""What a card number's lookup hash is bound to."""


class WithdrawalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, w: Withdrawal) -> Withdrawal:
        row = WithdrawalRow(
            worker_id=w.worker_id,
            amount_cents=w.amount_cents,
            status=w.status.value,
            requested_at=w.requested_at,
            note=w.note,
        )
        self._s.add(row)
        await self._s.flush()
        w.id = row.id
        return w

    async def get(self, withdrawal_id: int) -> Withdrawal | None:
        row = await self._s.get(WithdrawalRow, withdrawal_id)
        return withdrawal_from_row(row) if row else None

    async def decide(self, w: Withdrawal, only_if: Sequence[WithdrawalStatus]) -> bool:
        """Save a decision unless someone decided first (conditional update)."""
        result = await self._s.exec(
            update(WithdrawalRow)
            .where(
                col(WithdrawalRow.id) == w.id,
                col(WithdrawalRow.status).in_([s.value for s in only_if]),
            )
            .values(
                status=w.status.value,
                decided_by=w.decided_by,
                decided_at=w.decided_at,
                paid_at=w.paid_at,
                note=w.note,
            )
        )
        return result.rowcount == 1

    async def state(self, withdrawal_id: int) -> tuple[WithdrawalStatus, str]:
        """Its status and ``decided_by`` as stored now (not as this session read it)."""
        row = (
            await self._s.exec(
                select(WithdrawalRow.status, WithdrawalRow.decided_by).where(
                    col(WithdrawalRow.id) == withdrawal_id
                )
            )
        ).one()
        return WithdrawalStatus(row[0]), row[1]

    async def with_status(
        self, statuses: Sequence[WithdrawalStatus], worker_id: int | None = None
    ) -> list[Withdrawal]:
        query = select(WithdrawalRow).where(
            col(WithdrawalRow.status).in_([s.value for s in statuses])
        )
        if worker_id is not None:
            query = query.where(WithdrawalRow.worker_id == worker_id)
        rows = await self._s.exec(query.order_by(col(WithdrawalRow.id)))
        return [withdrawal_from_row(r) for r in rows.all()]

    async def paid_between(self, start: datetime, end: datetime) -> list[Withdrawal]:
        rows = await self._s.exec(
            select(WithdrawalRow)
            .where(
                col(WithdrawalRow.status) == WithdrawalStatus.PAID.value,
                col(WithdrawalRow.paid_at) >= start,
                col(WithdrawalRow.paid_at) < end,
            )
            .order_by(col(WithdrawalRow.id))
        )
        return [withdrawal_from_row(r) for r in rows.all()]


def withdrawal_from_row(r: WithdrawalRow) -> Withdrawal:
    return Withdrawal(
        id=r.id,
        worker_id=r.worker_id,
        amount_cents=r.amount_cents,
        status=WithdrawalStatus(r.status),
        requested_at=r.requested_at,
        decided_by=r.decided_by,
        decided_at=r.decided_at,
        paid_at=r.paid_at,
        note=r.note,
        payout_kind=r.payout_kind,
        paid_to=r.paid_to,
        sent_at=r.sent_at,
        payout_ref=r.payout_ref,
    )


class PayoutAccountRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    async def get(self, worker_id: int) -> PayoutAccount | None:
        row = await self._s.get(PayoutAccountRow, worker_id)
        if row is None:
            return None
        return PayoutAccount(
            worker_id=row.worker_id,
            kind=PayoutKind(row.kind),
            number=self._c.decrypt("payout.number", row.number_enc),
            holder=self._c.decrypt("payout.holder", row.holder_enc),
            bank=row.bank,
            updated_at=row.updated_at,
        )

    async def card_held_by_another(self, account: PayoutAccount) -> bool:
        """Whether another worker's payout account is the bank card ``account`` is."""
        number_hash = card_hash(self._c, account)
        if not number_hash:
            return False
        found = await self._s.exec(
            select(PayoutAccountRow.worker_id).where(
                col(PayoutAccountRow.number_hash) == number_hash,
                col(PayoutAccountRow.worker_id) != account.worker_id,
            )
        )
        return found.first() is not None

    async def put(self, account: PayoutAccount, now: datetime) -> bool:
        """Save the worker's account, replacing the one they had; False (nothing saved) when
        its card is another worker's account (the unique index: one saved meanwhile)."""
        row = await self._s.get(PayoutAccountRow, account.worker_id)
        if row is None:
            row = PayoutAccountRow(worker_id=account.worker_id, kind="", updated_at=now)
        try:
            async with self._s.begin_nested():
                row.kind, row.bank, row.updated_at = account.kind.value, account.bank, now
                row.number_enc = self._c.encrypt("payout.number", account.number)
                row.number_hash = card_hash(self._c, account)
                row.holder_enc = self._c.encrypt("payout.holder", account.holder)
                self._s.add(row)
                await self._s.flush()
        except IntegrityError:
            return False
        return True


def card_hash(cipher: PiiCipher, account: PayoutAccount) -> str:
    """The keyed hash a bank card's number is looked up by; "" for a WeChat wallet."""
    if account.kind != PayoutKind.BANK:
        return ""
    return cipher.lookup_hash(CARD_FIELD, account.number)


class PayoutClaims:
    """Which withdrawals the payout sweep works on, each claimed by one process at a time
    (conditional updates: the process whose update changed the row goes on)."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def due(self, retry_before: datetime, limit: int = 50) -> list[Withdrawal]:
        """Approved withdrawals of workers with a payout account (one approved before the
        worker had one waits for it), and those sent before ``retry_before`` whose answer is
        not known yet (to ask about)."""
        rows = await self._s.exec(
            select(WithdrawalRow)
            .where(
                or_(
                    (col(WithdrawalRow.status) == WithdrawalStatus.APPROVED.value)
                    & exists().where(
                        col(PayoutAccountRow.worker_id) == col(WithdrawalRow.worker_id)
                    ),
                    (col(WithdrawalRow.status) == WithdrawalStatus.SENDING.value)
                    & (col(WithdrawalRow.sent_at) < retry_before),
                )
            )
            .order_by(col(WithdrawalRow.id))
            .limit(limit)
        )
        return [withdrawal_from_row(r) for r in rows.all()]

    async def claim(self, w: Withdrawal, kind: str, paid_to: str, now: datetime) -> bool:
        """Take ``w`` as it was read (approved, or sending since ``w.sent_at``) for this
        process: False when another process took it first."""
        assert w.id is not None
        where = [col(WithdrawalRow.id) == w.id, col(WithdrawalRow.status) == w.status.value]
        if w.status == WithdrawalStatus.SENDING:
            where.append(col(WithdrawalRow.sent_at) == w.sent_at)
        values: dict[str, object] = {"status": WithdrawalStatus.SENDING.value, "sent_at": now}
        if w.status == WithdrawalStatus.APPROVED:
            values |= {"payout_kind": kind, "paid_to": paid_to}
        result = await self._s.exec(update(WithdrawalRow).where(*where).values(**values))
        return result.rowcount == 1

    async def finish(
        self, w: Withdrawal, status: WithdrawalStatus, now: datetime, ref: str, note: str
    ) -> bool:
        """``w`` (sending) paid or failed; False when it was no longer sending."""
        assert w.id is not None
        values: dict[str, object] = {"status": status.value, "payout_ref": ref[:64]}
        if status == WithdrawalStatus.PAID:
            values["paid_at"] = now
        if note:
            values["note"] = note[:200]
        result = await self._s.exec(
            update(WithdrawalRow)
            .where(
                col(WithdrawalRow.id) == w.id,
                col(WithdrawalRow.status) == WithdrawalStatus.SENDING.value,
            )
            .values(**values)
        )
        return result.rowcount == 1
