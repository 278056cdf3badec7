"""The order queries of the scheduler's sweeps: orders waiting for the batch assignment,
finished ones past their confirmation deadline, unpaid ones past their pay-by time, and the
service reminders (their candidates and each one's claim)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.reminders import CLAIM_STATUSES, UPCOMING, Reminder
from store.order_queries import REMINDER_COLUMNS
from store.tables import OrderRow


class OrderSweeps:
    """``OrderRepository``'s queries for the sweeps (a part of it: its session and loader)."""

    _s: AsyncSession

    async def _load(
        self, row: OrderRow | Row[*tuple[Any, ...]], full: bool = True, timeline: bool = True
    ) -> Order:
        raise NotImplementedError  # OrderRepository's

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
        renewal_before: datetime,
        *,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[int]:
        """Ids (from ``after_id``, in order: pages) of orders awaiting payment that may be past
        their pay-by time (``domain.payments.pay_by`` decides): placed before
        ``placed_before``, and for a recurring visit starting before ``visit_before`` too, for
        a placement's renewal before ``renewal_before``."""
        subscription, renewal = col(OrderRow.subscription_id), col(OrderRow.renewal_of)
        rows = await self._s.exec(
            select(OrderRow.id)
            .where(
                col(OrderRow.id) > after_id,
                OrderRow.status == OrderStatus.AWAITING_PAYMENT.value,
                col(OrderRow.created_at) <= placed_before,
                or_(
                    and_(subscription.is_(None), renewal.is_(None)),
                    and_(subscription.is_not(None), col(OrderRow.start_at) <= visit_before),
                    and_(renewal.is_not(None), col(OrderRow.start_at) <= renewal_before),
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
        column = REMINDER_COLUMNS[reminder]
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

    async def reset_reminders(self, order_id: int) -> None:
        """The visit moved: its day-before and hour-before reminders go out again."""
        await self._s.exec(
            update(OrderRow)
            .where(col(OrderRow.id) == order_id)
            .values(reminded_day_at=None, reminded_hour_at=None)
        )
