"""Payments and refunds as the providers report them, and how long an order may wait for
its payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.orders import Order
from domain.rules import PaymentRules


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
    was placed; a recurring visit's order (made days ahead) may wait until
    ``recurring_pay_before_hours`` before the visit, if that is later."""
    deadline = order.created_at + timedelta(minutes=rules.unpaid_expire_minutes)
    if order.subscription_id is None:
        return deadline
    return max(deadline, order.start_at - timedelta(hours=rules.recurring_pay_before_hours))
