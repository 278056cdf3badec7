"""Long placements' contracts (``domain.placements``)."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.placements import ContractPeriod, Placement, PlacementStatus
from store.tables import PlacementRow


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
        id=r.id,
    )
