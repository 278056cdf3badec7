"""Recurring bookings: set one up from an order (what it would be: ``subscription_plans``),
stop one, skip its next visit, and the scheduler sweep that makes each visit an order
``recurring_ahead_days`` before it, or as far ahead as its service may be booked when that is
less (``lead_days``; the customer's list and drafts are views: ``views.customer``).

A visit is taken by moving the subscription's ``next_start_at`` on with a conditional UPDATE
(``Subscriptions.advance``) in the transaction that places its order and writes the
customer's notice: two processes never make the same visit, and a crash makes none (the
deadline is still in the table for the next sweep). A visit whose order fails unexpectedly
is tried again by later sweeps for ``recurring_retry_minutes`` from its first failure (kept
with the subscription), then skipped once with the customer and ops told.

Only a subscription whose first order (the one it was set up from) has been paid is due: one
set up from an order still awaiting payment waits, and ends when that order is cancelled
unpaid (``cancellations.end_unpaid``) — no visit is ever made for a booking never paid for.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from conversations.events import Result
from conversations.results.recurring import (
    Subscribed,
    SubscriptionStopped,
    VisitSkipped,
)
from conversations.results.sweeps import RecurringGenerated
from conversations.services import order_steps
from conversations.services import subscription_plans as plans
from conversations.services.deps import Deps
from conversations.services.notices import Notice, in_both, to_admins, to_customer
from domain import commands as c
from domain.errors import DomainError, QuoteError
from domain.lifecycle import OrderStatus
from domain.moments import When, local_when
from domain.orders import Order
from domain.payments import pay_by
from domain.ports import UnitOfWork
from domain.privacy import loggable_traceback, mask_phone
from domain.recurring import (
    ENDS_SUBSCRIPTION,
    WEEKDAY_TEXT,
    SkipReason,
    Subscription,
    after_missed,
    due_by,
    format_at_time,
    next_visit,
    slot_problem,
    try_again,
)
from domain.text import N_

log = logging.getLogger(__name__)
ROUNDS = 10
"""Sweep rounds per run: a visit made may bring the following one into the window."""


class RecurringDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.Subscribe: self.subscribe,
            c.StopSubscription: self.stop,
            c.SkipVisit: self.skip,
            c.GenerateRecurring: self.generate,
        }

    # -- the customer's side -------------------------------------------------------------

    async def subscribe(self, cmd: c.Subscribe) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            sub, price = await plans.draft(
                uow,
                cmd.customer_id,
                cmd.number,
                cmd.weekday,
                cmd.at_time,
                now,
                catalog=self.s.catalog,
                rules=self.s.rules,
                tz=self.s.tz,
            )
            for other in await uow.subscriptions.for_customer(cmd.customer_id):
                if other.repeats(sub.selections, sub.address_id, sub.weekday, sub.at_time):
                    raise DomainError(N_("这个定期预约已经设置过了"))
            await uow.subscriptions.add(sub)
            await uow.commit()
        return [
            Subscribed(plans.plan_view(cmd.number, sub, price, now, self.s.catalog, self.s.rules))
        ]

    async def stop(self, cmd: c.StopSubscription) -> list[Result]:
        async with self.s.uow() as uow:
            sub = await uow.subscriptions.get(cmd.subscription_id)
            if (
                sub is None
                or sub.customer_id != cmd.customer_id
                or not await uow.subscriptions.stop(cmd.subscription_id, cmd.customer_id)
            ):
                raise DomainError(N_("没有这个定期预约"))
            await uow.commit()
        return [SubscriptionStopped(plans.row(sub, self.s.catalog))]

    async def skip(self, cmd: c.SkipVisit) -> list[Result]:
        """Move the next visit on a week, by the same conditional update the sweep takes a
        visit with: when the sweep made the visit an order meanwhile (or it was skipped
        already), nothing moves and the customer is told where that visit now is."""
        async with self.s.uow() as uow:
            sub = await uow.subscriptions.get(cmd.subscription_id)
            if sub is None or sub.customer_id != cmd.customer_id or not sub.active:
                raise DomainError(N_("没有这个定期预约"))
            following = next_visit(cmd.visit_at, sub.weekday, sub.at_time, self.s.tz)
            if sub.next_start_at != cmd.visit_at or not await uow.subscriptions.advance(
                sub.id or 0, cmd.visit_at, following
            ):
                raise DomainError(
                    N_(
                        "这次上门的订单已经生成,不需要的话请在「我的订单」中取消;未支付的订单取消免费。"
                    )
                )
            await uow.commit()
        moved = replace(sub, next_start_at=following)
        return [VisitSkipped(plans.row(moved, self.s.catalog), cmd.visit_at)]

    # -- the sweep ------------------------------------------------------------------------

    async def generate(self, cmd: c.GenerateRecurring) -> list[Result]:
        """Make the orders of the visits coming up within ``recurring_ahead_days`` (never
        beyond the furthest their service may be booked: its own ``max_days_ahead``, else the
        rule's — a service bookable 3 days ahead has its visits made 3 days ahead)."""
        made = skipped = 0
        failed: set[tuple[int, datetime]] = set()  # tried again by the next run, not this one
        for _ in range(ROUNDS):
            now = self.s.clock()
            by = due_by(now, self.s.rules.booking, self.s.catalog)
            async with self.s.uow() as uow:
                due = await uow.subscriptions.due(by)
            progress = False
            for sub_id, expected in due:
                if (sub_id, expected) in failed:
                    continue
                outcome = await self._visit(sub_id, expected, now)
                made += outcome == "made"
                skipped += outcome == "skipped"
                if outcome == "failed":
                    failed.add((sub_id, expected))
                progress = progress or outcome in ("made", "skipped", "present")
            if not progress:
                break
        return [RecurringGenerated(made, skipped)]

    async def _visit(self, sub_id: int, expected: datetime, now: datetime) -> str:
        """Take the visit at ``expected`` and make its order, or skip it and say why: in one
        transaction with the claim, so it happens once or (on any failure) not at all."""
        try:
            async with self.s.uow() as uow:
                sub = await uow.subscriptions.get(sub_id)
                if sub is None or not sub.active or sub.next_start_at != expected:
                    return "gone"
                if (number := await uow.subscriptions.visit_order(sub_id, expected)) is not None:
                    # another visit's order was moved to this one's slot: the customer has
                    # their visit then, and a second order there could never be made
                    following = next_visit(expected, sub.weekday, sub.at_time, self.s.tz)
                    if not await uow.subscriptions.advance(sub_id, expected, following):
                        return "taken"
                    await uow.commit()
                    log.info(
                        "recurring booking %s: visit %s is order #%s", sub_id, expected, number
                    )
                    return "present"
                booking = plans.booking(sub, expected)
                total, reason = await self._check(uow, sub, booking, now)
                if reason == SkipReason.TOO_FAR:  # not yet: its order is made once it is
                    return "early"  # within its service's horizon (``due_by`` waits for that)
                if reason is None:
                    following = next_visit(expected, sub.weekday, sub.at_time, self.s.tz)
                else:
                    following = after_missed(expected, now, sub, self.s.rules.booking, self.s.tz)
                stop = reason in ENDS_SUBSCRIPTION
                if not await uow.subscriptions.advance(sub_id, expected, following, stop=stop):
                    return "taken"
                placed: Order | None = None
                if reason is None:
                    gateway = self.s.gateway_for(sub.channel)
                    placed, payment = await order_steps.place(
                        uow,
                        self.s.catalog,
                        self.s.rules,
                        booking,
                        total,
                        now,
                        gateway.name if gateway else None,
                    )
                    due_now = payment.amount_cents if payment is not None else 0
                    notices = [self._made_notice(sub, placed, due_now)]
                else:
                    notices = self._skip_notice(sub, expected, following, reason, stop)
                posted = await self.s.post(uow, notices)
                await uow.commit()
        except DomainError as exc:  # SQLite: another process holds the write lock
            log.warning("recurring booking %s, visit %s: %s", sub_id, expected, exc)
            return "failed"
        except Exception as exc:  # one broken subscription must not hold up the others
            log.error(
                "recurring booking %s, visit %s failed\n%s",
                sub_id,
                expected,
                loggable_traceback(exc),
            )
            return await self._failed(sub_id, expected, now)
        await self.s.flush(posted)
        if placed is None:
            log.info("recurring booking %s: visit %s skipped (%s)", sub_id, expected, reason)
            return "skipped"
        if placed.status != OrderStatus.AWAITING_PAYMENT:  # nothing to pay: find a worker
            await self.s.dispatch_paid(placed.number, tell_customer=True)
        return "made"

    async def _failed(self, sub_id: int, expected: datetime, now: datetime) -> str:
        """A visit that failed for a reason the sweep cannot name is tried again by the next
        sweeps for ``recurring_retry_minutes`` from its first failure (noted with the
        subscription, so every process counts from the same one): a passing fault mends
        itself unseen. Still failing after that, it is skipped, once: the customer is told it
        was not booked and when the next one is, the operators that it failed (the log has
        why) — so it never blocks the booking's later visits unseen."""
        try:
            async with self.s.uow() as uow:
                sub = await uow.subscriptions.get(sub_id)
                if sub is None or not sub.active or sub.next_start_at != expected:
                    return "gone"
                first = await uow.subscriptions.visit_failed(sub_id, expected, now)
                if first is None:
                    return "gone"
                if try_again(first, now, self.s.rules.booking):
                    await uow.commit()
                    log.warning(
                        "recurring booking %s: visit %s failing since %s, tried again later",
                        sub_id,
                        expected,
                        first,
                    )
                    return "failed"
                following = after_missed(expected, now, sub, self.s.rules.booking, self.s.tz)
                if not await uow.subscriptions.advance(sub_id, expected, following):
                    return "taken"
                notices = self._skip_notice(sub, expected, following, SkipReason.FAILED, False)
                notices.append(await self._failed_notice(uow, sub, expected, following))
                posted = await self.s.post(uow, notices)
                await uow.commit()
        except Exception as exc:  # the database itself: the next sweep tries again
            log.error("recurring booking %s: visit %s not skipped: %s", sub_id, expected, exc)
            return "failed"
        await self.s.flush(posted)
        return "skipped"

    async def _check(
        self, uow: UnitOfWork, sub: Subscription, booking: c.Booking, now: datetime
    ) -> tuple[int, SkipReason | None]:
        """The visit's price now (today's catalog, the customer's member level, no coupon and
        no first-order discount), or why it cannot become an order."""
        if await uow.customers.get(sub.customer_id) is None:
            return 0, SkipReason.CUSTOMER
        if plans.is_placement(sub.selections, self.s.catalog):  # set up before it was refused
            return 0, SkipReason.PLACEMENT
        rules = self.s.rules.booking
        ahead = self.s.catalog.days_ahead(
            (x.item_id for x in booking.selections), rules.max_days_ahead
        )
        if (late := slot_problem(booking.start_at, now, rules, ahead)) is not None:
            return 0, late
        address = await uow.addresses.get(sub.address_id) if sub.address_id else None
        if address is None or address.customer_id != sub.customer_id:
            return 0, SkipReason.ADDRESS
        try:
            priced = await order_steps.price(uow, self.s.catalog, self.s.rules, booking, now)
        except QuoteError:  # the service, an option or the bundle is gone
            return 0, SkipReason.UNAVAILABLE
        if await order_steps.risk_hold(uow, self.s.rules, sub.customer_id, now):
            return 0, SkipReason.HELD
        if priced.quote.total_cents and self.s.gateway_for(sub.channel) is None:
            return 0, SkipReason.PAYMENT
        return priced.quote.total_cents, None

    def _local(self, at: datetime) -> When:
        return local_when(at, self.s.clock(), self.s.tz)

    def _made_notice(self, sub: Subscription, order: Order, due_now: int) -> Notice:
        return to_customer(
            sub.customer_id,
            "recurring_order",
            number=order.number,
            item=self._item(order.item_id),
            when=self._local(order.start_at),
            amount=due_now,
            total=order.total_cents,
            pay_by=self._local(pay_by(order, self.s.rules.payments)),
        )

    def _skip_notice(
        self,
        sub: Subscription,
        missed: datetime,
        following: datetime,
        reason: SkipReason,
        stopped: bool,
    ) -> list[Notice]:
        if reason == SkipReason.CUSTOMER:
            return []  # nobody to tell
        return [
            to_customer(
                sub.customer_id,
                "recurring_skipped",
                item=self._item(sub.item_id),
                when=self._local(missed),
                reason=reason.value,
                next="" if stopped else self._local(following),
                stopped=stopped,
            )
        ]

    async def _failed_notice(
        self, uow: UnitOfWork, sub: Subscription, missed: datetime, following: datetime
    ) -> Notice:
        """Ops told a visit was skipped on an error, the booking named as people know it: as
        its customer's list does (每周二 15:00 日常保洁) and by its customer's name and masked
        phone (the address's, as a worker's card has it) — no id of ours."""
        customer = await uow.customers.get(sub.customer_id)
        address = await uow.addresses.get(sub.address_id) if sub.address_id else None
        phone = address.phone if address and address.phone else customer.phone if customer else ""
        name = customer.name.strip() if customer else ""
        repeated = N_(
            "每{weekday} {at_time} {name}",
            weekday=WEEKDAY_TEXT[sub.weekday],
            at_time=format_at_time(sub.at_time),
            name=self.s.catalog.name_of(sub.item_id),
        )
        return to_admins(
            "recurring_failed_admin",
            booking=in_both(repeated),
            customer=" ".join(filter(None, (name, mask_phone(phone) if phone else ""))),
            when=self._local(missed),
            next=self._local(following),
        )

    def _item(self, item_id: str) -> dict[str, str]:
        """The service's name for a notice."""
        return in_both(self.s.catalog.name_of(item_id))
