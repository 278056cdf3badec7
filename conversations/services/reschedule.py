"""Moving a placed order to another time (``/reschedule`` and the customer's 改约时间).

The new time is checked by ``domain.reschedule`` (free, or the rules' fee, or refused); the
assigned worker keeps the order; when something of theirs overlaps the new time (the
dispatch overlap rule with its travel buffer) it is offered to a nearby idle worker, who
takes it over with the transfer compensation for the first (``overlaps``). The
day-before and hour-before reminders go out again for the new time.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from conversations.events import Result
from conversations.results.booking import PaymentUnavailable
from conversations.results.orders import OrderRescheduled
from conversations.results.surcharges import RescheduleFeeDue
from conversations.services import (
    order_steps,
    overlaps,
    payment_requests,
    placements,
    refunds,
)
from conversations.services.customer_orders import own_order
from conversations.services.deps import Deps
from conversations.services.dispatch import dispatch
from conversations.services.notices import Notice, to_customer, to_worker
from conversations.services.staff import authorize
from domain import commands as c
from domain.audit import AuditEntry
from domain.catalog import Catalog
from domain.errors import DomainError
from domain.ledger import reschedule_fee_kept
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.moments import When
from domain.offers import OfferStatus
from domain.orders import Actor, Order
from domain.payments import Payment, PaymentKind
from domain.ports import Reads, UnitOfWork
from domain.pricing import is_night
from domain.reschedule import RescheduleTerms, reschedule_terms
from domain.rules import Rules
from domain.text import N_
from domain.timeline_notes import rescheduled_note

log = logging.getLogger(__name__)
NOTE = "reschedule:"
"""A reschedule fee's payment note: the new start (ISO) follows."""


def terms_for(
    order: Order,
    new_start: datetime,
    rules: Rules,
    now: datetime,
    actor: ActorKind,
    kept: int = 0,
    placement: bool = False,
    *,
    days_ahead: int,
) -> RescheduleTerms:
    """What moving ``order`` to ``new_start`` costs now (raises when it may not move).
    ``kept``: the reschedule fees paid before (``refunds.fees_kept``): the fee is a share of
    what was paid for the order, never of an earlier move's fee. A ``placement`` is priced
    by the day whenever it starts (no night service): any new time keeps its price.
    ``days_ahead``: how far ahead its service may be booked (``Catalog.days_ahead``)."""
    tz = ZoneInfo(rules.timezone)
    return reschedule_terms(
        status=order.status,
        paid_cents=max(0, order.paid_cents - order.refunded_cents - kept),
        start_at=order.start_at,
        new_start=new_start,
        now=now,
        rules=rules.reschedule,
        booking=rules.booking,
        actor=actor,
        same_price=placement
        or is_night(order.start_at, rules.pricing, tz) == is_night(new_start, rules.pricing, tz),
        days_ahead=days_ahead,
    )


async def checked_terms(
    uow: Reads,
    order: Order,
    new_start: datetime,
    rules: Rules,
    now: datetime,
    actor: ActorKind,
    kept: int = 0,
    *,
    catalog: Catalog,
) -> RescheduleTerms:
    """``terms_for`` the order as it stands (a placement priced by the day), after checking
    the new time takes no other visit of its recurring booking (``check_slot``): what the
    quote, the customer's move, support's and a paid fee's all ask before moving."""
    long = await is_placement(uow, order)
    ahead = catalog.days_ahead((x.item_id for x in order.selections), rules.booking.max_days_ahead)
    terms = terms_for(order, new_start, rules, now, actor, kept, long, days_ahead=ahead)
    await check_slot(uow, order, new_start)
    return terms


async def check_slot(uow: Reads, order: Order, new_start: datetime) -> None:
    """A recurring visit's order never moves onto the time of another order of its booking
    (one booking has one visit at a time: the sweep takes a slot holding one as made)."""
    if order.subscription_id:
        other = await uow.subscriptions.visit_order(order.subscription_id, new_start)
        if other is not None and other != order.number:
            raise DomainError(
                N_(
                    "这个时间已有同一定期预约的订单 #{other},不能改到这里;请换一个时间",
                    other=other,
                )
            )


async def is_placement(uow: Reads, order: Order) -> bool:
    """Whether the order is a long placement (it has a contract)."""
    assert order.id is not None
    return await uow.placements.for_order(order.id) is not None


async def move(
    s: Deps,
    uow: UnitOfWork,
    order: Order,
    new_start: datetime,
    actor: Actor,
    fee: int,
    now: datetime,
    *,
    tell_customer: bool = True,
) -> tuple[list[Notice], bool]:
    """Move the (locked) order at ``now``, the command's one clock reading (an admin's
    audit entry carries the same: ``/audit`` pairs the two on it); the notices to send and
    whether it clashes now with another job of its worker (then it is offered to a nearby
    idle worker: ``conversations.services.overlaps``)."""
    old = order.start_at
    moved_to, moved_from = new_start.astimezone(s.tz), old.astimezone(s.tz)
    today = now.astimezone(s.tz).date()
    when, was = When(moved_to, today), When(moved_from, today)
    worker_id = order.worker_id if order.status == OrderStatus.ACCEPTED else None
    order.start_at = new_start
    await placements.move(uow, s.catalog, s.rules, order)  # a placement's contract follows
    order.note_event(
        Action.RESCHEDULE,
        actor,
        now,
        rescheduled_note(moved_from, moved_to),
    )
    assert order.id is not None
    notices = (
        [to_customer(order.customer_id, "rescheduled", number=order.number, when=when, fee=fee)]
        if tell_customer
        else []
    )
    await uow.orders.save(order, now)
    await uow.orders.reset_reminders(order.id)
    if order.status == OrderStatus.ACCEPTED:  # transfer offers were for the old time
        await uow.offers.close_others(order.id, None, OfferStatus.WITHDRAWN, now)
    handed = await overlaps.hand_over(uow, s.catalog, s.rules, order, now)
    if worker_id is not None and not handed:
        notices.append(
            to_worker(worker_id, "rescheduled_worker", number=order.number, when=when, was=was)
        )
    notices += handed
    if order.status == OrderStatus.DISPATCHING:
        # open offers were for the old time; offer it again for the new one
        await uow.offers.close_others(order.id, None, OfferStatus.WITHDRAWN, now)
        notices += await dispatch(uow, s.catalog, s.rules, order, now, index=s.worker_index)
    return notices, bool(handed)


