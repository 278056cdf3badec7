"""Orders that are never paid, and money that comes too late.

The expiry sweep cancels orders still awaiting payment past their pay-by time
(``domain.payments.pay_by``; rules ``payments``): it first asks each open payment request's
provider, so a payment whose notification is late is credited rather than refunded. Each order
is taken under its lock, its status read again and saved with a version check, with the
customer's notice in the same transaction: several processes expire it once.

Money a provider takes for an order already cancelled (a notification, Telegram's
``successful_payment`` or the reconciliation sweep) is checked with the provider, booked as
received, never credited to the order, and refunded in full the same way — once, however often
it is notified.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.booking import PaidTooLate
from conversations.results.sweeps import UnpaidExpired
from conversations.services import cancellations, payment_requests, refunds
from conversations.services.deps import Deps
from conversations.services.notices import Notice, in_both, to_customer
from domain import commands as c
from domain.errors import DomainError
from domain.moments import local_when
from domain.orders import Order
from domain.payments import PaymentKind, PaymentStatus

log = logging.getLogger(__name__)
PAGE = 100


class UnpaidDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.ExpireUnpaid: self.expire}

    async def expire(self, cmd: c.ExpireUnpaid) -> list[Result]:
        now = self.s.clock()
        rules = self.s.rules.payments
        placed_before = now - timedelta(minutes=rules.unpaid_expire_minutes)
        visit_before = now + timedelta(hours=rules.recurring_pay_before_hours)
        renewal_before = now + timedelta(hours=rules.renewal_pay_before_hours)
        expired, after = 0, 0
        while True:  # page by id: what one page leaves (paid meanwhile) is not read again
            async with self.s.uow() as uow:
                due = await uow.orders.due_unpaid(
                    placed_before, visit_before, renewal_before, after_id=after, limit=PAGE
                )
            for order_id in due:
                expired += await self._expire(order_id, now)
            if len(due) < PAGE:
                return [UnpaidExpired(expired)]
            after = due[-1]

    async def _expire(self, order_id: int, now: datetime) -> bool:
        if await self._paid_meanwhile(order_id):
            return False
        try:
            async with self.s.uow() as uow:
                expired = await cancellations.expire_unpaid(uow, self.s.rules, order_id, now)
                if expired is None:
                    return False  # paid, cancelled or expired meanwhile (another process)
                order, ended = expired
                posted = await self.s.post(uow, [self._expired_notice(order), *ended])
                await uow.commit()
        except DomainError as exc:  # changed under us: the next sweep looks again
            log.info("expiring unpaid order %s: %s", order_id, exc)
            return False
        await self.s.flush(posted)
        return True

    async def _paid_meanwhile(self, order_id: int) -> bool:
        """Ask the providers of the order's open requests: a payment whose notification has
        not come yet is credited now instead of the order expiring."""
        async with self.s.uow() as uow:
            requests = [
                p
                for p in await uow.payments.for_order(order_id)
                if p.kind != PaymentKind.REFUND and p.status == PaymentStatus.PENDING
            ]
        for p in requests:
            gateway = self.s.gateways.get(p.provider)
            if gateway is None:
                continue
            paid, provider_ref = await gateway.query(p)
            if paid:
                command = c.ConfirmPayment(
                    p.reference,
                    p.provider,
                    provider_ref,
                    p.amount_cents,
                    notify_customer=True,
                    verified=True,
                )
                await self.s.run(command)
                return True
        return False

    def _expired_notice(self, order: Order) -> Notice:
        try:
            item = self.s.catalog.item(order.item_id)
            name = in_both(item.name)
        except DomainError:  # an item since removed from the catalog file
            name = {"zh": order.item_id, "en": order.item_id}
        return to_customer(
            order.customer_id,
            "order_expired",
            number=order.number,
            item=name,
            when=local_when(order.start_at, self.s.clock(), self.s.tz),
            coupon=bool(order.coupon_code),
            points=order.points_used,
            recurring=order.subscription_id is not None,
        )

    async def return_late(
        self, cmd: c.ConfirmPayment, late: payment_requests.Uncreditable
    ) -> list[Result]:
        """Money for a cancelled order: checked with the provider (unless the caller just
        did), booked and refunded in full through the same provider, the customer told —
        once. Unconfirmed by the provider: refused as before, nothing booked."""
        if late.returned:
            return [PaidTooLate(late.number, late.amount_cents, new=False, waived=late.waived)]
        gateway = self.s.gateways.get(cmd.provider)
        async with self.s.uow() as uow:
            payment = await uow.payments.by_reference(cmd.reference)
        assert payment is not None  # payment_requests.confirm found it
        if not cmd.verified and (
            gateway is None or not await gateway.verify(payment, cmd.provider_ref)
        ):
            log.warning("payment %s (cancelled order) not confirmed by provider", cmd.reference)
            raise late
        now = self.s.clock()
        async with self.s.uow() as uow:
            taken = await refunds.return_late(uow, cmd.reference, cmd.provider_ref, now)
            if taken is None:
                # a concurrent notification returned it
                return [PaidTooLate(late.number, late.amount_cents, new=False, waived=late.waived)]
            order, refund = taken
            notice = to_customer(
                order.customer_id,
                "waived_payment_returned" if late.waived else "late_payment_returned",
                number=order.number,
                amount=refund.amount_cents,
            )
            posted = await self.s.post(uow, [notice] if cmd.notify_customer else [])
            await uow.commit()
        await self.s.flush(posted)
        # the provider refunds it now (a failure stays pending and is retried by the sweep)
        await self.s.execute_refunds(c.ExecuteRefunds(order.id, notify_customer=True))
        return [PaidTooLate(late.number, late.amount_cents, new=True, waived=late.waived)]
