"""Read-only money reports for the admin dashboard, from the ledger (see ``domain.ledger`` for
the accounts and the sign convention: positive = debit, negative = credit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.digits import whole
from domain.ledger import COMPENSATION_EXPENSE, PAYOUTS, PLATFORM_REVENUE, SUBSIDY_EXPENSE
from domain.withdrawals import WithdrawalStatus
from store.tables import LedgerEntryRow, OrderRow, WithdrawalRow

WORKER_PAYABLE = "worker_payable:"
SETTLEMENT_JOURNAL = "settle:"
REQUESTED = WithdrawalStatus.REQUESTED
APPROVED_UNPAID = (WithdrawalStatus.APPROVED, WithdrawalStatus.HELD)
"""Approved and not paid yet: waiting for the payout, or held (the worker's card in
another's name)."""


@dataclass(frozen=True, slots=True)
class MoneyFlows:
    """What moved through the ledger in a period (fen, all positive)."""

    cash_in: int
    """Payments received, at every provider."""
    refunds: int
    """Money paid back to customers."""
    platform_revenue: int
    """Commission and kept fees, less refunds the platform bore after settlement."""
    subsidies: int
    """Platform-funded discounts and transfer compensation."""
    worker_earnings: int
    """Workers' shares of the orders settled."""
    payouts: int
    """Withdrawals paid out to workers."""


@dataclass(frozen=True, slots=True)
class Withdrawals:
    count: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class Earned:
    recent_cents: int
    total_cents: int


@dataclass(frozen=True, slots=True)
class Outstanding:
    owed_to_workers: int
    """What the platform owes workers now (not yet requested as a withdrawal)."""
    awaiting_approval: Withdrawals
    approved_unpaid: Withdrawals


class MoneyReports:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def flows(self, start: datetime, end: datetime) -> MoneyFlows:
        """Ledger movements in [start, end): one GROUP BY account."""
        amount = col(LedgerEntryRow.amount_cents)
        rows = await self._s.exec(
            select(
                LedgerEntryRow.account,
                func.coalesce(func.sum(case((amount > 0, amount), else_=0)), 0),
                func.coalesce(func.sum(case((amount < 0, -amount), else_=0)), 0),
                func.coalesce(
                    func.sum(
                        case(
                            (
                                and_(
                                    amount < 0,
                                    col(LedgerEntryRow.journal).startswith(SETTLEMENT_JOURNAL),
                                ),
                                -amount,
                            ),
                            else_=0,
                        )
                    ),
                    0,
                ),
            )
            .where(col(LedgerEntryRow.at) >= start, col(LedgerEntryRow.at) < end)
            .group_by(col(LedgerEntryRow.account))
        )
        debit: dict[str, int] = {}
        credit: dict[str, int] = {}
        settled = 0
        for account, dr, cr, settle_cr in rows.all():
            debit[account], credit[account] = int(dr), int(cr)
            if account.startswith(WORKER_PAYABLE):
                settled += int(settle_cr)
        cash = [a for a in debit if a.startswith("cash:") and a != PAYOUTS]
        expenses = (SUBSIDY_EXPENSE, COMPENSATION_EXPENSE)
        return MoneyFlows(
            cash_in=sum(debit[a] for a in cash),
            refunds=sum(credit[a] for a in cash),
            platform_revenue=credit.get(PLATFORM_REVENUE, 0) - debit.get(PLATFORM_REVENUE, 0),
            subsidies=sum(debit.get(a, 0) - credit.get(a, 0) for a in expenses),
            worker_earnings=settled,
            payouts=credit.get(PAYOUTS, 0),
        )

    async def outstanding(self) -> Outstanding:
        """What is owed to workers and the withdrawals not paid yet, as of now."""
        owed = await self._s.exec(
            select(func.coalesce(func.sum(LedgerEntryRow.amount_cents), 0)).where(
                col(LedgerEntryRow.account).startswith(WORKER_PAYABLE)
            )
        )
        rows = await self._s.exec(
            select(
                WithdrawalRow.status,
                func.count(),
                func.coalesce(func.sum(WithdrawalRow.amount_cents), 0),
            )
            .where(col(WithdrawalRow.status).in_([s.value for s in (REQUESTED, *APPROVED_UNPAID)]))
            .group_by(col(WithdrawalRow.status))
        )
        by_status = {status: Withdrawals(int(n), int(total)) for status, n, total in rows.all()}
        none = Withdrawals(0, 0)
        return Outstanding(
            owed_to_workers=-int(owed.one()),
            awaiting_approval=by_status.get(REQUESTED.value, none),
            approved_unpaid=Withdrawals(
                sum(by_status.get(s.value, none).count for s in APPROVED_UNPAID),
                sum(by_status.get(s.value, none).amount_cents for s in APPROVED_UNPAID),
            ),
        )

    async def worker_earnings(self, since: datetime) -> dict[int, Earned]:
        """Per worker, their shares of settled orders since ``since`` and in all (credits to
        ``worker_payable:{id}`` by settlement journals; a refused withdrawal given back is not
        earnings)."""
        amount = col(LedgerEntryRow.amount_cents)
        rows = await self._s.exec(
            select(
                LedgerEntryRow.account,
                func.sum(case((col(LedgerEntryRow.at) >= since, -amount), else_=0)),
                func.sum(-amount),
            )
            .where(
                col(LedgerEntryRow.account).startswith(WORKER_PAYABLE),
                col(LedgerEntryRow.journal).startswith(SETTLEMENT_JOURNAL),
                amount < 0,
            )
            .group_by(col(LedgerEntryRow.account))
        )
        out = {}
        for account, recent, total in rows.all():
            worker = whole(account.removeprefix(WORKER_PAYABLE), ascii_only=True)
            if worker is not None:
                out[worker] = Earned(int(recent or 0), int(total or 0))
        return out

    async def order_numbers(self, start: datetime, end: datetime) -> dict[int, int]:
        """The number (what every screen calls an order by, ``#973072``) of each order with
        a ledger entry in [start, end), by the order's id: one query, however many orders."""
        entered = select(LedgerEntryRow.order_id).where(
            col(LedgerEntryRow.at) >= start, col(LedgerEntryRow.at) < end
        )
        rows = await self._s.exec(
            select(OrderRow.id, OrderRow.number).where(col(OrderRow.id).in_(entered))
        )
        return {order_id: number for order_id, number in rows.all() if order_id is not None}
