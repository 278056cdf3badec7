"""Complaints, ratings, spot checks, once-per-period job runs, and the per-worker figures
worker credit is computed from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.aftersales import Complaint, ComplaintStatus, Rater, Rating, Resolution
from domain.credit import WorkerRecord
from domain.lifecycle import OrderStatus
from domain.rules import ComplaintCategory
from store.tables import ComplaintRow, JobRunRow, OrderRow, RatingRow, SpotCheckRow

DONE = [
    OrderStatus.FINISHED.value,
    OrderStatus.CONFIRMED.value,
    OrderStatus.SETTLED.value,
]


def _order_folder(path: str) -> bool:
    """``path`` lies in an order's complaint folder (``complaints/{number}/…``)."""
    parts = path.split("/")
    number = parts[1] if len(parts) > 2 and parts[0] == "complaints" else ""
    return number.isascii() and number.isdigit() and len(number) <= 18  # a BIGINT


class ComplaintRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, complaint: Complaint) -> Complaint:
        row = ComplaintRow(
            order_id=complaint.order_id,
            customer_id=complaint.customer_id,
            worker_id=complaint.worker_id,
            category=complaint.category.value,
            text=complaint.text,
            photos=list(complaint.photos),
            created_at=complaint.created_at,
        )
        self._s.add(row)
        await self._s.flush()
        complaint.id = row.id
        return complaint

    async def get(self, complaint_id: int) -> Complaint | None:
        row = await self._s.get(ComplaintRow, complaint_id)
        return _complaint(row) if row else None

    async def save(self, c: Complaint, *, only_if_open: bool = False) -> bool:
        """Write the complaint's progress; with ``only_if_open`` only while still open (the
        claim that makes a resolution or a sweep step happen once)."""
        query = update(ComplaintRow).where(col(ComplaintRow.id) == c.id)
        if only_if_open:
            query = query.where(col(ComplaintRow.status) == ComplaintStatus.OPEN.value)
        result = await self._s.exec(
            query.values(
                status=c.status.value,
                first_response_at=c.first_response_at,
                resolved_at=c.resolved_at,
                resolution=c.resolution,
                refund_cents=c.refund_cents,
                resolved_by=c.resolved_by[:160],
                escalation_level=c.escalation_level,
                coupon_issued=c.coupon_issued,
                note=c.note[:300],
                photos=list(c.photos),
            )
        )
        return bool(result.rowcount == 1)

    async def claim_step(self, c: Complaint, *, level: int | None, coupon: bool) -> bool:
        """Move an open complaint to escalation ``level`` or mark its coupon issued, only if
        no one else did (several processes sweep)."""
        query = update(ComplaintRow).where(
            col(ComplaintRow.id) == c.id, col(ComplaintRow.status) == ComplaintStatus.OPEN.value
        )
        if level is not None:
            query = query.where(col(ComplaintRow.escalation_level) < level).values(
                escalation_level=level
            )
        if coupon:
            query = query.where(col(ComplaintRow.coupon_issued).is_(False)).values(
                coupon_issued=True
            )
        result = await self._s.exec(query)
        return bool(result.rowcount == 1)

    async def photos_named(self, paths: Sequence[str]) -> set[str]:
        """Those of ``paths`` a complaint's photos hold: a complaint keeps its photos under
        its order's number (``complaints/{number}/…``), so only the complaints of the orders
        the paths name are read (by ``orders.number`` and ``complaints.order_id``)."""
        numbers = {int(p.split("/")[1]) for p in paths if _order_folder(p)}
        if not numbers:
            return set()
        rows = await self._s.exec(
            select(ComplaintRow.photos)
            .join(OrderRow, col(OrderRow.id) == col(ComplaintRow.order_id))
            .where(col(OrderRow.number).in_(sorted(numbers)))
        )
        named = {photo for photos in rows.all() for photo in photos}
        return named.intersection(paths)

    async def for_order(self, order_id: int) -> list[Complaint]:
        rows = await self._s.exec(
            select(ComplaintRow)
            .where(ComplaintRow.order_id == order_id)
            .order_by(col(ComplaintRow.id))
        )
        return [_complaint(r) for r in rows.all()]

    async def open_for_order(self, order_id: int) -> bool:
        rows = await self._s.exec(
            select(ComplaintRow.id).where(
                ComplaintRow.order_id == order_id,
                ComplaintRow.status == ComplaintStatus.OPEN.value,
            )
        )
        return rows.first() is not None

    async def open_for_worker(self, worker_id: int) -> list[Complaint]:
        rows = await self._s.exec(
            select(ComplaintRow).where(
                ComplaintRow.worker_id == worker_id,
                ComplaintRow.status == ComplaintStatus.OPEN.value,
            )
        )
        return [_complaint(r) for r in rows.all()]

    async def with_status(self, status: ComplaintStatus, limit: int = 50) -> list[Complaint]:
        rows = await self._s.exec(
            select(ComplaintRow)
            .where(ComplaintRow.status == status.value)
            .order_by(col(ComplaintRow.created_at))
            .limit(limit)
        )
        return [_complaint(r) for r in rows.all()]


