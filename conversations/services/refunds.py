"""Money going back: refunds planned against the payments they return (each through the
provider it came from), completed once the provider confirms, and money that landed on a
closed order returned in full."""

from __future__ import annotations

import logging
from datetime import datetime

from conversations.services import card_visits, payment_requests, points
from domain.errors import DomainError
from domain.ledger import payment_received, prepaid_held, refund_paid
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.money import format_yuan
from domain.orders import SYSTEM, Actor, Order
from domain.payments import Payment, PaymentKind, PaymentStatus, fees_kept_of
from domain.ports import Reads, UnitOfWork
from domain.rules import Rules
from domain.text import N_
from domain.timeline_notes import refunded_note

log = logging.getLogger(__name__)


async def plan_refunds(
    uow: UnitOfWork, order: Order, amount: int, now: datetime, note: str = ""
) -> list[Payment]:
    """Pending refunds totalling ``amount``, each against a payment it came from (newest
    first, reschedule fees last), so every refund goes back through its own provider."""
    assert order.id is not None
    payments = await uow.payments.for_order(order.id)
    refunded: dict[int, int] = {}
    for p in payments:
        if p.kind == PaymentKind.REFUND and p.refund_of is not None:
            refunded[p.refund_of] = refunded.get(p.refund_of, 0) + p.amount_cents
    paid = sorted(
        (
            p
            for p in payments
            if p.kind != PaymentKind.REFUND and p.status == PaymentStatus.SUCCEEDED
        ),
        # reschedule fees last: revenue already, given back only by a refund of everything
        key=lambda p: (p.kind == PaymentKind.RESCHEDULE_FEE, -(p.id or 0)),
    )
    rooms = [(p, p.amount_cents - refunded.get(p.id or 0, 0)) for p in paid]
    refundable = sum(max(0, room) for _, room in rooms)
    if amount > refundable:
        raise DomainError(
            N_(
                "退款金额 {amount} 超过可退金额 {refundable}",
                amount=format_yuan(amount),
                refundable=format_yuan(refundable),
            )
        )
    left, planned = amount, []
    for p, room in rooms:
        take = min(room, left)
        if take <= 0:
            continue
        planned.append(
            await uow.payments.add(
                Payment(
                    order.id,
                    p.provider,
                    PaymentKind.REFUND,
                    take,
                    now,
                    payment_requests.new_reference("RFD"),
                    refund_of=p.id,
                    note=note,
                )
            )
        )
        left -= take
        if left == 0:
            break
    return planned


async def refund_done(
    uow: UnitOfWork, refund: Payment, provider_ref: str, now: datetime, rules: Rules
) -> Order | None:
    """Record a refund the provider carried out (once); a cancelled or done order moves to
    refunded when its last pending refund completes and everything paid came back. The refund
    of a returned late payment (``return_late``) changes nothing on the order: that money was
    never credited to it.
    A settled order's earned points come down with what is still paid; an order done and
    refunded in full gives back the points it used."""
    assert refund.order_id is not None  # a card's refund is done by ``services.cards``
    order = await uow.orders.get(refund.order_id, full=False, lock=True)  # read as locked
    assert order is not None and order.id is not None
    if not await uow.payments.claim(refund.id or 0, PaymentStatus.SUCCEEDED, now, provider_ref):
        return None
    payments = await uow.payments.for_order(order.id)
    returned = {p.id for p in payments if p.status == PaymentStatus.RETURNED}
    others = [
        p
        for p in payments
        if p.kind == PaymentKind.REFUND and p.status == PaymentStatus.PENDING and p.id != refund.id
    ]
    held = prepaid_held(await uow.ledger.for_order(order.id))
    await uow.ledger.post(
        refund_paid(
            refund.reference,
            refund.provider,
            refund.amount_cents,
            order.id,
            now,
            held=held - sum(p.amount_cents for p in others),  # theirs stays held for them
        )
    )
    if refund.refund_of in returned:
        return order
    order.refunded_cents += refund.amount_cents
    waiting = [p for p in others if p.refund_of not in returned]
    pending = sum(p.amount_cents for p in waiting)
    if order.status == OrderStatus.SETTLED:  # its points come down with what is still paid
        await points.claw_back(uow, rules, order, pending, refund.reference, now)
    done = order.status in (OrderStatus.FINISHED, OrderStatus.CONFIRMED, OrderStatus.SETTLED)
    # refunded only when everything paid came back: a cancellation that kept a fee stays
    # cancelled (its detail shows what came back and the fee), as a partly refunded job stays
    if (
        not waiting
        and (order.status == OrderStatus.CANCELLED or done)
        and order.refunded_cents >= order.paid_cents
    ):
        if done:  # refunded in full: the points and the card's visit it used come back too
            await points.give_back(uow, rules, order, now)
            await card_visits.give_back(uow, order, now)
        order.apply(Action.REFUND, SYSTEM, now, refunded_note(order.refunded_cents))
    await uow.orders.save(order, now)
    return order


async def fees_kept(uow: Reads, order_id: int) -> int:
    """The reschedule fees paid for the order: revenue when they were paid, so neither the
    cancellation policy nor the settlement shares them."""
    # a fee given back (refused move, full refund) is no longer kept
    return fees_kept_of(await uow.payments.for_order(order_id))


async def held_for_service(uow: Reads, order: Order) -> int:
    """What the customer paid for the order's service and still has paid: paid, less
    refunded, less the reschedule fees kept (``fees_kept``: revenue of their own)."""
    assert order.id is not None
    return order.paid_cents - order.refunded_cents - await fees_kept(uow, order.id)


async def return_late(
    uow: UnitOfWork, reference: str, provider_ref: str, now: datetime
) -> tuple[Order, Payment] | None:
    """Money the provider took for a cancelled order or a waived request (checked with the
    provider first): booked as received, never credited, refunded in full through the same
    provider. Once: None when this payment was already returned (or credited)."""
    payment = await uow.payments.by_reference(reference)
    if (
        payment is None
        or payment.id is None
        or payment.kind == PaymentKind.REFUND
        or payment.order_id is None
    ):
        raise DomainError(N_("找不到这笔支付"))
    order = await uow.orders.get(payment.order_id, full=False, lock=True)
    assert order is not None and order.id is not None
    closed = order.status in payment_requests.CLOSED
    if not closed and not payment_requests.waived_request(payment):
        raise DomainError(f"order #{order.number} takes this payment")  # a bug: checked before
    claimed = await uow.payments.claim(
        payment.id,
        PaymentStatus.RETURNED,
        now,
        provider_ref,
        only_if=(PaymentStatus.PENDING, PaymentStatus.EXPIRED),
    )
    if not claimed:
        return None
    amount = payment.amount_cents
    await uow.ledger.post(payment_received(reference, payment.provider, amount, order.id, now))
    refund = await uow.payments.add(
        Payment(
            order.id,
            payment.provider,
            PaymentKind.REFUND,
            amount,
            now,
            payment_requests.new_reference("RFD"),
            refund_of=payment.id,
            note="late payment",
        )
    )
    order.note_event(
        Action.RETURN_PAYMENT,
        Actor(ActorKind.SYSTEM, payment.provider),
        now,
        format_yuan(amount),
    )
    await uow.orders.save(order, now)
    log.info("payment %s landed on a closed request of %s: refunding it", reference, order.number)
    return order, refund
