"""A prepaid card's visit taken by an order as it is placed (under the card's row lock: never
below zero, never twice), and given back when the order is cancelled or refunded."""

from __future__ import annotations

from datetime import datetime

from domain.card_ledger import card_applied as applied_of
from domain.card_ledger import visit_lapsed, visit_returned, visit_used
from domain.cards import Card, CardStatus
from domain.errors import DomainError
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.text import N_


class NoSuchCard(DomainError):
    def __init__(self) -> None:
        super().__init__(N_("找不到这张次卡"))


async def locked(uow: UnitOfWork, card_id: int) -> Card:
    card = await uow.cards.lock(card_id)
    if card is None:
        raise NoSuchCard()
    return card


async def take_visit(
    uow: UnitOfWork, card_id: int, order: Order, item_id: str, now: datetime
) -> int:
    """The order (just added) takes one visit of the card: refused when the card cannot pay
    it now (another checkout took its last visit first, it expired…). Returns its value."""
    assert order.id is not None
    card = await locked(uow, card_id)
    if card.customer_id != order.customer_id:
        raise NoSuchCard()
    value = card.use(item_id, now)
    await uow.cards.save(card)
    await uow.cards.add_visit(card_id, order.id, value, now)
    await uow.ledger.post(visit_used(card_id, order.id, order.number, value, now))
    return value


async def give_back(uow: UnitOfWork, order: Order, now: datetime) -> Card | None:
    """The visit the order took, back on its card (once; nothing when it took none)."""
    assert order.id is not None
    taken = await uow.cards.visit_of(order.id)
    if taken is None:
        return None
    card_id, value = taken
    card = await locked(uow, card_id)
    if not await uow.cards.return_visit(order.id, now):
        return None
    applied = applied_of(await uow.ledger.for_order(order.id))
    if card.status == CardStatus.ACTIVE:
        card.give_back(value)
        await uow.cards.save(card)
        await uow.ledger.post(visit_returned(card_id, order.id, order.number, applied, value, now))
    elif applied:
        await uow.ledger.post(visit_lapsed(card_id, order.id, order.number, applied, now))
    return card
