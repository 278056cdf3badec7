"""Moving a placed order to another time (``/reschedule`` and the customer's 改约时间).

The new time is checked by ``domain.reschedule`` (free, or the rules' fee, or refused); the
assigned worker keeps the order when nothing of theirs overlaps the new time (the dispatch
overlap rule with its travel buffer), otherwise it is released from them and dispatched
again. The day-before and hour-before reminders go out again for the new time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from conversations.events import Result
from conversations.results.orders import OrderRescheduled
from conversations.services import order_steps, placements
from conversations.services.customer_orders import own_order
from conversations.services.deps import Deps
from conversations.services.dispatch import dispatch
from conversations.services.notices import Notice, to_customer, to_worker
from conversations.services.staff import authorize
from domain import commands as c
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.offers import OfferStatus
from domain.orders import Actor, Order
from domain.ports import UnitOfWork
from domain.pricing import is_night
from domain.reschedule import RescheduleTerms, reschedule_terms
from domain.rules import Rules
from domain.text import N_

FEE_NOT_ONLINE = N_("距开始时间较近,改约需收取改约费,暂不能在线改约;请联系客服或取消后重新预约")


def terms_for(
    order: Order, new_start: datetime, rules: Rules, now: datetime, actor: ActorKind
) -> RescheduleTerms:
    """What moving ``order`` to ``new_start`` costs now (raises when it may not move)."""
    tz = ZoneInfo(rules.timezone)
    return reschedule_terms(
        status=order.status,
        paid_cents=order.paid_cents - order.refunded_cents,
        start_at=order.start_at,
        new_start=new_start,
        now=now,
        rules=rules.reschedule,
        booking=rules.booking,
        actor=actor,
        same_price=is_night(order.start_at, rules.pricing, tz)
        == is_night(new_start, rules.pricing, tz),
    )


async def worker_free(
    uow: UnitOfWork, rules: Rules, order: Order, worker_id: int, new_start: datetime
) -> bool:
    """Whether nothing else of the worker's overlaps the order moved to ``new_start``."""
    bookings = await uow.orders.worker_bookings(
        [worker_id],
        new_start - timedelta(days=1),
        new_start + timedelta(days=1, minutes=order.duration_minutes),
        reach_back=timedelta(days=rules.placements.max_contract_days),
    )
    own = (worker_id, order.start_at, order.duration_minutes)
    others = [b for b in bookings if (b[0], b[1], b[2]) != own]
    if len(others) < len(bookings) - 1:  # another job at the very same time
        return False
    buffer = timedelta(minutes=rules.dispatch.travel_buffer_minutes)
    new_end = new_start + timedelta(minutes=order.duration_minutes)
    return not any(
        new_start < start + timedelta(minutes=minutes) + buffer and start < new_end + buffer
        for _, start, minutes, _ in others
    )


async def move(
    s: Deps,
    uow: UnitOfWork,
    order: Order,
    new_start: datetime,
    actor: Actor,
    fee: int,
    *,
    tell_customer: bool = True,
) -> tuple[list[Notice], bool]:
    """Move the (locked) order; the notices to send and whether its worker kept it."""
    now = s.clock()
    old = order.start_at
    when = new_start.astimezone(s.tz).strftime("%m-%d %H:%M")
    was = old.astimezone(s.tz).strftime("%m-%d %H:%M")
    worker_id = order.worker_id if order.status == OrderStatus.ACCEPTED else None
    kept = worker_id is not None and await worker_free(uow, s.rules, order, worker_id, new_start)
    order.start_at = new_start
    await placements.move(uow, s.catalog, s.rules, order)  # a placement's contract follows
    order.note_event(Action.RESCHEDULE, actor, now, f"{was} → {when}")
    assert order.id is not None
    notices = (
        [to_customer(order.customer_id, "rescheduled", number=order.number, when=when, fee=fee)]
        if tell_customer
        else []
    )
    if worker_id is not None and kept:
        notices.append(
            to_worker(worker_id, "rescheduled_worker", number=order.number, when=when, was=was)
        )
    elif worker_id is not None:
        order.apply(Action.RELEASE, Actor(ActorKind.SYSTEM, "reschedule"), now, "rescheduled")
        order.worker_id, order.accepted_at = None, None
        notices.append(
            to_worker(worker_id, "rescheduled_released", number=order.number, when=when, was=was)
        )
    await uow.orders.save(order, now)
    await uow.orders.reset_reminders(order.id)
    if order.status == OrderStatus.DISPATCHING:
        # open offers were for the old time; offer it again for the new one
        await uow.offers.close_others(order.id, None, OfferStatus.WITHDRAWN, now)
        notices += await dispatch(uow, s.catalog, s.rules, order, now)
    return notices, kept


class RescheduleDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.AdminReschedule: self.admin, c.RescheduleOrder: self.customer}

    async def customer(self, cmd: c.RescheduleOrder) -> list[Result]:
        """The customer moves their order at the fee they were shown. Only a free move is
        done in chat: one with a fee is refused (taking the fee is not built yet)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            order = await own_order(uow, cmd.customer_id, cmd.number, full=False)
            assert order.id is not None
            await uow.orders.lock(order.id)
            terms = terms_for(order, cmd.new_start, self.s.rules, now, ActorKind.CUSTOMER)
            if terms.fee_cents != cmd.expected_fee_cents:
                raise DomainError(N_("改约费用已变化,请重新确认"))
            if terms.fee_cents:
                raise DomainError(FEE_NOT_ONLINE)
            notices, kept = await move(
                self.s,
                uow,
                order,
                cmd.new_start,
                Actor(ActorKind.CUSTOMER, str(cmd.customer_id)),
                0,
                tell_customer=False,
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [OrderRescheduled(order.number, cmd.new_start, 0, kept)]

    async def admin(self, cmd: c.AdminReschedule) -> list[Result]:
        """An admin moves the order for free; audited with the old and new time."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "reschedule", cmd.admin)
            order = await uow.orders.by_number(cmd.number, full=False)
            if order is None or order.id is None:
                raise order_steps.NotFound(cmd.number)
            await uow.orders.lock(order.id)
            old = order.start_at
            terms_for(order, cmd.new_start, self.s.rules, now, ActorKind.ADMIN)
            notices, kept = await move(
                self.s, uow, order, cmd.new_start, Actor(ActorKind.ADMIN, cmd.admin), 0
            )
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "reschedule",
                    f"order:{order.number}",
                    role,
                    {"start_at": old.isoformat()},
                    {"start_at": cmd.new_start.isoformat(), "worker_kept": kept},
                )
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [OrderRescheduled(order.number, cmd.new_start, 0, kept)]
