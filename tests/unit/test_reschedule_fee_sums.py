"""The reschedule fees in what an order was paid (``domain.payments``): revenue of their
own, so what paid the service leaves them out, and a fee given back is no longer kept."""

from datetime import UTC, datetime

from domain.lifecycle import ActorKind
from domain.orders import Actor, Order
from domain.payments import (
    Payment,
    PaymentKind,
    PaymentStatus,
    fees_kept_of,
    fees_paid,
    paid_for_service,
)
from domain.pricing import Quote, Selection

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
OK, FAILED = PaymentStatus.SUCCEEDED, PaymentStatus.FAILED


def pay(kind: PaymentKind, cents: int, id_: int, status=OK, refund_of=None) -> Payment:
    return Payment(1, "sandbox", kind, cents, NOW, f"R{id_}", status, refund_of=refund_of, id=id_)


DEPOSIT = pay(PaymentKind.DEPOSIT, 18_240, 1)
FEE = pay(PaymentKind.RESCHEDULE_FEE, 1_824, 2)
ASKED_AGAIN = pay(PaymentKind.RESCHEDULE_FEE, 1_824, 3, PaymentStatus.EXPIRED)


def test_what_paid_the_service_leaves_the_fees_paid_out():
    order = Order.from_quote(
        number=240117,
        customer_id=1,
        selections=(Selection("deep_cleaning", 76),),
        quote=Quote((), 60_800, 0),
        start_at=NOW,
        created_at=NOW,
        channel="telegram",
        actor=Actor(ActorKind.CUSTOMER, "1"),
    )
    order.paid_cents = 18_240 + 1_824
    payments = [DEPOSIT, FEE, ASKED_AGAIN]
    assert fees_paid(payments) == 1_824
    assert paid_for_service(order, payments) == 18_240  # ¥608 − this = the ¥425.60 due


def test_a_fee_given_back_is_still_paid_but_no_longer_kept_unless_its_refund_failed():
    back = pay(PaymentKind.REFUND, 1_824, 4, PaymentStatus.PENDING, refund_of=2)
    assert fees_kept_of([DEPOSIT, FEE]) == 1_824
    assert fees_kept_of([DEPOSIT, FEE, back]) == 0
    assert fees_paid([DEPOSIT, FEE, back]) == 1_824  # its refund is in refunded_cents
    failed = pay(PaymentKind.REFUND, 1_824, 4, FAILED, refund_of=2)
    assert fees_kept_of([DEPOSIT, FEE, failed]) == 1_824
    service_refund = pay(PaymentKind.REFUND, 500, 5, refund_of=1)
    assert fees_kept_of([DEPOSIT, FEE, service_refund]) == 1_824
