"""Service handlers for money: payments from every provider, refunds, withdrawals, the daily
settlement and the ledger export."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.admin_money import (
    LedgerLinked,
    RefundMarked,
    WithdrawalDecided,
)
from conversations.results.booking import OrderPaid, PaidTooLate
from conversations.results.sweeps import (
    DayAlreadySettled,
    DaySettled,
    PaymentsReconciled,
    RefundsExecuted,
    RefundsQueued,
)
from conversations.results.workers import WithdrawalRequested
from conversations.services import (
    cards,
    dispatch,
    payment_requests,
    refunds,
    reschedule,
    settlement,
)
from conversations.services.card_desk import refunded_notice as card_refunded
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_admins, to_customer, to_worker
from conversations.services.policy_requests import request_policy
from domain import commands as c
from domain.admin import check
from domain.audit import AuditEntry
from domain.business_days import day_bounds
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.moments import When
from domain.orders import Order
from domain.payments import Payment, PaymentKind
from domain.ports import UnitOfWork
from domain.text import N_

log = logging.getLogger(__name__)
FINANCE = ("owner", "finance")
EXTRA = {PaymentKind.SURCHARGE: "surcharge", PaymentKind.RESCHEDULE_FEE: "reschedule"}
"""Payments beyond the order's own, by what ``OrderPaid.extra`` calls them."""


class MoneyDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.ConfirmPayment: self.confirm,
            c.ExecuteRefunds: self.execute_refunds,
            c.MarkRefunded: self.mark_refunded,
            c.RequestWithdrawal: self.request_withdrawal,
            c.DecideWithdrawal: self.decide_withdrawal,
            c.ExportLedger: self.export_ledger,
            c.ReconcilePayments: self.reconcile,
            c.DailySettlement: self.daily_settlement,
        }

    async def confirm(self, cmd: c.ConfirmPayment) -> list[Result]:
        now = self.s.clock()
        try:
            async with self.s.uow() as uow:
                order, payment, new = await payment_requests.confirm(
                    uow,
                    reference=cmd.reference,
                    provider=cmd.provider,
                    provider_ref=cmd.provider_ref,
                    amount=cmd.amount_cents,
                    now=now,
                    customer_id=cmd.customer_id,
                    save=False,  # saved below, once, with the dispatch's changes
                )
                extra = EXTRA.get(payment.kind, "")
                balance = payment.kind == PaymentKind.BALANCE or bool(extra)
                notices = [paid_notice(order, payment.amount_cents, balance)]
                if not cmd.notify_customer:
                    notices = []
                no_worker = False
                if new and not balance:
                    await request_policy(uow, order, self.s.catalog, self.s.rules.payments, now)
                    no_worker, offered = await self._dispatch(uow, order, now, cmd)
                    notices += offered
                if new and extra:
                    notices += await self._extra_paid(uow, order, payment, cmd.notify_customer)
                await uow.orders.save(order, now, if_changed=True)  # unless a step just did
                posted = await self.s.post(uow, notices) if new else []
                await uow.commit()
        except payment_requests.NoOrder:  # a prepaid card's payment, or no such request
            async with self.s.reads() as uow:
                of_card = await uow.payments.by_reference(cmd.reference)
            if of_card is None or of_card.card_id is None:
                raise
            return await self.s.confirm_card(cmd, of_card)
        except (
            payment_requests.Uncreditable
        ) as late:  # the order was cancelled, or this request waived: the money goes back
            return await self.s.return_late(cmd, late)
        await self.s.flush(posted)
        if new and payment.kind == PaymentKind.RESCHEDULE_FEE:  # a fee that went back
            await self.s.execute_refunds(c.ExecuteRefunds(order_id=order.id))
        held = bool(order.hold_reason)
        done = order.status == OrderStatus.FINISHED
        return [
            OrderPaid(
                order.number, payment.amount_cents, no_worker, held, balance, new, extra, done
            )
        ]

    async def _extra_paid(
        self, uow: UnitOfWork, order: Order, payment: Payment, tell_customer: bool
    ) -> list[Notice]:
        """A surcharge paid: its worker is told. A reschedule fee paid: the fee is revenue
        and the order moves (or, when it no longer may, the fee goes back)."""
        if payment.kind == PaymentKind.RESCHEDULE_FEE:
            return await reschedule.fee_paid(self.s, uow, order, payment, tell_customer)
        if order.worker_id is None:
            return []
        return [
            to_worker(
                order.worker_id,
                "surcharge_paid_worker",
                number=order.number,
                amount=payment.amount_cents,
            )
        ]

    async def _dispatch(
        self, uow: UnitOfWork, paid: Order, now: datetime, cmd: c.ConfirmPayment
    ) -> tuple[bool, list[Notice]]:
        """Offer the paid order in the payment's own transaction: a process that dies after
        crediting it cannot leave it paid and never offered (the provider's retry finds it
        credited), and the offers' notices share the payment's outbox commit. Returns
        whether nobody could be offered it, and the notices (the customer's only when the
        conversation does not answer them). ``paid``: the order as credited, read under its
        lock in this transaction (not read again)."""
        notices = await dispatch.dispatch(
            uow, self.s.catalog, self.s.rules, paid, now, index=self.s.worker_index
        )
        tell = cmd.notify_customer
        return paid.dispatch_note == "no_worker", [
            n for n in notices if tell or n.to != "customer"
        ]

    async def reconcile(self, cmd: c.ReconcilePayments) -> list[Result]:
        """Payment requests older than 10 minutes, and those closed with their order within
        ``rules.payments.late_check_hours``: ask their provider; credit what was paid (or,
        for a cancelled order, give it back)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            stale = await uow.payments.stale_requests(
                now - timedelta(minutes=10),
                now - timedelta(hours=self.s.rules.payments.late_check_hours),
            )
        credited = returned = 0
        for payment in stale:
            gateway = self.s.gateways.get(payment.provider)
            if gateway is None:
                continue
            paid, provider_ref = await gateway.query(payment)
            if not paid:
                continue
            result = await self.s.run(
                c.ConfirmPayment(
                    payment.reference,
                    payment.provider,
                    provider_ref,
                    payment.amount_cents,
                    notify_customer=True,
                    verified=True,
                )
            )
            first = result[0] if result else None
            if isinstance(first, PaidTooLate) and first.new:
                returned += 1
            elif isinstance(first, OrderPaid) and first.new:
                credited += 1
        return [PaymentsReconciled(credited, returned)]

    async def execute_refunds(self, cmd: c.ExecuteRefunds) -> list[Result]:
        """Ask each provider to refund its pending refunds; failures stay pending (retried).
        Inside a chat turn this waits until the turn has committed the refunds it planned
        (a provider must never pay out what a rolled-back turn planned): ``queued``."""
        if self.s.after_commit(lambda: self._execute_refunds(cmd)):
            return [RefundsQueued()]
        return await self._execute_refunds(cmd)

    async def _execute_refunds(self, cmd: c.ExecuteRefunds) -> list[Result]:
        async with self.s.uow() as uow:
            pending = await uow.payments.pending_refunds(order_id=cmd.order_id)
            originals = {
                p.id: await uow.payments.get(p.refund_of) if p.refund_of else None for p in pending
            }
        done = 0
        for refund in pending:
            original = originals[refund.id]
            gateway = self.s.gateways.get(refund.provider)
            if gateway is None or original is None:
                log.error("refund %s: no gateway %s", refund.reference, refund.provider)
                continue
            outcome = await gateway.refund(refund, original)
            if not outcome.done:
                if outcome.note and not refund.note.startswith("manual"):
                    await self._needs_hand(refund.reference, refund.amount_cents, outcome.note)
                continue
            async with self.s.uow() as uow:
                what = await self._refund_done(uow, refund, outcome.provider_ref)
                notices = [what[1]] if what is not None and cmd.notify_customer else []
                posted = await self.s.post(uow, notices)
                await uow.commit()
            await self.s.flush(posted)
            done += what is not None
        return [RefundsExecuted(done, len(pending) - done)]

    async def _refund_done(
        self, uow: UnitOfWork, refund: Payment, provider_ref: str
    ) -> tuple[str, Notice] | None:
        """Record a refund the provider made (an order's or a card's): what it was for, and
        the customer's notice; None when it was recorded already."""
        now, amount = self.s.clock(), refund.amount_cents
        if refund.card_id is not None:
            card = await cards.refund_done(uow, refund, provider_ref, now)
            return None if card is None else (f"card:{card.id}", card_refunded(card, amount))
        order = await refunds.refund_done(uow, refund, provider_ref, now, self.s.rules)
        if order is None:
            return None
        return f"order:{order.number}", refunded_notice(order.customer_id, order.number, amount)

    async def _needs_hand(self, reference: str, amount: int, note: str) -> None:
        async with self.s.uow() as uow:
            refund = await uow.payments.by_reference(reference)
            if refund is None or refund.note.startswith("manual"):
                return
            refund.note = f"manual: {note}"[:200]
            await uow.payments.save(refund)
            notice = to_admins(
                "refund_by_hand_admin",
                *FINANCE,
                amount=amount,
                reference=reference,
                note=note,
            )
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)

    async def mark_refunded(self, cmd: c.MarkRefunded) -> list[Result]:
        check(cmd.role, "refunded")  # the roles that may, in words
        now = self.s.clock()
        async with self.s.uow() as uow:
            refund = await uow.payments.by_reference(cmd.reference)
            if refund is None or refund.kind != PaymentKind.REFUND:
                raise DomainError(N_("没有退款 {reference}", reference=cmd.reference))
            # who marked it is in the audit log; the reference keeps provider_ref unique
            what = await self._refund_done(uow, refund, f"manual:{refund.reference}")
            if what is None:
                raise DomainError(N_("该退款已完成"))
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "refund_done",
                    what[0],
                    cmd.role,
                    {},
                    {"reference": cmd.reference, "amount": refund.amount_cents},
                )
            )
            posted = await self.s.post(uow, [what[1]])
            await uow.commit()
        await self.s.flush(posted)
        return [RefundMarked(cmd.reference)]

    async def request_withdrawal(self, cmd: c.RequestWithdrawal) -> list[Result]:
        async with self.s.uow() as uow:
            w, notices = await settlement.request_withdrawal(
                uow,
                self.s.rules,
                cmd.worker_id,
                cmd.amount_cents,
                self.s.clock(),
                need_account=self.s.payouts is not None,
            )
            account = await uow.payout_accounts.get(cmd.worker_id)
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        assert w.id is not None
        to = account.masked() if account and self.s.payouts else None
        return [WithdrawalRequested(w.id, w.amount_cents, w.status, to)]

    async def decide_withdrawal(self, cmd: c.DecideWithdrawal) -> list[Result]:
        check(cmd.role, "payout" if cmd.approve else "reject_withdrawal")  # roles in words
        now = self.s.clock()
        async with self.s.uow() as uow:
            w, notices = await settlement.decide_withdrawal(
                uow,
                cmd.withdrawal_id,
                cmd.approve,
                cmd.admin,
                cmd.reason,
                now,
                transfer=self.s.payouts is not None,
            )
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "payout" if cmd.approve else "reject_withdrawal",
                    f"withdrawal:{w.id}",
                    cmd.role,
                    {},
                    {"status": w.status.value, "amount": w.amount_cents},
                )
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [WithdrawalDecided(w.id or 0, w.status)]

    async def export_ledger(self, cmd: c.ExportLedger) -> list[Result]:
        check(cmd.role, "ledger")
        try:
            start, end = date.fromisoformat(cmd.start), date.fromisoformat(cmd.end)
        except ValueError:
            raise DomainError(N_("日期格式:YYYY-MM-DD")) from None
        if end < start:
            raise DomainError(N_("结束日期早于开始日期"))
        if day_bounds(self.s.tz, start, end) is None:  # days no instant bounds (9999-12-31)
            raise DomainError(N_("日期超出范围"))
        return [LedgerLinked(start, end, self.s.ledger_url(start, end))]

    async def daily_settlement(self, cmd: c.DailySettlement) -> list[Result]:
        """Once per business day (whichever process claims it): settle confirmed orders that
        were missed, pay auto-approved withdrawals (by hand: no payout provider runs), report
        yesterday to finance (with the withdrawals paid: by hand today, else yesterday's
        transfers)."""
        now = self.s.clock()
        today = now.astimezone(self.s.tz).date()
        async with self.s.uow() as uow:
            if not await uow.settlement_runs.claim(today, now):
                return [DayAlreadySettled()]
            day = today - timedelta(days=1)
            start = datetime.combine(day, time(), tzinfo=self.s.tz)
            end = start + timedelta(days=1)
            notices: list[Notice] = []
            if self.s.payouts:  # the payout sweep paid them: those of the day reported
                paid = await uow.withdrawals.paid_between(start, end)
            else:
                paid, notices = await settlement.pay_approved(uow, now)
            totals = await uow.ledger.totals(start, end)
            figures = settlement.report_figures(day.isoformat(), totals, paid)
            await uow.settlement_runs.record(today, settlement.report(figures))
            report = settlement.report_notice(figures, When(day, today))
            posted = await self.s.post(uow, [*notices, report])
            await uow.commit()
        await self.s.flush(posted)
        return [DaySettled(len(paid))]


def paid_notice(order: Order, amount: int, balance: bool) -> Notice:
    return to_customer(
        order.customer_id,
        "order_paid",
        number=order.number,
        amount=amount,
        next="" if balance else "dispatching",
    )


def refunded_notice(customer_id: int, number: int, amount: int) -> Notice:
    return to_customer(customer_id, "refund_paid", number=number, amount=amount)