async def fee_paid(
    s: Deps, uow: UnitOfWork, order: Order, payment: Payment, tell_customer: bool
) -> list[Notice]:
    """The reschedule fee of ``payment`` was credited to the (locked) order: the fee is
    revenue and the order moves to the time it was paid for — unless it may no longer move
    (the worker set off, the time passed): then the fee goes back through its provider."""
    now = s.clock()
    assert order.id is not None
    new_start = datetime.fromisoformat(payment.note.removeprefix(NOTE))
    later = [
        p
        for p in await uow.payments.for_order(order.id)
        if p.kind == PaymentKind.RESCHEDULE_FEE and (p.id or 0) > (payment.id or 0)
    ]
    try:
        await checked_terms(
            uow, order, new_start, s.rules, now, ActorKind.CUSTOMER, catalog=s.catalog
        )
        refused = "a newer request" if later else ""  # the customer asked again since
    except DomainError as exc:
        refused = exc.text.get("en")
    if refused:
        log.info("order %s: reschedule fee paid, move refused: %s", order.number, refused)
        await uow.payments.add(  # back through the provider it came from
            Payment(
                order.id,
                payment.provider,
                PaymentKind.REFUND,
                payment.amount_cents,
                now,
                payment_requests.new_reference("RFD"),
                refund_of=payment.id,
                note="reschedule refused",
            )
        )
        return []
    fee = payment.amount_cents
    await uow.ledger.post(reschedule_fee_kept(payment.reference, order.id, fee, now))
    notices, _ = await move(
        s,
        uow,
        order,
        new_start,
        Actor(ActorKind.CUSTOMER, str(order.customer_id)),
        fee,
        now,
        tell_customer=tell_customer,
    )
    return notices


class RescheduleDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.AdminReschedule: self.admin, c.RescheduleOrder: self.customer}

    async def customer(self, cmd: c.RescheduleOrder) -> list[Result]:
        """The customer moves their order at the fee they were shown: a free move is done at
        once; a move with a fee asks for the fee through the channel's provider, and the
        order moves when it is paid (``fee_paid``)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            order = await own_order(uow, cmd.customer_id, cmd.number, full=False)
            assert order.id is not None
            await uow.orders.lock(order.id)
            fees = await refunds.fees_kept(uow, order.id)
            terms = await checked_terms(
                uow,
                order,
                cmd.new_start,
                self.s.rules,
                now,
                ActorKind.CUSTOMER,
                fees,
                catalog=self.s.catalog,
            )
            if terms.fee_cents != cmd.expected_fee_cents:
                raise DomainError(N_("改约费用已变化,请重新确认"))
            if terms.fee_cents:
                gateway = self.s.gateway_for(order.channel)
                if gateway is None:
                    return [PaymentUnavailable()]
                # an earlier fee request (another time) is closed: one move at a time
                await payment_requests.close_requests(
                    uow, order.id, now, kinds=(PaymentKind.RESCHEDULE_FEE,)
                )
                payment = await uow.payments.add(
                    Payment(
                        order.id,
                        gateway.name,
                        PaymentKind.RESCHEDULE_FEE,
                        terms.fee_cents,
                        now,
                        payment_requests.new_reference("RSF"),
                        note=f"{NOTE}{cmd.new_start.isoformat()}",
                    )
                )
                await uow.commit()
                due = await self.s.checkout(order, payment, gateway)
                return [RescheduleFeeDue(order.number, cmd.new_start, terms.fee_cents, due)]
            unpaid = order.status == OrderStatus.AWAITING_PAYMENT
            notices, clash = await move(
                self.s,
                uow,
                order,
                cmd.new_start,
                Actor(ActorKind.CUSTOMER, str(cmd.customer_id)),
                0,
                now,
                tell_customer=False,
            )
            kept = order.worker_id is not None
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [OrderRescheduled(order.number, cmd.new_start, 0, kept, clash, unpaid)]

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
            await checked_terms(
                uow,
                order,
                cmd.new_start,
                self.s.rules,
                now,
                ActorKind.ADMIN,
                catalog=self.s.catalog,
            )
            notices, clash = await move(
                self.s, uow, order, cmd.new_start, Actor(ActorKind.ADMIN, cmd.admin), 0, now
            )
            kept = order.worker_id is not None
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "reschedule",
                    f"order:{order.number}",
                    role,
                    {"start_at": old.isoformat()},
                    {"start_at": cmd.new_start.isoformat(), "worker_kept": kept, "clash": clash},
                )
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [OrderRescheduled(order.number, cmd.new_start, 0, kept, clash)]
