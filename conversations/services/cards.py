"""Prepaid visit cards inside the caller's unit of work (``domain.cards``): bought (a card
awaiting its payment and the payment request), paid (active once, exactly once), refunded
pro rata, expired — each under the card's row lock and journaled (``domain.card_ledger``).
A visit taken by an order and given back: ``card_visits``."""

from __future__ import annotations

from datetime import datetime

from conversations.services.card_visits import locked
from conversations.services.payment_requests import PaymentMismatch, new_reference
from domain.card_ledger import (
    card_breakage,
    card_paid,
    card_refunded,
)
from domain.cards import UNSERVED, Card, CardProduct, CardStatus, VisitHeld
from domain.errors import DomainError
from domain.payments import Payment, PaymentKind, PaymentStatus
from domain.ports import UnitOfWork
from domain.text import N_

PREFIX = {"sandbox": "SBC", "telegram": "TGC", "wechat_pay": "WXC"}
"""Card payment references, by provider (order payments' are SBX, TGP, WXP)."""
UNPAID = (CardStatus.AWAITING_PAYMENT, CardStatus.CANCELLED)
OPEN = (PaymentStatus.PENDING, PaymentStatus.EXPIRED)
"""A card's payment request still takes money (expired: its purchase lapsed, and a late
payment activates the card)."""


async def buy(
    uow: UnitOfWork,
    product: CardProduct,
    customer_id: int,
    channel: str,
    provider: str,
    now: datetime,
) -> tuple[Card, Payment]:
    """A card awaiting payment, and its payment request with ``provider``."""
    card = await uow.cards.add(Card.of(product, customer_id, channel, now))
    assert card.id is not None
    payment = Payment(
        None,
        provider,
        PaymentKind.FULL,
        card.price_cents,
        now,
        new_reference(PREFIX.get(provider, "CRD")),
        card_id=card.id,
    )
    return card, await uow.payments.add(payment)


async def confirm(
    uow: UnitOfWork,
    payment: Payment,
    *,
    provider: str,
    provider_ref: str,
    amount: int | None,
    now: datetime,
    customer_id: int | None = None,
) -> tuple[Card, bool]:
    """Credit a card's payment once: the card becomes active. (card, newly credited)."""
    assert payment.card_id is not None and payment.id is not None
    card = await locked(uow, payment.card_id)
    if customer_id is not None and card.customer_id != customer_id:
        raise DomainError(N_("找不到这笔支付"))
    if payment.provider != provider or amount not in (None, payment.amount_cents):
        raise PaymentMismatch(N_("支付信息不符,未入账"))
    if payment.status == PaymentStatus.SUCCEEDED or card.status not in UNPAID:
        return card, False
    claimed = await uow.payments.claim(
        payment.id, PaymentStatus.SUCCEEDED, now, provider_ref, only_if=OPEN
    )
    if not claimed:
        return card, False
    card.activate(now)
    await uow.cards.save(card)
    assert card.id is not None
    await uow.ledger.post(
        card_paid(payment.reference, provider, payment.amount_cents, card.id, now)
    )
    return card, True


async def refund(
    uow: UnitOfWork, card_id: int, now: datetime, note: str
) -> tuple[Card, Payment | None]:
    """Close the card: the unused paid visits' part back through the provider it was paid
    with (a pending refund, carried out by ``ExecuteRefunds``), the rest is revenue. Refused
    while an order not yet served holds one of its visits (``domain.cards.UNSERVED``): read
    under the card's lock, which an order taking or giving back a visit waits for."""
    card = await locked(uow, card_id)
    if card.status == CardStatus.ACTIVE:
        held = await uow.cards.held_by(card_id, UNSERVED)
        if held:
            raise VisitHeld(card_id, held)
    back, breakage = card.refund()
    await uow.cards.save(card)
    if breakage:
        await uow.ledger.post(card_breakage(card_id, breakage, now, "refund"))
    if not back:
        return card, None
    paid = [
        p
        for p in await uow.payments.for_card(card_id)
        if p.kind == PaymentKind.FULL and p.status == PaymentStatus.SUCCEEDED
    ]
    if not paid:
        raise DomainError(N_("这张次卡没有可退的付款"))
    refund = await uow.payments.add(
        Payment(
            None,
            paid[0].provider,
            PaymentKind.REFUND,
            back,
            now,
            new_reference("RFC"),
            refund_of=paid[0].id,
            note=note[:200],
            card_id=card_id,
        )
    )
    return card, refund


async def refund_done(
    uow: UnitOfWork, refund: Payment, provider_ref: str, now: datetime
) -> Card | None:
    """The provider paid a card's refund (once): it leaves the deferred value."""
    assert refund.card_id is not None and refund.id is not None
    card = await locked(uow, refund.card_id)
    if not await uow.payments.claim(refund.id, PaymentStatus.SUCCEEDED, now, provider_ref):
        return None
    card.deferred_cents -= refund.amount_cents
    await uow.cards.save(card)
    await uow.ledger.post(
        card_refunded(refund.reference, refund.provider, refund.amount_cents, refund.card_id, now)
    )
    return card


async def expire(uow: UnitOfWork, card_id: int, now: datetime) -> tuple[Card, int] | None:
    """Expire the card if it is due (once, whichever process gets its lock first): what is
    left of its value is revenue. (card, visits it still had) or None."""
    card = await locked(uow, card_id)
    visits = card.visits_left
    if card.status != CardStatus.ACTIVE or card.valid_until is None or now < card.valid_until:
        return None
    breakage = card.expire(now)
    await uow.cards.save(card)
    if breakage:
        await uow.ledger.post(card_breakage(card_id, breakage, now, "expiry"))
    return card, visits


async def remind(uow: UnitOfWork, card_id: int, now: datetime) -> Card | None:
    """Mark the card reminded of its coming expiry (once); None when it was or needs not."""
    card = await locked(uow, card_id)
    if card.status != CardStatus.ACTIVE or card.reminded_at is not None or not card.visits_left:
        return None
    card.reminded_at = now
    await uow.cards.save(card)
    return card


async def lapse(uow: UnitOfWork, card_id: int, now: datetime) -> bool:
    """A purchase not paid in time lapses (once): its payment requests close (the
    reconciliation sweep still asks their provider for a while)."""
    card = await locked(uow, card_id)
    if card.status != CardStatus.AWAITING_PAYMENT:
        return False
    card.status = CardStatus.CANCELLED
    await uow.cards.save(card)
    for p in await uow.payments.for_card(card_id):
        if p.kind != PaymentKind.REFUND and p.status == PaymentStatus.PENDING:
            await uow.payments.claim(p.id or 0, PaymentStatus.EXPIRED, now, None)
    return True
