"""After-sales in one place: a customer's complaint (it freezes the order's settlement), its
resolution (rework, a refund by the rule table or in full, or rejected), the response deadline
with its escalation and the compensation coupon, and ratings both ways."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from conversations.services import deposits, refunds
from conversations.services.notices import Notice, to_admins, to_customer, to_worker
from conversations.services.settlement import settle
from domain.aftersales import (
    ESCALATION_ROLES,
    RESOLUTION_TEXT,
    Complaint,
    ComplaintStatus,
    Resolution,
    check_can_complain,
    compensation_due,
    escalation_due,
    refundable,
    refundable_for_service,
    resolves_itself,
    rule_refund,
)
from domain.audit import AuditEntry
from domain.coupons import Coupon, compensation_reason
from domain.errors import DomainError
from domain.ledger import complaint_clawback, worker_payable
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.money import format_yuan
from domain.orders import SYSTEM, Actor, Order
from domain.payments import Payment, PaymentKind, PaymentStatus
from domain.ports import UnitOfWork
from domain.pricing import CouponKind, CouponTerms
from domain.rules import ComplaintCategory, Rules
from domain.text import N_

RULE = "rule"
"""``resolved_by`` of a complaint the rule table resolved without a human."""


@dataclass
class Filed:
    complaint: Complaint
    number: int
    refunds: list[Payment]
    notices: list[Notice]
    pay_held: bool = True
    """The worker's pay for the order waits for the complaint (not settled yet)."""


async def _service_left(uow: UnitOfWork, order: Order) -> int:
    """What a partial refund is computed on and may reach: what is left of what was paid for
    the service, the reschedule fees kept left out (``refundable_for_service``)."""
    assert order.id is not None
    pending = await pending_refunds(uow, order.id)
    return refundable_for_service(order, pending, await refunds.fees_kept(uow, order.id))


async def pending_refunds(uow: UnitOfWork, order_id: int) -> int:
    return sum(
        p.amount_cents
        for p in await uow.payments.for_order(order_id)
        if p.kind == PaymentKind.REFUND and p.status == PaymentStatus.PENDING
    )


async def complain(
    uow: UnitOfWork,
    rules: Rules,
    *,
    customer_id: int,
    number: int,
    category: ComplaintCategory,
    text: str,
    photos: list[str],
    now: datetime,
) -> Filed:
    order = await uow.orders.by_number(number)
    if order is None or order.customer_id != customer_id or order.id is None:
        raise DomainError(N_("找不到订单 #{number}", number=number))
    await uow.orders.lock(order.id)
    check_can_complain(order, now, rules.after_sales)
    for earlier in await uow.complaints.for_order(order.id):
        if earlier.open:
            raise DomainError(
                N_("订单 #{number} 已有处理中的投诉 #{id}", number=number, id=earlier.id)
            )
    complaint = await uow.complaints.add(
        Complaint(
            order_id=order.id,
            customer_id=customer_id,
            worker_id=order.worker_id,
            category=category,
            text=text.strip()[:1000],
            photos=photos,
            created_at=now,
        )
    )
    order.note_event(
        Action.COMPLAIN,
        Actor(ActorKind.CUSTOMER, str(customer_id)),
        now,
        f"#{complaint.id}",
    )
    await uow.orders.save(order, now)
    base = await _service_left(uow, order)
    amount = rule_refund(category, base, rules.after_sales)
    if resolves_itself(complaint, amount, rules.after_sales):
        refunds, notices = await _resolve(
            uow, rules, complaint, order, Resolution.PARTIAL, amount, RULE, "", now
        )
        return Filed(complaint, number, refunds, notices)
    # the customer is answered in the turn that filed it (``ComplaintFiled``): no notice
    alert = _admin_alert(complaint, number, ESCALATION_ROLES[0], 0)
    return Filed(complaint, number, [], [alert], order.status != OrderStatus.SETTLED)


def _admin_alert(
    complaint: Complaint, number: int, roles: tuple[str, ...], minutes: int
) -> Notice:
    return to_admins(
        "complaint_opened_admin" if minutes == 0 else "complaint_waiting_admin",
        *roles,
        complaint_id=complaint.id,
        number=number,
        category=complaint.category.value,
        text=complaint.text,
        photos=len(complaint.photos),
        minutes=minutes,
    )


