"""Service handlers of the admins' order actions: ``/reassign``, ``/cancel``, ``/refund`` and
``/waive``.

Each checks the admin's role again in its own transaction (``admins.authorize``) and writes
what it changed to the audit log, with before and after, in that transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from conversations.events import Result
from conversations.results.admin_orders import (
    BalanceWaived,
    OrderCancelledByAdmin,
    OrderReassigned,
    RefundAlreadyRequested,
    RefundRequested,
)
from conversations.results.sweeps import RefundsExecuted, RefundsQueued
from conversations.services import (
    cancellations,
    payment_requests,
    refunds,
)
from conversations.services.admin_reads import by_number
from conversations.services.deps import Deps
from conversations.services.dispatch_desk import LIVE, hand_to
from conversations.services.notices import in_both, to_customer, to_worker
from conversations.services.staff import authorize
from domain import commands as c
from domain.audit import AuditEntry
from domain.dispatch import ASSIGNABLE
from domain.errors import DomainError
from domain.lifecycle import STATUS_TEXT, Action, ActorKind, OrderStatus
from domain.moments import clock_or_when
from domain.money import format_yuan
from domain.orders import Actor, Order
from domain.payments import PaymentKind
from domain.ports import UnitOfWork
from domain.pricing import LineKind, QuoteLine
from domain.text import N_

WAIVED = N_("已免除")
"""The order line of what ``/waive`` forgave."""

REPEAT_WINDOW = timedelta(minutes=10)
"""The same refund asked again this soon is taken for a resent message (say "again")."""
STILL_TO_SERVE = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.DISPATCHING,
        OrderStatus.ACCEPTED,
        OrderStatus.ON_THE_WAY,
        OrderStatus.ARRIVED,
        OrderStatus.IN_SERVICE,
    }
)
"""An order whose service is still to come (or under way): refunded in full, it goes ahead
unpaid unless cancelled — the refund's answer says so."""


def not_reassignable(order: Order) -> DomainError:
    """Why an order not (or no longer) accepted cannot be reassigned: one still waiting for
    a worker is given one with ``/assign``; any other (under way, done, cancelled) not at all."""
    if order.status in ASSIGNABLE:
        return DomainError(
            N_(
                "订单 #{number} {status},只有已接单的订单可以改派(未接单用 /assign)",
                number=order.number,
                status=STATUS_TEXT[order.status],
            )
        )
    return DomainError(
        N_(
            "订单 #{number} 现在是「{status}」,不能改派。",
            number=order.number,
            status=STATUS_TEXT[order.status],
        )
    )


class OrderDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.ReassignOrder: self.reassign,
            c.AdminCancelOrder: self.cancel,
            c.RefundOrder: self.refund,
            c.WaiveBalance: self.waive,
        }

    async def reassign(self, cmd: c.ReassignOrder) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "reassign", cmd.admin)
            order = await by_number(uow, cmd.number)
            worker = await uow.workers.get(cmd.worker_id)
            if worker is None:
                raise DomainError(N_("没有 ID 为 {worker_id} 的师傅", worker_id=cmd.worker_id))
            previous = order.worker_id
            if previous == worker.id and order.status in LIVE:  # nothing to move, nobody told
                raise DomainError(N_("#{number} 已经是这位师傅", number=order.number))
            if order.status != OrderStatus.ACCEPTED or previous is None:
                raise not_reassignable(order)
            before: dict[str, object] = {"worker_id": previous}
            notices = await hand_to(
                uow, self.s, order, worker, cmd.admin, role, "reassign", before, now
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [OrderReassigned(order.number, previous, worker.id or 0, worker.name)]

    async def cancel(self, cmd: c.AdminCancelOrder) -> list[Result]:
        """Cancel under the cancellation policy (the same fee a customer would pay now: the
        admin most often cancels at the customer's word; a fee the platform should not keep
        is given back with ``/refund``); the rest is refunded through each payment's
        provider. The customer is told both: what comes back, and the fee kept and why."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "cancel", cmd.admin)
            order = await by_number(uow, cmd.number, full=False)
            before = order.status.value
            assert order.id is not None
            kept = await refunds.fees_kept(uow, order.id)
            admin = ActorKind.ADMIN
            fee = cancellations.terms_for(order, self.s.rules, now, kept, admin).fee_cents
            terms, withdrawn = await cancellations.cancel(
                uow, order, self.s.rules, now, fee, Actor(admin, cmd.admin)
            )
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "cancel",
                    f"order:{order.number}",
                    role,
                    {"status": before},
                    {
                        "status": order.status.value,
                        "fee": terms.fee_cents,
                        "refund": terms.refund_cents,
                        "reason": cmd.reason,
                    },
                )
            )
            notices = [
                to_customer(
                    order.customer_id,
                    "cancelled_by_admin",
                    number=order.number,
                    reason=cmd.reason,
                    refund=terms.refund_cents,
                    fee=terms.fee_cents,
                    why=in_both(terms.reason),
                )
            ]
            if order.worker_id is not None:
                notices.append(
                    to_worker(order.worker_id, "cancelled_by_admin_worker", number=order.number)
                )
            posted = await self.s.post(uow, [*notices, *withdrawn])
            await uow.commit()
        await self.s.flush(posted)
        if terms.refund_cents:  # the customer was told the amount; providers do the rest
            assert order.id is not None
            await self.s.execute_refunds(c.ExecuteRefunds(order.id, notify_customer=False))
        return [
            OrderCancelledByAdmin(order.number, terms.fee_cents, terms.refund_cents, terms.reason)
        ]

    async def refund(self, cmd: c.RefundOrder) -> list[Result]:
        """Refund part or all of what was paid, through the providers it came from; the
        ledger entries are written as each provider confirms. Running the same request again
        (a crash before the reply, a resent message) refunds nothing more. Refused while a
        complaint about the order is open: that refund is the complaint's decision
        (``_refuse_open_complaint``)."""
        now = self.s.clock()
        if cmd.amount_cents <= 0:
            raise DomainError(N_("退款金额须大于 0"))
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "refund", cmd.admin)
            order = await by_number(uow, cmd.number, full=False)
            assert order.id is not None
            await uow.orders.lock(order.id)
            earlier = [
                a
                for a in await uow.audit.for_target(f"order:{order.number}", limit=500)
                if a.action == "refund"
            ]
            done = next((a for a in earlier if a.after.get("request") == cmd.request), None)
            if done is not None:
                amount = done.after.get("amount")
                return [
                    RefundAlreadyRequested(order.number, amount if isinstance(amount, int) else 0)
                ]
            await _leave_to_complaints(uow, order, cmd, now, self.s.tz)
            recent = next(
                (
                    a
                    for a in earlier
                    if a.after.get("amount") == cmd.amount_cents and now - a.at < REPEAT_WINDOW
                ),
                None,
            )
            if recent is not None and not cmd.again:
                when = clock_or_when(recent.at, now, self.s.tz)
                raise DomainError(
                    N_(
                        "{when} 已退过 #{number} 同样的金额;确需再退请在末尾加 again",
                        when=when,
                        number=order.number,
                    )
                )
            all_back = order.refunded_cents + cmd.amount_cents >= order.paid_cents
            planned = await refunds.plan_refunds(uow, order, cmd.amount_cents, now, "admin")
            after = {
                "amount": cmd.amount_cents,
                "request": cmd.request,
                "references": [p.reference for p in planned],
            }
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "refund",
                    f"order:{order.number}",
                    role,
                    {"paid": order.paid_cents, "refunded": order.refunded_cents},
                    after,
                )
            )
            await uow.commit()
        sent = await self.s.execute_refunds(c.ExecuteRefunds(order.id))
        queued = any(isinstance(r, RefundsQueued) for r in sent)
        pending = sum(r.pending for r in sent if isinstance(r, RefundsExecuted))
        live = order.status in STILL_TO_SERVE and all_back
        # no finding against the worker: the platform bears it (a complaint's refund claws back)
        settled = order.status == OrderStatus.SETTLED and order.worker_id is not None
        return [RefundRequested(order.number, cmd.amount_cents, queued, pending, live, settled)]

    async def waive(self, cmd: c.WaiveBalance) -> list[Result]:
        """Forgive what the customer still owes on a finished order (a balance, an approved
        extra they will not pay): the order can then be confirmed, and is settled on what was
        paid. Its open balance and extra requests close; money that still lands on one goes
        back (``refunds.return_late``). Asked again, there is nothing left to waive."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "waive", cmd.admin)
            found = await by_number(uow, cmd.number, full=False)
            assert found.id is not None
            order = await uow.orders.get(found.id, full=False, lock=True)
            assert order is not None and order.id is not None
            if order.status != OrderStatus.FINISHED:
                raise DomainError(
                    N_(
                        "只能免除已完工、待确认订单的尾款(#{number} 现在:{status})",
                        number=order.number,
                        status=STATUS_TEXT[order.status],
                    )
                )
            paid = await payment_requests.paid_for_service(uow, order)  # fees pay no price
            owed = order.total_cents - paid
            if owed <= 0:
                raise DomainError(N_("订单 #{number} 没有未付的尾款", number=order.number))
            kinds = (PaymentKind.BALANCE, PaymentKind.SURCHARGE)
            await payment_requests.close_requests(uow, order.id, now, kinds)
            before: dict[str, object] = {"total": order.total_cents, "paid": order.paid_cents}
            order.total_cents = paid
            # the order's lines say it, so they add up to the total the customer is shown
            await uow.surcharges.add_lines(order, [QuoteLine(LineKind.WAIVED, WAIVED, -owed)])
            admin = Actor(ActorKind.ADMIN, cmd.admin)
            order.note_event(Action.WAIVE, admin, now, format_yuan(owed))
            await uow.orders.save(order, now)
            after: dict[str, object] = {"amount": owed, "reason": cmd.reason}
            target = f"order:{order.number}"
            await uow.audit.append(
                AuditEntry(now, cmd.admin, "waive", target, role, before, after)
            )
            notices = [
                to_customer(order.customer_id, "balance_waived", number=order.number, amount=owed)
            ]
            if order.worker_id is not None:  # their pay is what was paid: not a surprise
                notices.append(
                    to_worker(
                        order.worker_id, "balance_waived_worker", number=order.number, amount=owed
                    )
                )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [BalanceWaived(order.number, owed)]


async def _leave_to_complaints(
    uow: UnitOfWork, order: Order, cmd: c.RefundOrder, now: datetime, tz: tzinfo
) -> None:
    """A refund asked while a complaint about the order is open is the complaint's to give:
    ``/resolve`` decides it by the after-sales rules (the rule table's share; after
    settlement the worker gives back their share of it), where a ``/refund`` has no finding
    and the platform bears it all. Refused rather than done twice: the complaint's partial
    refund would be worked out again on what is left and paid on top. And the amount a
    complaint's decision has just refunded, asked again, is taken for the same refund (say
    ``again``). Read under the order's row lock, which filing and deciding a complaint take
    too."""
    assert order.id is not None
    filed = await uow.complaints.for_order(order.id)
    complaint = next((k for k in filed if k.open), None)
    if complaint is not None:
        raise DomainError(
            N_(
                "订单 #{number} 有处理中的投诉 #{complaint_id}:退款请按售后规则处理投诉"
                "(/resolve {complaint_id} partial [金额] 或 full,由老板或调度决定),"
                "不能用 /refund 另退",
                number=order.number,
                complaint_id=complaint.id,
            )
        )
    decided = next(
        (
            k
            for k in filed
            if k.resolved_at is not None
            and k.refund_cents == cmd.amount_cents
            and now - k.resolved_at < REPEAT_WINDOW
        ),
        None,
    )
    if decided is not None and decided.resolved_at is not None and not cmd.again:
        when = clock_or_when(decided.resolved_at, now, tz)
        raise DomainError(
            N_(
                "{when} 投诉 #{complaint_id} 的处理已退过 #{number} 同样的金额;"
                "确需再退请在末尾加 again",
                when=when,
                complaint_id=decided.id,
                number=order.number,
            )
        )
