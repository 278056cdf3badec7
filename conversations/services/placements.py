"""Long placements as services (``domain.placements``, ``domain.placement_billing``): the
contract kept with its order, and the sweep over billing periods — the customer asked to pay
each period before it is due (a payment request through their channel's provider, paid with
"支付 #N" or its button like any balance), and each period over and paid settled in the
ledger (the worker's share by the level's commission of the worker who began the period;
split exactly by the days each worker served when one took over)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from conversations.events import Result
from conversations.results.sweeps import PlacementsSwept
from conversations.services import deposits, payment_requests, refunds
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_customer, to_worker
from domain import commands as c
from domain.catalog import Catalog
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.moments import When
from domain.orders import Order
from domain.payments import Payment, PaymentKind
from domain.placement_billing import (
    amount_due,
    billing_periods,
    owed_through,
    period_settlement,
    period_share,
    shares_by_days,
    worker_days,
)
from domain.placements import Placement
from domain.ports import UnitOfWork
from domain.privacy import loggable_traceback
from domain.rules import Rules
from domain.settlement import commission_bp

log = logging.getLogger(__name__)
BATCH = 100
OVER = (*payment_requests.CLOSED, OrderStatus.CONFIRMED, OrderStatus.SETTLED)
"""A placement order in these statuses takes no more period requests."""


async def keep(
    uow: UnitOfWork, catalog: Catalog, rules: Rules, order: Order, now: datetime
) -> None:
    """A placement order's contract period and billing periods, kept with it."""
    sel = order.selections[0]
    tz = ZoneInfo(rules.timezone)
    period = catalog.item(sel.item_id).period(sel.quantity, order.start_at, rules.placements, tz)
    if period is None or order.id is None:
        return
    placement = await uow.placements.add(
        Placement(order.id, order.customer_id, sel.item_id, period, now)
    )
    assert placement.id is not None
    periods = billing_periods(period, order.total_cents, rules.placements, tz)
    await uow.placements.add_periods(placement.id, periods)


async def move(uow: UnitOfWork, catalog: Catalog, rules: Rules, order: Order) -> None:
    """A placement order moved before it started (``/reschedule``): its contract period and
    billing periods follow the new start, and so does the order's duration."""
    placement = await uow.placements.for_order(order.id or 0)
    if placement is None or placement.id is None:
        return
    sel = order.selections[0]
    tz = ZoneInfo(rules.timezone)
    period = catalog.item(sel.item_id).period(sel.quantity, order.start_at, rules.placements, tz)
    if period is None:
        return
    periods = billing_periods(period, order.total_cents, rules.placements, tz)
    await uow.placements.move(placement.id, period, periods)
    order.duration_minutes = period.minutes


class PlacementDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.PlacementSweep: self.sweep}

    async def sweep(self, cmd: c.PlacementSweep) -> list[Result]:
        now = self.s.clock()
        ahead = timedelta(days=self.s.rules.placements.due_reminder_days)
        async with self.s.uow() as uow:
            due = await uow.placements.to_remind(now + ahead, BATCH)
            ended = await uow.placements.to_settle(now, BATCH)
            ending = await uow.placements.to_offer_renewal(
                now + timedelta(days=self.s.rules.placements.renewal_reminder_days), BATCH
            )
        asked = settled = offered = 0
        for placement_id, seq in due:
            asked += await self._one(placement_id, seq, self._ask)
        for placement_id, seq in ended:
            settled += await self._one(placement_id, seq, self._settle)
        for placement_id in ending:
            offered += await self._one(placement_id, 0, self._offer_renewal)
        return [PlacementsSwept(asked, settled, offered)]

    async def _one(self, placement_id: int, seq: int, step: Any) -> bool:
        try:
            async with self.s.uow() as uow:
                placement = await uow.placements.get(placement_id)
                assert placement is not None
                order = await uow.orders.get(placement.order_id, full=False, lock=True)
                assert order is not None
                notices: list[Notice] | None = await step(uow, placement, order, seq)
                if notices is None:
                    return False
                posted = await self.s.post(uow, notices)
                await uow.commit()
        except DomainError as exc:  # SQLite: another process holds the write lock
            log.info("placement %s period %s: %s", placement_id, seq, exc)
            return False
        except Exception as exc:  # one broken contract must not hold up everyone else's
            log.error(
                "placement %s period %s failed\n%s", placement_id, seq, loggable_traceback(exc)
            )
            return False
        await self.s.flush(posted)
        return bool(notices)  # a claim that tells nobody (cancelled, paid ahead) is no news

    async def _offer_renewal(
        self, uow: UnitOfWork, placement: Placement, order: Order, seq: int
    ) -> list[Notice] | None:
        """Offer a one-tap renewal before the contract ends (once; ``seq`` unused)."""
        if not await uow.placements.claim_renewal(placement.id or 0, self.s.clock()):
            return None
        if order.status not in payment_requests.BALANCE_STATUSES:
            return []  # not under way (cancelled, ended): nothing to renew
        return [
            to_customer(
                order.customer_id,
                "placement_ending",
                number=order.number,
                end=placement.period.end_at,
                days=placement.days,
            )
        ]

    async def _ask(
        self, uow: UnitOfWork, placement: Placement, order: Order, seq: int
    ) -> list[Notice] | None:
        """Ask the customer to pay period ``seq`` (once), when something is still owed."""
        if order.status in OVER:  # cancelled or done with: never asked (nor looked at again)
            await uow.placements.claim(placement.id or 0, seq, "reminded", self.s.clock())
            return []
        if order.status not in payment_requests.BALANCE_STATUSES:
            return None  # not started yet: asked once the worker is there
        periods = await uow.placements.periods(placement.id or 0)
        # a reschedule fee paid is revenue of its own: it pays no period
        amount = amount_due(periods, seq, await payment_requests.paid_for_service(uow, order))
        gateway = self.s.gateway_for(order.channel)
        if not await uow.placements.claim(placement.id or 0, seq, "reminded", self.s.clock()):
            return None
        if amount <= 0 or gateway is None:
            return []  # paid ahead (or nobody takes money there: an admin follows it up)
        assert order.id is not None
        await uow.payments.add(
            Payment(
                order.id,
                gateway.name,
                PaymentKind.BALANCE,
                amount,
                self.s.clock(),
                payment_requests.new_reference("PLC"),
            )
        )
        period = periods[seq - 1]
        today = self.s.clock().astimezone(self.s.tz).date()
        return [
            to_customer(
                order.customer_id,
                "placement_period_due",
                number=order.number,
                seq=seq,
                count=len(periods),
                amount=amount,
                first=When(period.first_day, today),
                last=When(period.last_day, today),
                due=period.due_at,
            )
        ]

    async def _settle(
        self, uow: UnitOfWork, placement: Placement, order: Order, seq: int
    ) -> list[Notice] | None:
        """Settle period ``seq`` once it is paid: its worker's share, the platform the rest."""
        if order.status in payment_requests.CLOSED:  # cancelled: nothing to settle, ever
            await uow.placements.claim(placement.id or 0, seq, "settled", self.s.clock())
            return []
        periods = await uow.placements.periods(placement.id or 0)
        assert order.id is not None  # a reschedule fee kept pays no period
        kept = await refunds.fees_kept(uow, order.id)
        paid = order.paid_cents - order.refunded_cents - kept
        if order.worker_id is None or paid < owed_through(periods, seq):
            return None  # not paid (or nobody works it) yet: tried again next sweep
        if await uow.ledger.has_journal(f"settle:{order.number}"):
            await uow.placements.claim(placement.id or 0, seq, "settled", self.s.clock())
            return []  # the order settled as a whole already
        bp = periods[seq - 1]
        handovers = await uow.placements.handovers(placement.id or 0)
        first = handovers[0][1] if handovers else order.worker_id
        days = worker_days(bp, placement.period, first, [(on, to) for on, _, to in handovers])
        worker = await uow.workers.get(days[0][0])  # who began the period: its commission
        assert worker is not None and order.id is not None
        share = period_share(bp.amount_cents, commission_bp(worker.level, self.s.rules.settlement))
        shares = shares_by_days(share, days)
        if not await uow.placements.claim(placement.id or 0, seq, "settled", self.s.clock()):
            return None
        now = self.s.clock()
        await uow.ledger.post(
            period_settlement(order.number, order.id, seq, bp.amount_cents, shares, now)
        )
        notices = [
            to_worker(
                worker_id, "placement_period_settled", number=order.number, seq=seq, earn=earn
            )
            for worker_id, earn in shares
            if earn
        ]
        for worker_id, earn in shares:  # the deposit holds its part of each period's pay
            earner = await uow.workers.get(worker_id)
            if earner is not None and earn:
                ref = f"{order.number}:p{seq}:{worker_id}"
                notices += await deposits.hold(uow, self.s.rules, order, earner, earn, now, ref)
        return notices