def _complaint(r: ComplaintRow) -> Complaint:
    return Complaint(
        id=r.id,
        order_id=r.order_id,
        customer_id=r.customer_id,
        worker_id=r.worker_id,
        category=ComplaintCategory(r.category),
        text=r.text,
        photos=list(r.photos),
        status=ComplaintStatus(r.status),
        created_at=r.created_at,
        first_response_at=r.first_response_at,
        resolved_at=r.resolved_at,
        resolution=r.resolution,
        refund_cents=r.refund_cents,
        resolved_by=r.resolved_by,
        escalation_level=r.escalation_level,
        coupon_issued=r.coupon_issued,
        note=r.note,
    )


class RatingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, rating: Rating) -> bool:
        """False when this side already rated this order."""
        row = RatingRow(
            order_id=rating.order_id,
            rater=rating.rater.value,
            worker_id=rating.worker_id,
            customer_id=rating.customer_id,
            overall_x100=rating.overall_x100,
            tags=list(rating.tags),
            text=rating.text[:500],
            created_at=rating.created_at,
            photos=list(rating.photos),
            **rating.scores,
        )
        try:
            async with self._s.begin_nested():
                self._s.add(row)
                await self._s.flush()
        except IntegrityError:
            return False
        rating.id = row.id
        return True

    async def for_order(self, order_id: int) -> list[Rating]:
        rows = await self._s.exec(select(RatingRow).where(RatingRow.order_id == order_id))
        return [_rating(r) for r in rows.all()]

    async def average(
        self, rater: Rater, *, worker_id: int | None = None, customer_id: int | None = None
    ) -> tuple[int, int, int]:
        """(count, mean overall ×100, count of 4 stars or more) of the ratings one side gave
        a worker (``worker_id``) or a customer (``customer_id``)."""
        query = select(
            func.count(),
            func.coalesce(func.avg(RatingRow.overall_x100), 0),
            func.coalesce(func.sum(case((col(RatingRow.overall_x100) >= 400, 1), else_=0)), 0),
        ).where(RatingRow.rater == rater.value)
        if worker_id is not None:
            query = query.where(RatingRow.worker_id == worker_id)
        if customer_id is not None:
            query = query.where(RatingRow.customer_id == customer_id)
        n, mean, good = (await self._s.exec(query)).one()
        return int(n), int(round(float(mean))), int(good)


def _rating(r: RatingRow) -> Rating:
    return Rating(
        id=r.id,
        order_id=r.order_id,
        rater=Rater(r.rater),
        worker_id=r.worker_id,
        customer_id=r.customer_id,
        scores={"response": r.response, "skill": r.skill, "attitude": r.attitude, "care": r.care},
        tags=list(r.tags),
        text=r.text,
        created_at=r.created_at,
        photos=list(r.photos),
    )


class SpotCheckRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def candidates(self, start: datetime, end: datetime) -> list[int]:
        """Ids of orders finished in [start, end) that are not already checked."""
        checked = select(SpotCheckRow.order_id)
        rows = await self._s.exec(
            select(OrderRow.id)
            .where(
                col(OrderRow.finished_at) >= start,
                col(OrderRow.finished_at) < end,
                col(OrderRow.status).in_(DONE),
                col(OrderRow.id).not_in(checked),
            )
            .order_by(col(OrderRow.id))
        )
        return [int(i) for i in rows.all() if i is not None]

    async def add(self, order_id: int, at: datetime) -> bool:
        try:
            async with self._s.begin_nested():
                self._s.add(SpotCheckRow(order_id=order_id, created_at=at))
                await self._s.flush()
        except IntegrityError:
            return False
        return True

    async def open(self, limit: int = 50) -> list[tuple[int, int, datetime]]:
        """(spot check id, order id, created) of checks not yet done."""
        rows = await self._s.exec(
            select(SpotCheckRow.id, SpotCheckRow.order_id, SpotCheckRow.created_at)
            .where(SpotCheckRow.status == "open")
            .order_by(col(SpotCheckRow.id))
            .limit(limit)
        )
        return [(int(i or 0), o, at) for i, o, at in rows.all()]

    async def close(self, check_id: int, note: str) -> bool:
        result = await self._s.exec(
            update(SpotCheckRow)
            .where(col(SpotCheckRow.id) == check_id, col(SpotCheckRow.status) == "open")
            .values(status="done", note=note[:300])
        )
        return bool(result.rowcount == 1)


class JobRuns:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(self, name: str, period: str, at: datetime) -> bool:
        """True for the one process that gets to run ``name`` for ``period``."""
        try:
            async with self._s.begin_nested():
                self._s.add(JobRunRow(name=name, period=period, started_at=at))
                await self._s.flush()
        except IntegrityError:
            return False
        return True

    async def record(self, name: str, period: str, report: str) -> None:
        row = await self._s.get(JobRunRow, (name, period))
        if row is not None:
            row.report = report
            await self._s.flush()


class CreditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def records(
        self, since: datetime, worker_ids: Sequence[int], grace_minutes: int
    ) -> dict[int, WorkerRecord]:
        """Each worker's jobs, complaints, lateness and ratings since ``since`` (four
        grouped queries, whatever the number of workers)."""
        session = self._s
        if not worker_ids:
            return {}
        ids = list(worker_ids)
        accepted = dict(
            (
                await session.exec(
                    select(OrderRow.worker_id, func.count())
                    .where(col(OrderRow.worker_id).in_(ids), col(OrderRow.accepted_at) >= since)
                    .group_by(col(OrderRow.worker_id))
                )
            ).all()
        )
        finished_rows = await session.exec(
            select(
                OrderRow.worker_id,
                func.count(),
                func.coalesce(
                    func.sum(case((col(OrderRow.late_minutes) > grace_minutes, 1), else_=0)), 0
                ),
            )
            .where(
                col(OrderRow.worker_id).in_(ids),
                col(OrderRow.finished_at) >= since,
                col(OrderRow.status).in_([*DONE, OrderStatus.REFUNDED.value]),
            )
            .group_by(col(OrderRow.worker_id))
        )
        finished = {w: (int(n), int(late)) for w, n, late in finished_rows.all()}
        complaints = dict(
            (
                await session.exec(
                    select(ComplaintRow.worker_id, func.count())
                    .where(
                        col(ComplaintRow.worker_id).in_(ids),
                        col(ComplaintRow.created_at) >= since,
                        col(ComplaintRow.resolution) != Resolution.REJECTED.value,
                    )
                    .group_by(col(ComplaintRow.worker_id))
                )
            ).all()
        )
        ratings = dict(
            (
                await session.exec(
                    select(RatingRow.worker_id, func.avg(RatingRow.overall_x100))
                    .where(
                        col(RatingRow.worker_id).in_(ids),
                        RatingRow.rater == Rater.CUSTOMER.value,
                        col(RatingRow.created_at) >= since,
                    )
                    .group_by(col(RatingRow.worker_id))
                )
            ).all()
        )
        return {
            w: WorkerRecord(
                accepted=int(accepted.get(w, 0)),
                finished=finished.get(w, (0, 0))[0],
                complaints=int(complaints.get(w, 0)),
                late=finished.get(w, (0, 0))[1],
                rating_x100=int(round(float(ratings[w]))) if ratings.get(w) is not None else 500,
            )
            for w in ids
        }
