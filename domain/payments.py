"""Payments and refunds as the providers report them, and how long an order may wait for
its payment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.orders import Order
from domain.rules import PaymentRules
from domain.text import N_, Text


class PaymentKind(StrEnum):
    FULL = "full"
    DEPOSIT = "deposit"
    BALANCE = "balance"
    SURCHARGE = "surcharge"
    """An on-site extra the customer approved (``domain.surcharge``)."""
    RESCHEDULE_FEE = "resched_fee"
    """The fee for moving the order late (``domain.reschedule``): revenue once paid."""
    REFUND = "refund"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"
    """A request closed with its order (cancelled, or not paid in time): the provider may
    still take money for it for a while, and that money is then returned."""
    RETURNED = "returned"
    """The provider took the money after the order was cancelled: it was never credited to
    the order and a refund of the whole amount was made against it."""


KIND_TEXT: dict[str, Text] = {
    PaymentKind.FULL: N_("全款"),
    PaymentKind.DEPOSIT: N_("定金"),
    PaymentKind.BALANCE: N_("尾款"),
    PaymentKind.SURCHARGE: N_("现场加价"),
    PaymentKind.RESCHEDULE_FEE: N_("改约费"),
    PaymentKind.REFUND: N_("退款"),
}
PAYMENT_STATUS_TEXT: dict[str, Text] = {
    PaymentStatus.PENDING: N_("待支付"),
    PaymentStatus.SUCCEEDED: N_("成功"),
    PaymentStatus.FAILED: N_("失败"),
    PaymentStatus.EXPIRED: N_("已关闭,未支付"),  # its own words: a ticket's 已关闭 is "Closed"
    PaymentStatus.RETURNED: N_("已退回"),
}
PROVIDER_TEXT: dict[str, Text] = {
    "sandbox": N_("演示支付"),
    "telegram": N_("Telegram 支付"),
    "wechat_pay": N_("微信支付"),
}
"""How a payment's kind, status and provider read in staff screens."""


@dataclass
class Payment:
    """A payment (or refund) of an order, or — ``order_id`` None, ``card_id`` set — of a
    prepaid card's purchase (``domain.cards``)."""

    order_id: int | None
    provider: str
    kind: PaymentKind
    amount_cents: int
    created_at: datetime
    reference: str
    status: PaymentStatus = PaymentStatus.PENDING
    provider_ref: str | None = None
    completed_at: datetime | None = None
    refund_of: int | None = None
    note: str = ""
    id: int | None = None
    card_id: int | None = None


def pay_by(order: Order, rules: PaymentRules) -> datetime:
    """When an order still awaiting payment is cancelled: ``unpaid_expire_minutes`` after it
    was placed; one placed days ahead for the customer may wait, if that is later, until
    ``recurring_pay_before_hours`` before a recurring visit or ``renewal_pay_before_hours``
    before a renewed placement starts (``made_ahead``)."""
    deadline = order.created_at + timedelta(minutes=rules.unpaid_expire_minutes)
    ahead = made_ahead(order, rules)
    return deadline if ahead is None else max(deadline, order.start_at - ahead)


def made_ahead(order: Order, rules: PaymentRules) -> timedelta | None:
    """How long before its start an order made ahead (a recurring visit, a placement's
    renewal) may still be paid; None for an order paid as it is placed."""
    if order.subscription_id is not None:
        return timedelta(hours=rules.recurring_pay_before_hours)
    if order.renewal_of is not None:
        return timedelta(hours=rules.renewal_pay_before_hours)
    return None


def fees_paid(payments: Iterable[Payment]) -> int:
    """The reschedule fees credited to an order (gross: one given back since is in its
    ``refunded_cents``, as the fee was in its ``paid_cents``). A fee is the platform's
    revenue, no part of the order's price: what pays the service is ``paid_for_service``."""
    return sum(
        p.amount_cents
        for p in payments
        if p.kind == PaymentKind.RESCHEDULE_FEE and p.status == PaymentStatus.SUCCEEDED
    )


def paid_for_service(order: Order, payments: Iterable[Payment]) -> int:
    """What the customer paid towards the order's price (``payments``: the order's own):
    ``paid_cents`` without the reschedule fees, which it holds too (refunds not taken off,
    as ``paid_cents`` does not)."""
    return order.paid_cents - fees_paid(payments)


def given_back(payments: Iterable[Payment]) -> dict[int, int]:
    """What of each payment (by id) came back: the refunds against it the provider carried
    out (one pending or failed is not money back)."""
    back: dict[int, int] = {}
    for p in payments:
        done = p.kind == PaymentKind.REFUND and p.status == PaymentStatus.SUCCEEDED
        if done and p.refund_of is not None:
            back[p.refund_of] = back.get(p.refund_of, 0) + p.amount_cents
    return back


def fees_kept_of(payments: Iterable[Payment]) -> int:
    """The reschedule fees paid and not given back (a refund of one, done or on its way):
    revenue, so neither a refund policy nor a settlement nor points count them."""
    fees = {
        p.id: p.amount_cents
        for p in payments
        if p.kind == PaymentKind.RESCHEDULE_FEE and p.status == PaymentStatus.SUCCEEDED
    }
    back = sum(
        p.amount_cents
        for p in payments
        if p.kind == PaymentKind.REFUND
        and p.refund_of in fees
        and p.status != PaymentStatus.FAILED
    )
    return max(0, sum(fees.values()) - back)