async def respond(
    uow: UnitOfWork, complaint_id: int, admin: str, role: str, text: str, now: datetime
) -> tuple[Complaint, list[Notice]]:
    """Support answers the customer (the first answer stops the escalation clock)."""
    complaint = await _open(uow, complaint_id)
    if not text.strip():
        raise DomainError(N_("请写回复内容"))
    if complaint.first_response_at is None:
        complaint.first_response_at = now
    if not await uow.complaints.save(complaint, only_if_open=True):
        raise DomainError(N_("投诉 #{complaint_id} 刚被处理", complaint_id=complaint_id))
    order = await uow.orders.get(complaint.order_id, full=False)
    assert order is not None
    await uow.audit.append(
        AuditEntry(
            now, admin, "complaint_reply", f"order:{order.number}", role, {}, {"text": text}
        )
    )
    return complaint, [
        to_customer(
            complaint.customer_id,
            "complaint_reply",
            complaint_id=complaint_id,
            number=order.number,
            text=text.strip()[:500],
        )
    ]


async def _open(uow: UnitOfWork, complaint_id: int) -> Complaint:
    complaint = await uow.complaints.get(complaint_id)
    if complaint is None:
        raise DomainError(N_("没有投诉 #{complaint_id}", complaint_id=complaint_id))
    if not complaint.open:
        done = RESOLUTION_TEXT.get(complaint.resolution or "", N_("已处理"))
        raise DomainError(
            N_("投诉 #{complaint_id} 已处理({done})", complaint_id=complaint_id, done=done)
        )
    return complaint


async def resolve(
    uow: UnitOfWork,
    rules: Rules,
    *,
    complaint_id: int,
    resolution: Resolution,
    admin: str,
    role: str,
    amount: int | None,
    reason: str,
    now: datetime,
) -> tuple[Complaint, int, list[Payment], list[Notice]]:
    """An admin's decision. Returns the complaint, the order number, the refunds to execute
    after commit, and the notices."""
    complaint = await _open(uow, complaint_id)
    order = await uow.orders.get(complaint.order_id)
    assert order is not None and order.id is not None
    await uow.orders.lock(order.id)
    if resolution == Resolution.PARTIAL:
        left = await _service_left(uow, order)
        amount = (
            amount
            if amount is not None
            else rule_refund(complaint.category, left, rules.after_sales)
        )
        if not 0 < amount <= left:
            raise DomainError(N_("退款金额应在 ¥0.01–{left} 之间", left=format_yuan(left)))
    elif resolution == Resolution.FULL:  # everything, a reschedule fee too
        left = refundable(order, await pending_refunds(uow, order.id))
        if left <= 0:
            raise DomainError(N_("这笔订单没有可退的金额"))
        amount = left
    else:
        amount = 0
    if resolution == Resolution.REJECTED and not reason.strip():
        raise DomainError(N_("驳回请写明原因"))
    before: dict[str, object] = {"status": complaint.status.value}
    refunds, notices = await _resolve(
        uow, rules, complaint, order, resolution, amount, admin, reason, now
    )
    await uow.audit.append(
        AuditEntry(
            now,
            admin,
            "resolve_complaint",
            f"order:{order.number}",
            role,
            before,
            {
                "complaint": complaint_id,
                "resolution": resolution.value,
                "refund": amount,
                "reason": reason,
            },
        )
    )
    return complaint, order.number, refunds, notices


