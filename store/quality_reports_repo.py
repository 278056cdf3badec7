"""Read-only service-quality reports for the admin dashboard: the worker table and the queue
of unresolved complaints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain import credit
from domain.people import WorkerStatus
from store.reports_repo import SERVED, starting_in
from store.tables import ComplaintRow, OrderRow, WorkerRow

ROSTER = (WorkerStatus.APPROVED.value, WorkerStatus.SUSPENDED.value)


@dataclass(frozen=True, slots=True)
class WorkerLine:
    id: int
    name: str
    status: str
    level: str
    rating_x100: int
    complaints: int
    completed: int
    reviews: int = 0
    """Customers' ratings behind ``rating_x100`` (0: nobody rated them; 5.00 is then
    dispatch's start, not a rating)."""

    @property
    def complaint_rate_bp(self) -> int | None:
        """Complaints per job done, from the two counts shown beside it (not the rate the last
        ``/levels`` stored, which lags behind them); None before any job is done."""
        return (
            credit.complaint_rate_bp(self.complaints, self.completed) if self.completed else None
        )


@dataclass(frozen=True, slots=True)
class ComplaintLine:
    id: int
    order_number: int
    category: str
    status: str
    created_at: datetime
    first_response_at: datetime | None
    overdue: bool


class QualityReports:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def workers(self, limit: int = 300) -> list[WorkerLine]:
        """Approved and suspended workers with their complaints and completed jobs (``SERVED``,
        as ``/stats``: refunded since or not), most completed first."""
        rows = await self._s.exec(select(WorkerRow).where(col(WorkerRow.status).in_(ROSTER)))
        complaints = await self._count_by_worker(
            select(ComplaintRow.worker_id, func.count())
            .where(col(ComplaintRow.worker_id).is_not(None))
            .group_by(col(ComplaintRow.worker_id))
        )
        completed = await self._count_by_worker(
            select(OrderRow.worker_id, func.count())
            .where(col(OrderRow.worker_id).is_not(None), SERVED)
            .group_by(col(OrderRow.worker_id))
        )
        lines = [
            WorkerLine(
                w.id,
                w.name,
                w.status,
                w.level,
                w.rating_x100,
                complaints.get(w.id, 0),
                completed.get(w.id, 0),
                w.reviews,
            )
            for w in rows.all()
            if w.id is not None
        ]
        return sorted(lines, key=lambda w: (-w.completed, w.id))[:limit]

    async def _count_by_worker(self, query: Any) -> dict[int, int]:
        return {int(w): int(n) for w, n in (await self._s.exec(query)).all()}

    async def complaints(
        self,
        now: datetime,
        respond_within: timedelta,
        limit: int = 100,
        starting: tuple[datetime, datetime] | None = None,
    ) -> list[ComplaintLine]:
        """Unresolved complaints, oldest first; ``overdue`` when still open with no first
        response after ``respond_within``. ``starting``: only about orders that start in
        [start, end)."""
        rows = await self._s.exec(
            select(ComplaintRow, OrderRow.number)
            .join(OrderRow, col(OrderRow.id) == col(ComplaintRow.order_id))
            .where(col(ComplaintRow.resolved_at).is_(None), *starting_in(starting))
            .order_by(col(ComplaintRow.created_at), col(ComplaintRow.id))
            .limit(limit)
        )
        return [
            ComplaintLine(
                c.id or 0,
                int(number),
                c.category,
                c.status,
                c.created_at,
                c.first_response_at,
                c.status == "open"
                and c.first_response_at is None
                and now - c.created_at >= respond_within,
            )
            for c, number in rows.all()
        ]
