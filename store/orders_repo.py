"""Orders with their quote lines and timeline."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Row,
    Select,
    Table,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    update,
)
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor, Order, OrderEvent, OrderId, OrderNumber
from domain.pricing import LineKind, QuoteLine, Selection
from domain.reminders import CLAIM_STATUSES, UPCOMING, Reminder
from domain.text import Text
from store.crypto import PiiCipher
from store.people_repo import point_from_text, point_to_text
from store.prepared import fetch, insert_many, insert_one, select_one, select_rows, update_where
from store.tables import OrderEventRow, OrderRow, QuoteLineRow

LIVE = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)


_REMINDER_COLUMNS = {
    Reminder.DAY: col(OrderRow.reminded_day_at),
    Reminder.HOUR: col(OrderRow.reminded_hour_at),
    Reminder.CONFIRM: col(OrderRow.confirm_reminded_at),
}


# Core tables: SQLModel sets ``__table__`` on a table class but does not declare it
ORDERS: Table = OrderRow.__table__  # type: ignore[attr-defined]
QUOTE_LINES: Table = QuoteLineRow.__table__  # type: ignore[attr-defined]
ORDER_EVENTS: Table = OrderEventRow.__table__  # type: ignore[attr-defined]


# built once (every quote and every new order reads them); IN lists as separate parameters,
# which a statement compiled once can take (store.sqlite.direct)
@lru_cache(maxsize=8)
def _customer_stats(counted: int) -> Select[Any]:
    """The customer's stats statement for ``counted`` statuses (``counted_0`` ...)."""
    statuses: list[BindParameter[str]] = [bindparam(f"counted_{i}") for i in range(counted)]
    return select(
        func.coalesce(
            func.sum(case((col(OrderRow.status).in_(statuses), 1), else_=0)),
            0,
        ),
        func.coalesce(
            func.sum(
                case(
                    (
                        col(OrderRow.created_at) >= bindparam("since"),
                        OrderRow.paid_cents - OrderRow.refunded_cents,
                    ),
                    else_=0,
                )
            ),
            0,
        ),
    ).where(col(OrderRow.customer_id) == bindparam("customer"))


_PREVIOUS_WORKERS = (
    select(OrderRow.worker_id)
    .distinct()
    .where(
        col(OrderRow.customer_id) == bindparam("customer"),
        col(OrderRow.worker_id).is_not(None),
        col(OrderRow.status).in_([literal("confirmed"), literal("settled")]),
    )
)
_CANCELLATIONS = (
    select(func.count())
    .select_from(OrderEventRow)
    .join(OrderRow, col(OrderRow.id) == col(OrderEventRow.order_id))
    .where(
        col(OrderRow.customer_id) == bindparam("customer"),
        OrderEventRow.to_status == OrderStatus.CANCELLED.value,
        OrderEventRow.actor_kind == ActorKind.CUSTOMER.value,
        col(OrderEventRow.at) >= bindparam("since"),
    )
)


class ConcurrentUpdate(DomainError):
    """Someone else changed the order first; reload and try again."""

    def __init__(self, number: int) -> None:
        super().__init__(
            f"订单 #{number} 刚被他人更新,请重试 / order #{number} changed, try again"
        )


def selection_to_json(sel: Selection) -> dict[str, Any]:
    return {
        "item_id": sel.item_id,
        "quantity": sel.quantity,
        "area_sqm": sel.area_sqm,
        "option_ids": list(sel.option_ids),
        "high_altitude": sel.high_altitude,
    }


def selection_from_json(data: dict[str, Any]) -> Selection:
    return Selection(
        data["item_id"],
        int(data["quantity"]),
        data.get("area_sqm"),
        tuple(data.get("option_ids", ())),
        bool(data.get("high_altitude")),
    )


_SEALED = {"notes_enc": "order.notes", "checkin_enc": "order.checkin"}
"""Encrypted order columns and their encryption contexts."""