async def _resolve(
    uow: UnitOfWork,
    rules: Rules,
    complaint: Complaint,
    order: Order,
    resolution: Resolution,
    amount: int,
    by: str,
    reason: str,
    now: datetime,
) -> tuple[list[Payment], list[Notice]]:
    assert order.id is not None and complaint.id is not None
    complaint.status, complaint.resolution = ComplaintStatus.RESOLVED, resolution.value
    complaint.resolved_at, complaint.resolved_by = now, by
    complaint.refund_cents, complaint.note = amount, reason.strip()[:300]
    complaint.first_response_at = complaint.first_response_at or now
    if not await uow.complaints.save(complaint, only_if_open=True):
        raise DomainError(N_("投诉 #{id} 刚被处理", id=complaint.id))
    planned: list[Payment] = []
    notices: list[Notice] = []
    if amount:
        if order.status == OrderStatus.SETTLED and order.worker_id is not None:
            notices += await _claw_back(uow, rules, order, complaint, amount, now)
        planned = await refunds.plan_refunds(
            uow, order, amount, now, note=f"complaint {complaint.id}"
        )
    actor = SYSTEM if by == RULE else Actor(ActorKind.ADMIN, by)
    order.note_event(Action.RESOLVE, actor, now, f"#{complaint.id}")  # no id a person reads
    await uow.orders.save(order, now)
    if not await uow.complaints.open_for_order(order.id):  # the settlement thaws
        notices += await settle(uow, rules, order, now)
    data = {
        "complaint_id": complaint.id,
        "number": order.number,
        "resolution": resolution.value,
        "amount": amount,
        "reason": complaint.note,
        "by_rule": by == RULE,  # the rule table decided, or an agent did
    }
    if by != RULE:  # the rule decides as the customer files: their turn's answer says it
        notices.append(to_customer(complaint.customer_id, "complaint_resolved", **data))
    if complaint.worker_id is not None:
        notices.append(to_worker(complaint.worker_id, "complaint_resolved_worker", **data))
    if by == RULE:
        notices.append(to_admins("complaint_auto_resolved_admin", "support", **data))
    return planned, notices


async def _claw_back(
    uow: UnitOfWork, rules: Rules, order: Order, complaint: Complaint, amount: int, now: datetime
) -> list[Notice]:
    """After settlement, the worker gives back their share of a refund (the platform bears
    the rest, or the worker's deposit as the rules say): the settlement journal says what
    each side got."""
    assert order.id is not None and order.worker_id is not None and complaint.id is not None
    account = worker_payable(order.worker_id)
    entries = await uow.ledger.for_order(order.id)
    settled = [e for e in entries if e.journal == f"settle:{order.number}"]
    earned = -sum(e.amount_cents for e in settled if e.account == account)
    paid = sum(e.amount_cents for e in settled if e.account == "customer_prepaid")
    taken = sum(e.amount_cents for e in entries if e.journal.startswith("clawback:"))
    share = max(min(amount * earned // paid if paid > 0 else 0, earned - taken), 0)
    notices = await deposits.charge(uow, rules, order, complaint, share, amount, now)
    if share > 0:
        await uow.ledger.post(
            complaint_clawback(complaint.id, order.id, order.worker_id, share, now)
        )
    return notices


async def sla_step(
    uow: UnitOfWork, rules: Rules, complaint: Complaint, now: datetime
) -> list[Notice]:
    """One unanswered or unresolved complaint: escalate it, or give the coupon — each step
    claimed so several processes act once."""
    notices: list[Notice] = []
    r = rules.after_sales
    level = escalation_due(complaint, now, r)
    order = await uow.orders.get(complaint.order_id, full=False)
    assert order is not None
    if level is not None and await uow.complaints.claim_step(complaint, level=level, coupon=False):
        minutes = int((now - complaint.created_at).total_seconds()) // 60
        notices.append(_admin_alert(complaint, order.number, ESCALATION_ROLES[level], minutes))
    if compensation_due(complaint, now, r) and await uow.complaints.claim_step(
        complaint, level=None, coupon=True
    ):
        coupon = await uow.coupons.add(
            Coupon(
                f"C{secrets.token_hex(5).upper()}",
                CouponTerms(
                    "compensation", CouponKind.FIXED, amount_cents=r.compensation_coupon_cents
                ),
                now,
                now + timedelta(days=r.compensation_coupon_days),
                customer_id=complaint.customer_id,
                reason=compensation_reason(complaint.id or 0, order.number),
            )
        )
        notices.append(
            to_customer(
                complaint.customer_id,
                "complaint_compensated",
                complaint_id=complaint.id,
                number=order.number,
                amount=r.compensation_coupon_cents,
                code=coupon.code,
                days=r.compensation_coupon_days,
            )
        )
    return notices
