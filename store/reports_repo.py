"""Read-only order reports for the admin dashboard: a few GROUP BY queries, plain dataclasses
out (workers and complaints: ``quality_reports_repo``; money: ``money_reports_repo``).

Business days and hours of day come from 15-minute UTC slots (``quarter_hour``), grouped in
SQL and mapped to local time here: every timezone offset is a whole number of quarter hours,
so the mapping is exact (daylight saving included) and the same SQL runs on SQLite and
PostgreSQL without a timezone database inside the query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, exists, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.lifecycle import OrderStatus
from store.tables import AddressRow, OrderEventRow, OrderRow, WorkerRow

SLOT_S = 900
S = OrderStatus
WAITING = (S.PAID.value, S.DISPATCHING.value)
LATE_IF_NOT_ARRIVED = (S.ACCEPTED.value, S.ON_THE_WAY.value)
BOOKED = and_(
    col(OrderRow.status).not_in([S.QUOTED.value, S.AWAITING_PAYMENT.value]),
    or_(col(OrderRow.status) != S.CANCELLED.value, col(OrderRow.paid_cents) > 0),
)
"""Orders that count as demand (booked, 成交): paid (or past payment), even if refunded later.
Their GMV is ``GMV``, so a refund lowers GMV without taking the order out of demand."""
NET_PAID = col(OrderRow.paid_cents) - col(OrderRow.refunded_cents)
"""An order's share of GMV: what its customer paid less what was refunded to them — not its
price, so an order refunded in full adds nothing and a balance not yet paid is not counted
until it is."""
GMV = func.coalesce(func.sum(NET_PAID), 0)
"""The GMV (fen) of the ``BOOKED`` orders a query selects, the sum of their ``NET_PAID``: the
one definition behind every GMV shown (``/stats``, the dashboard's trend)."""
SERVED = exists().where(
    col(OrderEventRow.order_id) == col(OrderRow.id),
    col(OrderEventRow.to_status) == S.FINISHED.value,
)
"""Orders whose service was done: their timeline reached finished (the worker's 完工, or a
placement ended early), whatever became of them since — a job refunded later (a complaint) was
still done, not cancelled. The one definition behind ``/stats``' completion rate and the
dashboard's jobs done per worker."""


class quarter_hour(FunctionElement[int]):  # noqa: N801 - an SQL function, named like one
    """The number of the 15-minute UTC slot a timestamp column falls in."""

    type = BigInteger()
    name = "quarter_hour"
    inherit_cache = True


@compiles(quarter_hour, "sqlite")
def _quarter_hour_sqlite(element: quarter_hour, compiler: Any, **kw: Any) -> str:
    return (
        f"(CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER) / {SLOT_S})"
    )


@compiles(quarter_hour, "postgresql")
def _quarter_hour_pg(element: quarter_hour, compiler: Any, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"(CAST(FLOOR(EXTRACT(EPOCH FROM {inner})) AS BIGINT) / {SLOT_S})"


def local_time(slot: int, tz: ZoneInfo) -> datetime:
    """The start of a ``quarter_hour`` slot in ``tz``."""
    return datetime.fromtimestamp(int(slot) * SLOT_S, tz)


class Stuck(StrEnum):
    UNACCEPTED = "unaccepted"
    NO_WORKER = "no_worker"
    HELD = "held"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class BoardOrder:
    number: int
    status: OrderStatus
    item_id: str
    start_at: datetime
    district: str
    worker: str
    total_cents: int


@dataclass(frozen=True, slots=True)
class StuckOrder:
    number: int
    status: OrderStatus
    item_id: str
    start_at: datetime
    reason: Stuck
    since: datetime
    """Waiting for a worker since (unaccepted), or due at (late)."""
    note: str = ""
    worker: str = ""


@dataclass(frozen=True, slots=True)
class DayTotal:
    day: date
    orders: int
    gmv_cents: int
    """``GMV``: what was paid on those orders less what was refunded."""


@dataclass(frozen=True, slots=True)
class HeatCell:
    district: str
    hour: int
    orders: int


class ReportsRepository:
    """Order reports: the day's board, stuck orders, orders and GMV per day, demand."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def board(
        self, start: datetime, end: datetime, limit: int = 200
    ) -> tuple[dict[OrderStatus, int], list[BoardOrder]]:
        """Orders starting in [start, end) (quotes left out): counts by status, and the first
        ``limit`` of them by start time."""
        window = and_(
            col(OrderRow.start_at) >= start,
            col(OrderRow.start_at) < end,
            col(OrderRow.status) != S.QUOTED.value,
        )
        counts = await self._s.exec(
            select(OrderRow.status, func.count()).where(window).group_by(col(OrderRow.status))
        )
        rows = await self._s.exec(
            select(OrderRow, AddressRow.district, WorkerRow.name)
            .outerjoin(AddressRow, col(AddressRow.id) == col(OrderRow.address_id))
            .outerjoin(WorkerRow, col(WorkerRow.id) == col(OrderRow.worker_id))
            .where(window)
            .order_by(col(OrderRow.start_at), col(OrderRow.number))
            .limit(limit)
        )
        return {S(status): int(n) for status, n in counts.all()}, [
            BoardOrder(
                o.number,
                S(o.status),
                o.item_id,
                o.start_at,
                district or "",
                worker or "",
                o.total_cents,
            )
            for o, district, worker in rows.all()
        ]

    async def stuck(
        self,
        now: datetime,
        accept_within: timedelta,
        limit: int = 100,
        starting: tuple[datetime, datetime] | None = None,
    ) -> list[StuckOrder]:
        """Paid orders nobody accepted within ``accept_within`` of being paid or released
        (orders waiting for the batch assignment excepted), and accepted orders whose start
        passed without the worker arriving; oldest first. ``starting``: only orders that
        start in [start, end)."""
        since = func.max(OrderEventRow.at)
        on = starting_in(starting)
        waiting = await self._s.exec(
            select(OrderRow, since)
            .join(OrderEventRow, col(OrderEventRow.order_id) == col(OrderRow.id))
            .where(
                col(OrderRow.status).in_(WAITING),
                col(OrderEventRow.to_status).in_(WAITING),
                col(OrderRow.dispatch_note) != "batch",
                *on,
            )
            .group_by(col(OrderRow.id))
            .having(since <= now - accept_within)
            .order_by(since)
            .limit(limit)
        )
        out = [
            StuckOrder(
                o.number, S(o.status), o.item_id, o.start_at, _why_waiting(o), at, o.hold_reason
            )
            for o, at in waiting.all()
        ]
        late = await self._s.exec(
            select(OrderRow, WorkerRow.name)
            .outerjoin(WorkerRow, col(WorkerRow.id) == col(OrderRow.worker_id))
            .where(
                col(OrderRow.status).in_(LATE_IF_NOT_ARRIVED), col(OrderRow.start_at) < now, *on
            )
            .order_by(col(OrderRow.start_at))
            .limit(limit)
        )
        out += [
            StuckOrder(
                o.number,
                S(o.status),
                o.item_id,
                o.start_at,
                Stuck.LATE,
                o.start_at,
                worker=worker or "",
            )
            for o, worker in late.all()
        ]
        return sorted(out, key=lambda s: s.since)

    async def per_day(self, first: date, last: date, tz: ZoneInfo) -> list[DayTotal]:
        """Orders booked (by creation time) and their GMV (``GMV``: paid less refunded, as in
        ``/stats``) per business day, ``first``..``last`` inclusive, days without orders
        included."""
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        slot = quarter_hour(OrderRow.created_at)
        rows = await self._s.exec(
            select(slot, func.count(), GMV)
            .where(*_created_on(first, last, tz), BOOKED)
            .group_by(slot)
        )
        orders: dict[date, int] = defaultdict(int)
        gmv: dict[date, int] = defaultdict(int)
        for s, n, total in rows.all():
            day = local_time(s, tz).date()
            orders[day] += int(n)
            gmv[day] += int(total)
        return [DayTotal(d, orders[d], gmv[d]) for d in days]

    async def demand(self, first: date, last: date, tz: ZoneInfo) -> list[HeatCell]:
        """Orders booked on business days ``first``..``last``, by the district of their
        address and the local hour their service starts (busiest first)."""
        slot = quarter_hour(OrderRow.start_at)
        rows = await self._s.exec(
            select(AddressRow.district, slot, func.count())
            .select_from(OrderRow)
            .outerjoin(AddressRow, col(AddressRow.id) == col(OrderRow.address_id))
            .where(*_created_on(first, last, tz), BOOKED)
            .group_by(col(AddressRow.district), slot)
        )
        cells: dict[tuple[str, int], int] = defaultdict(int)
        for district, s, n in rows.all():
            cells[(district or "", local_time(s, tz).hour)] += int(n)
        return sorted(
            (HeatCell(d, h, n) for (d, h), n in cells.items()),
            key=lambda c: (-c.orders, c.district, c.hour),
        )


def _why_waiting(order: OrderRow) -> Stuck:
    if order.hold_reason:
        return Stuck.HELD
    return Stuck.NO_WORKER if order.dispatch_note == "no_worker" else Stuck.UNACCEPTED


def _created_on(first: date, last: date, tz: ZoneInfo) -> tuple[Any, Any]:
    start, end = day_bounds(first, last, tz)
    return col(OrderRow.created_at) >= start, col(OrderRow.created_at) < end


def day_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the day after ``last``) in the business timezone."""
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


def starting_in(window: tuple[datetime, datetime] | None) -> tuple[Any, ...]:
    """The conditions of an order starting in [start, end) (none for no window)."""
    if window is None:
        return ()
    start, end = window
    return col(OrderRow.start_at) >= start, col(OrderRow.start_at) < end
