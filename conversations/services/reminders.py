"""Service reminders (the day before and the hour before a visit, to the customer and the
worker) and the customer's reminder to confirm a finished job, sent by a scheduler sweep.

Each reminder is claimed by a conditional UPDATE of its ``reminded_*_at`` column, committed
with its outbox messages: several processes sweeping at once send it once, and a crash before
the commit leaves it to the next sweep.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.sweeps import RemindersSent
from conversations.services import payment_requests
from conversations.services.deps import Deps
from conversations.services.notices import Notice, in_both, masked_where, to_customer, to_worker
from domain import commands as c
from domain.errors import DomainError
from domain.execution import expected_arrival
from domain.lifecycle import OrderStatus
from domain.moments import clock_or_when, local_when
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.privacy import loggable_traceback
from domain.reminders import Reminder, due_reminder, lookahead

log = logging.getLogger(__name__)
PAGE = 200


class ReminderDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.SendReminders: self.send_reminders}

    async def send_reminders(self, cmd: c.SendReminders) -> list[Result]:
        now = self.s.clock()
        rules = self.s.rules.notifications
        due: list[tuple[int, Reminder]] = []
        after = 0
        # every candidate, a page at a time; due_reminder has the last word (a booking made
        # less than a day ahead is a candidate but gets no day-before reminder)
        while True:
            async with self.s.uow() as uow:
                page = await uow.orders.reminder_candidates(
                    now,
                    lookahead(rules),
                    timedelta(hours=rules.confirm_reminder_hours),
                    after_id=after,
                    limit=PAGE,
                )
            for order in page:
                kind = due_reminder(order, now, rules)
                if kind is not None and order.id is not None:
                    due.append((order.id, kind))
            if len(page) < PAGE:
                break
            after = max(o.id or 0 for o in page)
        sent = 0
        for order_id, kind in due:
            sent += await self._remind(order_id, kind, now)
        return [RemindersSent(sent)]

    async def _remind(self, order_id: int, kind: Reminder, now: datetime) -> bool:
        try:
            async with self.s.uow() as uow:
                order = await uow.orders.get(order_id, full=False)
                if order is None or due_reminder(order, now, self.s.rules.notifications) != kind:
                    return False  # it moved on since the sweep looked
                if not await uow.orders.claim_reminder(order_id, kind, now):
                    return False  # another process sent it
                notices = await self._notices(uow, order, kind, now)
                posted = await self.s.post(uow, notices)
                await uow.commit()
        except DomainError as exc:  # SQLite: another process holds the write lock
            log.info("reminder %s for order %s: %s", kind.value, order_id, exc)
            return False
        except Exception as exc:  # one broken order must not hold up everyone else's reminders
            log.error(
                "reminder %s for order %s failed\n%s",
                kind.value,
                order_id,
                loggable_traceback(exc),
            )
            return False
        await self.s.flush(posted)
        return True

    async def _notices(
        self, uow: UnitOfWork, order: Order, kind: Reminder, now: datetime
    ) -> list[Notice]:
        if kind == Reminder.CONFIRM:
            # a reschedule fee paid is no part of the price
            balance = order.total_cents - await payment_requests.paid_for_service(uow, order)
            auto = (
                local_when(order.auto_confirm_at, now, self.s.tz)
                if order.auto_confirm_at is not None and balance <= 0
                else ""
            )
            return [
                to_customer(
                    order.customer_id,
                    "confirm_reminder",
                    number=order.number,
                    balance=max(0, balance),
                    auto=auto,
                )
            ]
        worker = await uow.workers.get(order.worker_id) if order.worker_id else None
        address = await uow.addresses.get(order.address_id) if order.address_id else None
        where = masked_where(address)
        common = {
            "number": order.number,
            "item": self._item(order.item_id),
            "when": local_when(order.start_at, now, self.s.tz),
        }
        name = worker.name if worker else ""
        notices: list[Notice] = []
        if kind == Reminder.DAY:
            notices.append(
                to_customer(
                    order.customer_id,
                    "reminder_day",
                    **common,
                    worker=name,
                )
            )
            if worker is not None and worker.id is not None:
                notices.append(
                    to_worker(
                        worker.id,
                        "reminder_day_worker",
                        **common,
                        where=where,
                    )
                )
            return notices
        departed = order.status == OrderStatus.ON_THE_WAY
        at = expected_arrival(order)
        arrive = clock_or_when(at, now, self.s.tz) if at else ""
        notices.append(
            to_customer(
                order.customer_id,
                "reminder_hour",
                **common,
                worker=name,
                departed=departed,
                arrive=arrive,
            )
        )
        if worker is not None and worker.id is not None:
            notices.append(
                to_worker(
                    worker.id, "reminder_hour_worker", **common, where=where, departed=departed
                )
            )
        return notices

    def _item(self, item_id: str) -> dict[str, str]:
        """The service's name (its id when the catalog no longer has it)."""
        try:
            item = self.s.catalog.item(item_id)
        except DomainError:
            return {"zh": item_id, "en": item_id}
        return in_both(item.name)
