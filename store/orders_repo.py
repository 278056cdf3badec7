"""Orders with their quote lines and timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Row,
    func,
)
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.errors import ConcurrentUpdate as ConcurrentUpdate  # raised here, named by callers
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.orders import Order, OrderId
from domain.payments import Payment
from domain.pricing import QuoteLine
from store.crypto import PiiCipher
from store.money_repo import payment_from_row
from store.new_orders import draw_number, event_rows, insert_order
from store.order_queries import (
    CANCELLATIONS,
    LIVE,
    ORDER_LOCKED,
    PAID_ORDER_LOCKED,
    customer_stats,
    stats_params,
)
from store.order_rows import (
    lines_from_rows,
    order_from_row,
    plain_columns,
    sealed_columns,
)
from store.order_saves import save_order
from store.order_sweeps import OrderSweeps
from store.prepared import fetch, in_chunks, select_one, select_rows
from store.tables import OrderRow
from store.tables.core import ORDER_EVENTS, ORDERS, QUOTE_LINES

BOOKED = select(OrderRow.worker_id, OrderRow.start_at, OrderRow.duration_minutes, OrderRow.status)


class OrderRepository(OrderSweeps):
    """Loads and saves ``Order`` aggregates; ``save`` refuses lost updates (version check)."""

    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._cipher = cipher
        self.seen: list[Order] = []
        self._stored: dict[int, dict[str, Any]] = {}
        """Each order's columns as this unit of work read or wrote them (plain values)."""
        self._drawn: set[int] = set()
        """Numbers handed out by ``next_number``: ``add`` draws again when one is taken."""

    async def next_number(self) -> int:
        """A random order number (6 digits) for a new order; ``add`` makes sure it is free,
        drawing another when an order already has it (no query here)."""
        number = draw_number(0)
        self._drawn.add(number)
        return number

    async def add(self, order: Order, payment: Payment | None = None) -> Order:
        """Insert the order with its quote lines, timeline and first ``payment`` request (one
        statement on PostgreSQL: ``store.new_orders``). A number from ``next_number`` that
        another order holds is drawn again (``Order.renumber``; 7 digits once 6 get crowded);
        any other number taken fails as a duplicate."""
        plain = plain_columns(order)
        values = {
            "number": order.number,
            "customer_id": order.customer_id,
            "updated_at": order.created_at,
            "version": order.version,
            **self._seal(plain),
        }
        lines = [  # the lines' ids are never needed
            {
                "seq": seq,
                "kind": line.kind.value,
                "label_zh": line.label.get("zh"),
                "label_en": line.label.get("en"),
                "amount_cents": line.amount_cents,
                "item_id": line.item_id,
            }
            for seq, line in enumerate(order.lines)
        ]
        events = event_rows(order.timeline)
        drawn = order.number in self._drawn
        for attempt in range(1, 21):
            order_id = await insert_order(self._s, values, lines, events, payment, if_free=drawn)
            if order_id is not None:
                break
            order.renumber(draw_number(attempt))
            values["number"] = order.number
        else:
            raise DomainError("no free order number")  # pragma: no cover - 9M numbers
        order.id = OrderId(order_id)
        self._stored[order_id] = plain
        order.stored_events = len(order.timeline)
        self.seen.append(order)
        return order

    async def save(self, order: Order, now: datetime, *, if_changed: bool = False) -> None:
        """Write the order's changes; raises ConcurrentUpdate if it changed since it was read
        (``if_changed``: nothing is sent when nothing changed since it was read or written).

        One prepared table-level UPDATE (with the new timeline events' INSERT: one statement
        on PostgreSQL, ``store.order_saves``), not the ORM's (most of a save's cost); the
        session's copy of the row is dropped, so a later read loads it fresh.

        Only the columns that differ from what this unit of work read are set (all of them
        for an order it did not read): SQLite rewrites an index entry for every column in
        the SET list, and the orders table has nine indexes, most of a payment's WAL pages."""
        assert order.id is not None
        plain = plain_columns(order)
        stored = self._stored.get(order.id)
        changed = plain if stored is None else {k: v for k, v in plain.items() if stored[k] != v}
        if if_changed and not changed and order.stored_events == len(order.timeline):
            return
        values = self._seal(changed)
        values.update(version=order.version + 1, updated_at=now)
        events = event_rows(order.timeline[order.stored_events :])
        if await save_order(self._s, values, order.id, order.version, events) != 1:
            raise ConcurrentUpdate(order.number)
        order.version += 1
        self._stored[order.id] = plain
        order.stored_events = len(order.timeline)

    async def get(self, order_id: int, *, full: bool = True, lock: bool = False) -> Order | None:
        """The order; ``full=False`` skips its quote lines and past timeline (one query) for
        callers that only change status and money — new timeline events are still saved.
        ``lock``: read with the order's row lock (``lock``), in the same statement."""
        if lock:
            rows = await fetch(self._s, ORDER_LOCKED, {"id": order_id})
            row = rows[0] if rows else None
        else:
            row = await select_one(self._s, ORDERS, id=order_id)
        return await self._load(row, full) if row else None

    async def of_payment(self, reference: str) -> tuple[Order, Payment] | None:
        """An order's payment request and the order under its row lock, in one statement
        (``full=False``, as ``get``); None if no order's request has ``reference``."""
        rows = await fetch(self._s, PAID_ORDER_LOCKED, {"reference": reference})
        if not rows:
            return None
        payment = payment_from_row(rows[0], prefix="payment_")
        return await self._load(rows[0], full=False), payment

    async def quote_lines(self, order_id: int) -> tuple[QuoteLine, ...]:
        """The order's quote lines (for an order read without them, ``full=False``)."""
        rows = await select_rows(self._s, QUOTE_LINES, order_by=("seq",), order_id=order_id)
        return lines_from_rows(rows)

    async def by_number(
        self, number: int, *, full: bool = True, timeline: bool = True
    ) -> Order | None:
        """The order; ``timeline=False`` leaves out its past timeline (new events are still
        saved) for callers that do not show it."""
        row = await select_one(self._s, ORDERS, number=number)
        return await self._load(row, full, timeline) if row else None

    async def for_customer(self, customer_id: int, limit: int = 10) -> list[Order]:
        rows = await self._s.exec(
            select(OrderRow)
            .where(OrderRow.customer_id == customer_id)
            .order_by(col(OrderRow.created_at).desc(), col(OrderRow.id).desc())
            .limit(limit)
        )
        return [await self._load(r, full=False) for r in rows.all()]

    async def lock(self, order_id: int) -> None:
        """Take the order's row lock for this transaction (PostgreSQL; SQLite has one writer).

        Everything that changes an order and its offers takes the order first, so two
        transactions never wait on each other's rows in opposite order.
        """
        if self._dialect() == "sqlite":
            return  # one writer at a time already; the statement would only cost time
        await self._s.exec(select(OrderRow.id).where(OrderRow.id == order_id).with_for_update())

    async def customer_stats(
        self, customer_id: int, counted: Sequence[OrderStatus], since: datetime
    ) -> tuple[int, int]:
        """(orders in ``counted`` statuses, paid minus refunded on orders since ``since``)."""
        params = stats_params(customer_id, counted, since)
        [(count, spend)] = await fetch(self._s, customer_stats(len(counted)), params)
        return int(count), int(spend)

    async def worker_bookings(
        self,
        worker_ids: Sequence[int],
        since: datetime,
        until: datetime,
        reach_back: timedelta = timedelta(0),
    ) -> list[tuple[int, datetime, int, OrderStatus]]:
        """(worker, start, minutes, status) of the workers' live jobs that overlap the window:
        starting in it, or up to ``reach_back`` before it and still running at its start (a
        long placement started weeks ago)."""
        found: list[tuple[int, datetime, int, OrderStatus]] = []
        for ids in in_chunks(worker_ids):
            rows = await self._s.exec(
                BOOKED.where(
                    col(OrderRow.worker_id).in_(ids),
                    col(OrderRow.status).in_([s.value for s in LIVE]),
                    col(OrderRow.start_at) >= since - reach_back,
                    col(OrderRow.start_at) < until,
                )
            )
            found += [
                (int(w), start, int(minutes), OrderStatus(status))
                for w, start, minutes, status in rows.all()
                if w is not None  # always: IN (...) matches no NULL
                and (start >= since or start + timedelta(minutes=int(minutes)) > since)
            ]
        return found

    async def rework_for(self, order_id: int) -> int | None:
        """The number of the free rework booked for an order, if any."""
        rows = await self._s.exec(select(OrderRow.number).where(OrderRow.rework_of == order_id))
        number = rows.first()
        return int(number) if number is not None else None

    async def cancellations_by_customer(self, customer_id: int, since: datetime) -> int:
        """Orders this customer cancelled themselves since ``since``."""
        [(count,)] = await fetch(self._s, CANCELLATIONS, {"customer": customer_id, "since": since})
        return int(count)

    async def late_arrivals(self, worker_id: int, since: datetime, grace_minutes: int) -> int:
        result = await self._s.exec(
            select(func.count())
            .select_from(OrderRow)
            .where(
                OrderRow.worker_id == worker_id,
                col(OrderRow.arrived_at) >= since,
                OrderRow.late_minutes > grace_minutes,
            )
        )
        return int(result.one())

    async def for_worker(
        self, worker_id: int, statuses: Sequence[OrderStatus], limit: int = 20
    ) -> list[Order]:
        rows = await self._s.exec(
            select(OrderRow)
            .where(
                OrderRow.worker_id == worker_id,
                col(OrderRow.status).in_([s.value for s in statuses]),
            )
            .order_by(col(OrderRow.start_at))
            .limit(limit)
        )
        return [await self._load(r, full=False) for r in rows.all()]

    async def _load(
        self, row: OrderRow | Row[*tuple[Any, ...]], full: bool = True, timeline: bool = True
    ) -> Order:
        assert row.id is not None
        lines: Sequence[Row[*tuple[Any, ...]]] = []
        events: Sequence[Row[*tuple[Any, ...]]] = []
        if full:
            lines = await select_rows(self._s, QUOTE_LINES, order_by=("seq",), order_id=row.id)
        if full and timeline:
            events = await select_rows(self._s, ORDER_EVENTS, order_by=("id",), order_id=row.id)
        order = order_from_row(row, lines, events, self._cipher)
        self.seen.append(order)
        self._stored[row.id] = plain_columns(order)
        return order

    def _dialect(self) -> str:
        assert self._s.bind is not None  # Database binds every session to its engine
        return self._s.bind.dialect.name

    def _seal(self, plain: dict[str, Any]) -> dict[str, Any]:
        return sealed_columns(plain, self._cipher)