class OrderRepository:
    """Loads and saves ``Order`` aggregates; ``save`` refuses lost updates (version check)."""

    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._cipher = cipher
        self.seen: list[Order] = []
        self._stored: dict[int, dict[str, Any]] = {}
        """Each order's columns as this unit of work read or wrote them (plain values)."""

    async def next_number(self) -> int:
        """A fresh random order number (6 digits, 7 once 6 get crowded)."""
        for attempt in range(20):
            digits = 6 if attempt < 10 else 7
            number: int = secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)
            if await select_one(self._s, ORDERS, number=number) is None:
                return number
        raise DomainError("no free order number")  # pragma: no cover - 9M numbers

    async def add(self, order: Order) -> Order:
        order_id = await insert_one(
            self._s,
            ORDERS,
            {
                "number": order.number,
                "customer_id": order.customer_id,
                "updated_at": order.created_at,
                **self._sealed(plain := self._plain(order)),
            },
        )
        order.id = OrderId(order_id)
        self._stored[order_id] = plain
        await insert_many(  # the lines' ids are never needed
            self._s,
            QUOTE_LINES,
            [
                {
                    "order_id": order_id,
                    "seq": seq,
                    "kind": line.kind.value,
                    "label_zh": line.label.zh,
                    "label_en": line.label.en,
                    "amount_cents": line.amount_cents,
                    "item_id": line.item_id,
                }
                for seq, line in enumerate(order.lines)
            ],
        )
        order.stored_events = 0
        await self._append_events(order)
        self.seen.append(order)
        return order

    async def save(self, order: Order, now: datetime) -> None:
        """Write the order's changes; raises ConcurrentUpdate if it changed since it was read.

        One prepared table-level UPDATE: the ORM's version of it rebuilt the statement and
        matched every value against the session's objects, most of a save's cost. The
        session's copy of the row is dropped instead, so a later read loads it fresh.

        Only the columns that differ from what this unit of work read are set (all of them
        for an order it did not read): SQLite rewrites an index entry for every column in
        the SET list, and the orders table has nine indexes, most of a payment's WAL pages."""
        assert order.id is not None
        plain = self._plain(order)
        stored = self._stored.get(order.id)
        changed = plain if stored is None else {k: v for k, v in plain.items() if stored[k] != v}
        values = self._sealed(changed)
        values.update(version=order.version + 1, updated_at=now)
        rows = await update_where(self._s, ORDERS, values, id=order.id, version=order.version)
        if rows != 1:
            raise ConcurrentUpdate(order.number)
        order.version += 1
        self._stored[order.id] = plain
        await self._append_events(order)

    async def get(self, order_id: int, *, full: bool = True) -> Order | None:
        """The order; ``full=False`` skips its quote lines and past timeline (one query) for
        callers that only change status and money — new timeline events are still saved."""
        row = await select_one(self._s, ORDERS, id=order_id)
        return await self._load(row, full) if row else None

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
        assert self._s.bind is not None  # Database binds every session to its engine
        if self._s.bind.dialect.name == "sqlite":
            return  # one writer at a time already; the statement would only cost time
        await self._s.exec(select(OrderRow.id).where(OrderRow.id == order_id).with_for_update())

    async def customer_stats(
        self, customer_id: int, counted: Sequence[OrderStatus], since: datetime
    ) -> tuple[int, int]:
        """(orders in ``counted`` statuses, paid minus refunded on orders since ``since``)."""
        params: dict[str, Any] = {"customer": customer_id, "since": since}
        params.update({f"counted_{i}": status.value for i, status in enumerate(counted)})
        [(count, spend)] = await fetch(self._s, _customer_stats(len(counted)), params)
        return int(count), int(spend)

    async def worker_bookings(
        self, worker_ids: Sequence[int], since: datetime, until: datetime
    ) -> list[tuple[int, datetime, int, OrderStatus]]:
        """(worker, start, minutes, status) of the workers' live jobs starting in the window."""
        if not worker_ids:
            return []
        rows = await self._s.exec(
            select(
                OrderRow.worker_id, OrderRow.start_at, OrderRow.duration_minutes, OrderRow.status
            ).where(
                col(OrderRow.worker_id).in_(list(worker_ids)),
                col(OrderRow.status).in_([s.value for s in LIVE]),
                col(OrderRow.start_at) >= since,
                col(OrderRow.start_at) < until,
            )
        )
        return [
            (int(w), start, int(minutes), OrderStatus(status))
            for w, start, minutes, status in rows.all()
            if w is not None  # always: IN (...) matches no NULL
        ]

    async def previous_workers(self, customer_id: int) -> set[int]:
        """Workers who completed a job for this customer."""
        rows = await fetch(self._s, _PREVIOUS_WORKERS, {"customer": customer_id})
        return {int(w) for (w,) in rows if w is not None}

    async def rework_for(self, order_id: int) -> int | None:
        """The number of the free rework booked for an order, if any."""
        rows = await self._s.exec(select(OrderRow.number).where(OrderRow.rework_of == order_id))
        number = rows.first()
        return int(number) if number is not None else None

    async def cancellations_by_customer(self, customer_id: int, since: datetime) -> int:
        """Orders this customer cancelled themselves since ``since``."""
        [(count,)] = await fetch(
            self._s, _CANCELLATIONS, {"customer": customer_id, "since": since}
        )
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

    async def waiting_batch(self, limit: int = 500) -> list[int]:
        """Ids of paid orders waiting for the batch assignment."""
        rows = await self._s.exec(
            select(OrderRow.id)
            .where(
                OrderRow.status == OrderStatus.DISPATCHING.value, OrderRow.dispatch_note == "batch"
            )
            .order_by(col(OrderRow.start_at))
            .limit(limit)
        )
        return [int(i) for i in rows.all() if i is not None]

    async def due_auto_confirm(self, now: datetime, limit: int = 100) -> list[int]:
        """Ids of finished orders whose confirmation deadline has passed."""
        rows = await self._s.exec(
            select(OrderRow.id)
            .where(
                OrderRow.status == OrderStatus.FINISHED.value, col(OrderRow.auto_confirm_at) <= now
            )
            .order_by(col(OrderRow.auto_confirm_at))
            .limit(limit)
        )
        return [int(i) for i in rows.all() if i is not None]

    async def due_unpaid(
        self,
        placed_before: datetime,
        visit_before: datetime,
        *,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[int]:
        """Ids (from ``after_id``, in order: pages) of orders awaiting payment that may be past
        their pay-by time (``domain.payments.pay_by`` decides): placed before
        ``placed_before``, and for a recurring visit starting before ``visit_before`` too."""
        rows = await self._s.exec(
            select(OrderRow.id)
            .where(
                col(OrderRow.id) > after_id,
                OrderRow.status == OrderStatus.AWAITING_PAYMENT.value,
                col(OrderRow.created_at) <= placed_before,
                or_(
                    col(OrderRow.subscription_id).is_(None),
                    col(OrderRow.start_at) <= visit_before,
                ),
            )
            .order_by(col(OrderRow.id))
            .limit(limit)
        )
        return [int(i) for i in rows.all() if i is not None]

    async def reminder_candidates(
        self,
        now: datetime,
        ahead: timedelta,
        confirm_after: timedelta,
        *,
        after_id: int = 0,
        limit: int = 200,
    ) -> list[Order]:
        """Orders that may be due a reminder (``domain.reminders.due_reminder`` decides), by
        id from ``after_id`` (pages): accepted or on the way, starting within ``ahead`` and not
        reminded of both; finished at least ``confirm_after`` ago and not reminded to
        confirm."""
        upcoming = (
            col(OrderRow.status).in_([s.value for s in UPCOMING]),
            col(OrderRow.start_at) > now,
            col(OrderRow.start_at) <= now + ahead,
            or_(col(OrderRow.reminded_day_at).is_(None), col(OrderRow.reminded_hour_at).is_(None)),
        )
        finished = (
            col(OrderRow.status) == OrderStatus.FINISHED.value,
            col(OrderRow.confirm_reminded_at).is_(None),
            col(OrderRow.finished_at) <= now - confirm_after,
        )
        rows = await self._s.exec(
            select(OrderRow)
            .where(col(OrderRow.id) > after_id, or_(and_(*upcoming), and_(*finished)))
            .order_by(col(OrderRow.id))
            .limit(limit)
        )
        return [await self._load(r, full=False) for r in rows.all()]

    async def claim_reminder(self, order_id: int, reminder: Reminder, now: datetime) -> bool:
        """Mark the reminder sent, if nobody has and the order is still in a status it is
        for; True when this transaction got it (commit it with the outbox message).

        Not a versioned ``save``: a reminder must not make a worker's concurrent "on my way"
        fail, and ``save`` never writes these columns, so neither undoes the other."""
        column = _REMINDER_COLUMNS[reminder]
        result = await self._s.exec(
            update(OrderRow)
            .where(
                col(OrderRow.id) == order_id,
                column.is_(None),
                col(OrderRow.status).in_([s.value for s in CLAIM_STATUSES[reminder]]),
            )
            .values({column: now})
        )
        return result.rowcount == 1

    def _plain(self, order: Order) -> dict[str, Any]:
        """The order's columns, the encrypted ones (``_SEALED``) still in plain text: a
        ciphertext differs on every write, so changes are found on the plain values."""
        return {
            "address_id": order.address_id,
            "worker_id": order.worker_id,
            "preferred_worker_id": order.preferred_worker_id,
            "item_id": order.item_id,
            "selections": [selection_to_json(s) for s in order.selections],
            "bundle_id": order.bundle_id,
            "status": order.status.value,
            "start_at": order.start_at,
            "asap": order.asap,
            "duration_minutes": order.duration_minutes,
            "notes_enc": order.notes,
            "channel": order.channel,
            "lang": order.lang,
            "total_cents": order.total_cents,
            "deposit_cents": order.deposit_cents,
            "paid_cents": order.paid_cents,
            "refunded_cents": order.refunded_cents,
            "coupon_code": order.coupon_code,
            "points_used": order.points_used,
            "created_at": order.created_at,
            "dispatch_mode": order.dispatch_mode,
            "dispatch_round": order.dispatch_round,
            "dispatch_note": order.dispatch_note,
            "accepted_at": order.accepted_at,
            "departed_at": order.departed_at,
            "arrived_at": order.arrived_at,
            "finished_at": order.finished_at,
            "auto_confirm_at": order.auto_confirm_at,
            "late_minutes": order.late_minutes,
            "eta_minutes": order.eta_minutes,
            "checkin_enc": point_to_text(order.checkin),
            "transfer_from_worker_id": order.transfer_from_worker_id,
            "transfer_compensation_cents": order.transfer_compensation_cents,
            "hold_reason": order.hold_reason,
            "rework_of": order.rework_of,
            "subscription_id": order.subscription_id,
        }

    def _sealed(self, plain: dict[str, Any]) -> dict[str, Any]:
        """``plain`` with its encrypted columns encrypted."""
        values = dict(plain)
        for column, context in _SEALED.items():
            if column in values:
                values[column] = self._cipher.encrypt(context, values[column])
        return values

    async def _append_events(self, order: Order) -> None:
        assert order.id is not None
        new = order.timeline[order.stored_events :]
        await insert_many(
            self._s,
            ORDER_EVENTS,
            [
                {
                    "order_id": order.id,
                    "from_status": ev.from_status,
                    "to_status": ev.to_status,
                    "action": ev.action,
                    "actor_kind": ev.actor.kind.value,
                    "actor_id": ev.actor.id,
                    "at": ev.at,
                    "note": ev.note,
                }
                for ev in new
            ],
        )
        order.stored_events = len(order.timeline)

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
        history = [
            OrderEvent(
                OrderStatus(e.from_status) if e.from_status else None,
                OrderStatus(e.to_status),
                Action(e.action) if e.action else None,
                Actor(ActorKind(e.actor_kind), e.actor_id),
                e.at,
                e.note,
            )
            for e in events
        ]
        order = Order(
            id=OrderId(row.id),
            number=OrderNumber(row.number),
            customer_id=row.customer_id,
            selections=tuple(selection_from_json(s) for s in row.selections),
            start_at=row.start_at,
            lines=tuple(
                QuoteLine(
                    LineKind(q.kind), Text(q.label_zh, q.label_en), q.amount_cents, q.item_id
                )
                for q in lines
            ),
            total_cents=row.total_cents,
            deposit_cents=row.deposit_cents,
            created_at=row.created_at,
            channel=row.channel,
            lang=row.lang,
            address_id=row.address_id,
            asap=row.asap,
            notes=self._cipher.decrypt("order.notes", row.notes_enc),
            bundle_id=row.bundle_id,
            coupon_code=row.coupon_code,
            points_used=row.points_used,
            duration_minutes=row.duration_minutes,
            status=OrderStatus(row.status),
            paid_cents=row.paid_cents,
            refunded_cents=row.refunded_cents,
            worker_id=row.worker_id,
            preferred_worker_id=row.preferred_worker_id,
            version=row.version,
            timeline=history,
            dispatch_mode=row.dispatch_mode,
            dispatch_round=row.dispatch_round,
            dispatch_note=row.dispatch_note,
            accepted_at=row.accepted_at,
            departed_at=row.departed_at,
            arrived_at=row.arrived_at,
            finished_at=row.finished_at,
            auto_confirm_at=row.auto_confirm_at,
            late_minutes=row.late_minutes,
            eta_minutes=row.eta_minutes,
            checkin=point_from_text(self._cipher.decrypt("order.checkin", row.checkin_enc)),
            transfer_from_worker_id=row.transfer_from_worker_id,
            transfer_compensation_cents=row.transfer_compensation_cents,
            hold_reason=row.hold_reason,
            rework_of=row.rework_of,
            subscription_id=row.subscription_id,
            reminded_day_at=row.reminded_day_at,
            reminded_hour_at=row.reminded_hour_at,
            confirm_reminded_at=row.confirm_reminded_at,
        )
        order.stored_events = len(history)
        self.seen.append(order)
        self._stored[row.id] = self._plain(order)
        return order
