"""Long placements' contracts (``domain.placements``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.lifecycle import OrderStatus
from domain.placement_billing import BillingPeriod
from domain.placements import ContractPeriod, Placement, PlacementStatus
from store.spend_queries import fees_kept
from store.tables import (
    OrderRow,
    PlacementHandoverRow,
    PlacementPeriodRow,
    PlacementRow,
)

OPEN = (PlacementStatus.ACTIVE.value,)
CLOSED = (OrderStatus.CANCELLED.value, OrderStatus.REFUNDED.value)


class PlacementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, placement: Placement) -> Placement:
        p = placement.period
        row = PlacementRow(
            order_id=placement.order_id,
            customer_id=placement.customer_id,
            item_id=placement.item_id,
            start_at=p.start_at,
            end_at=p.end_at,
            first_day=p.first_day,
            last_day=p.last_day,
            days=p.days,
            live_in=p.live_in,
            daily_hours=p.daily_hours,
            weekdays="".join(str(d) for d in p.weekdays),
            status=placement.status.value,
            replacements_used=placement.replacements_used,
            created_at=placement.created_at,
        )
        self._s.add(row)
        await self._s.flush()
        placement.id = row.id
        return placement

    async def for_order(self, order_id: int) -> Placement | None:
        rows = await self._s.exec(select(PlacementRow).where(PlacementRow.order_id == order_id))
        row = rows.first()
        return None if row is None else _placement(row)

    async def get(self, placement_id: int) -> Placement | None:
        row = await self._s.get(PlacementRow, placement_id)
        return None if row is None else _placement(row)

    async def add_periods(self, placement_id: int, periods: list[BillingPeriod]) -> None:
        for p in periods:
            self._s.add(
                PlacementPeriodRow(
                    placement_id=placement_id,
                    seq=p.seq,
                    first_day=p.first_day,
                    last_day=p.last_day,
                    days=p.days,
                    amount_cents=p.amount_cents,
                    starts_at=p.starts_at,
                    ends_at=p.ends_at,
                    due_at=p.due_at,
                )
            )
        await self._s.flush()

    async def periods(self, placement_id: int) -> list[BillingPeriod]:
        rows = await self._s.exec(
            select(PlacementPeriodRow)
            .where(PlacementPeriodRow.placement_id == placement_id)
            .order_by(col(PlacementPeriodRow.seq))
        )
        return [_period(r) for r in rows.all()]

    async def to_remind(self, due_before: datetime, limit: int) -> list[tuple[int, int]]:
        """(placement, seq) of active placements' periods due before ``due_before`` whose
        customer was not asked yet."""
        rows = await self._s.exec(
            select(PlacementPeriodRow.placement_id, PlacementPeriodRow.seq)
            .join(PlacementRow, col(PlacementRow.id) == col(PlacementPeriodRow.placement_id))
            .where(
                col(PlacementPeriodRow.reminded_at).is_(None),
                col(PlacementPeriodRow.due_at) <= due_before,
                col(PlacementRow.status).in_(OPEN),
            )
            .order_by(col(PlacementPeriodRow.due_at))
            .limit(limit)
        )
        return [(int(p), int(q)) for p, q in rows.all()]

    async def to_settle(self, ended_by: datetime, limit: int) -> list[tuple[int, int]]:
        """(placement, seq) of periods over by ``ended_by`` and not settled yet, whose order
        is paid for them (or was cancelled): a period still unpaid waits without keeping the
        others out of the batch."""
        earlier = aliased(PlacementPeriodRow)
        owed = (
            select(func.sum(earlier.amount_cents))
            .where(
                earlier.placement_id == PlacementPeriodRow.placement_id,
                earlier.seq <= PlacementPeriodRow.seq,
            )
            .scalar_subquery()
        )
        rows = await self._s.exec(
            select(PlacementPeriodRow.placement_id, PlacementPeriodRow.seq)
            .join(PlacementRow, col(PlacementRow.id) == col(PlacementPeriodRow.placement_id))
            .join(OrderRow, col(OrderRow.id) == col(PlacementRow.order_id))
            .where(
                col(PlacementPeriodRow.settled_at).is_(None),
                col(PlacementPeriodRow.ends_at) <= ended_by,
                or_(
                    col(OrderRow.paid_cents) - col(OrderRow.refunded_cents) - fees_kept() >= owed,
                    col(OrderRow.status).in_(CLOSED),
                ),
            )
            .order_by(col(PlacementPeriodRow.ends_at))
            .limit(limit)
        )
        return [(int(p), int(q)) for p, q in rows.all()]

    async def claim(self, placement_id: int, seq: int, what: str, at: datetime) -> bool:
        """Mark a period ``reminded`` or ``settled`` once: False when it already was (by
        another process too)."""
        name = {"reminded": "reminded_at", "settled": "settled_at"}[what]
        column = getattr(PlacementPeriodRow, name)
        result = await self._s.exec(
            update(PlacementPeriodRow)
            .where(
                col(PlacementPeriodRow.placement_id) == placement_id,
                col(PlacementPeriodRow.seq) == seq,
                col(column).is_(None),
            )
            .values({name: at})
        )
        return result.rowcount == 1

    async def ask_replacement(
        self, placement_id: int, from_worker: int, reason: str, asked_by: str, at: datetime
    ) -> int:
        """A replacement asked for (the one still open, if there is one: its id)."""
        open_id = await self.open_replacement(placement_id)
        if open_id is not None:
            return open_id
        row = PlacementHandoverRow(
            placement_id=placement_id,
            from_worker_id=from_worker,
            reason=reason[:200],
            asked_by=asked_by,
            asked_at=at,
        )
        self._s.add(row)
        await self._s.flush()
        assert row.id is not None
        return row.id

    async def open_replacement(self, placement_id: int) -> int | None:
        rows = await self._s.exec(
            select(PlacementHandoverRow.id).where(
                PlacementHandoverRow.placement_id == placement_id,
                col(PlacementHandoverRow.done_at).is_(None),
            )
        )
        found = rows.first()
        return None if found is None else int(found)

    async def hand_over(
        self,
        placement_id: int,
        from_worker: int,
        to_worker: int,
        on: date,
        at: datetime,
        *,
        asked_by: str,
    ) -> bool:
        """Record the hand-over (closing the open request; else as an admin's own); True
        when it answered a customer's request (it counts as one of their replacements)."""
        open_id = await self.open_replacement(placement_id)
        row = await self._s.get(PlacementHandoverRow, open_id) if open_id is not None else None
        if row is None:
            row = PlacementHandoverRow(
                placement_id=placement_id,
                from_worker_id=from_worker,
                asked_by=asked_by,
                asked_at=at,
            )
            self._s.add(row)
        row.to_worker_id, row.handover_on, row.done_at = to_worker, on, at
        await self._s.flush()
        return row.asked_by == "customer"

    async def handovers(self, placement_id: int) -> list[tuple[date, int, int]]:
        """(date, from, to) of every hand-over done, in order."""
        rows = await self._s.exec(
            select(PlacementHandoverRow)
            .where(
                PlacementHandoverRow.placement_id == placement_id,
                col(PlacementHandoverRow.done_at).is_not(None),
            )
            .order_by(col(PlacementHandoverRow.id))
        )
        return [
            (r.handover_on, r.from_worker_id, r.to_worker_id)
            for r in rows.all()
            if r.handover_on is not None and r.to_worker_id is not None
        ]

    async def move(
        self, placement_id: int, period: ContractPeriod, periods: list[BillingPeriod]
    ) -> None:
        """A placement rescheduled before it started: its new period and billing periods."""
        row = await self._s.get(PlacementRow, placement_id)
        assert row is not None
        row.start_at, row.end_at = period.start_at, period.end_at
        row.first_day, row.last_day = period.first_day, period.last_day
        await self._s.exec(
            delete(PlacementPeriodRow).where(col(PlacementPeriodRow.placement_id) == placement_id)
        )
        await self.add_periods(placement_id, periods)

    async def set_interview(self, placement_id: int, at: datetime) -> None:
        row = await self._s.get(PlacementRow, placement_id)
        assert row is not None
        row.interview_at = at
        await self._s.flush()

    async def set_status(self, placement_id: int, status: PlacementStatus) -> None:
        row = await self._s.get(PlacementRow, placement_id)
        assert row is not None
        row.status = status.value
        await self._s.flush()

    async def to_offer_renewal(self, ending_before: datetime, limit: int) -> list[int]:
        """Active placements ending before ``ending_before`` not offered a renewal yet."""
        rows = await self._s.exec(
            select(PlacementRow.id)
            .where(
                col(PlacementRow.status).in_(OPEN),
                col(PlacementRow.renewal_offered_at).is_(None),
                col(PlacementRow.end_at) <= ending_before,
            )
            .order_by(col(PlacementRow.end_at))
            .limit(limit)
        )
        return [int(i) for i in rows.all() if i is not None]

    async def claim_renewal(self, placement_id: int, at: datetime) -> bool:
        result = await self._s.exec(
            update(PlacementRow)
            .where(
                col(PlacementRow.id) == placement_id,
                col(PlacementRow.renewal_offered_at).is_(None),
            )
            .values(renewal_offered_at=at)
        )
        return result.rowcount == 1

    async def count_replacement(self, placement_id: int) -> None:
        row = await self._s.get(PlacementRow, placement_id)
        assert row is not None
        row.replacements_used += 1
        await self._s.flush()


def _period(r: PlacementPeriodRow) -> BillingPeriod:
    return BillingPeriod(
        seq=r.seq,
        first_day=r.first_day,
        last_day=r.last_day,
        days=r.days,
        amount_cents=r.amount_cents,
        starts_at=r.starts_at,
        ends_at=r.ends_at,
        due_at=r.due_at,
    )


def _placement(r: PlacementRow) -> Placement:
    period = ContractPeriod(
        start_at=r.start_at,
        end_at=r.end_at,
        first_day=r.first_day,
        last_day=r.last_day,
        days=r.days,
        live_in=r.live_in,
        daily_hours=r.daily_hours,
        weekdays=tuple(int(d) for d in r.weekdays),
    )
    return Placement(
        order_id=r.order_id,
        customer_id=r.customer_id,
        item_id=r.item_id,
        period=period,
        created_at=r.created_at,
        status=PlacementStatus(r.status),
        replacements_used=r.replacements_used,
        interview_at=r.interview_at,
        id=r.id,
    )
