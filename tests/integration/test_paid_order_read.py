"""What crediting a payment reads, on SQLite and PostgreSQL (real servers): the payment
request beside its order, the order under its row lock, in one statement
(``OrderRepository.of_payment``) — the same values the separate reads give; nothing for a
prepaid card's payment or an unknown reference (the caller reads those as a card's)."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from domain.cards import Card, CardProduct
from domain.payments import Payment, PaymentKind
from domain.people import Customer
from domain.text import Bilingual
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.uow import Database
from tests import random_refs
from tests.integration.test_new_customers import Statements
from tests.integration.test_new_orders import NOW, an_order


def request(order_id: int | None, card_id: int | None = None) -> Payment:
    return Payment(
        order_id,
        "sandbox",
        PaymentKind.FULL,
        14000,
        NOW,
        random_refs.code("P"),
        note="首付",
        card_id=card_id,
    )


async def test_the_request_and_its_order_are_read_together(database):
    async with database.uow() as uow:
        me = await uow.customers.add(Customer(created_at=NOW))
        order = await uow.orders.add(an_order(await uow.orders.next_number(), me.id))
        asked = request(order.id)
        await uow.payments.add(asked)
        await uow.commit()
    seen = Statements(database)
    try:
        async with database.uow() as uow:
            found = await uow.orders.of_payment(asked.reference)
            if database.engine.dialect.name == "postgresql":  # SQLite's plans pass unseen
                assert seen.count == 1
    finally:
        seen.close()
    async with database.uow() as uow:
        alone = await uow.payments.by_reference(asked.reference)
        again = await uow.orders.get(order.id, full=False)
    assert found is not None and alone is not None and again is not None
    read, payment = found
    assert payment == alone and payment.order_id == order.id and payment.note == "首付"
    assert (read.id, read.number, read.status, read.version) == (
        again.id,
        again.number,
        again.status,
        again.version,
    )
    assert read.notes == "门禁 1234" and read.total_cents == again.total_cents


async def test_a_cards_payment_and_an_unknown_reference_read_nothing(database):
    product = CardProduct("dc2", Bilingual("两次卡", "2 visits"), ("daily_cleaning",), 2, 1, 5, 30)
    async with database.uow() as uow:
        me = await uow.customers.add(Customer(created_at=NOW))
        card = await uow.cards.add(Card.of(product, me.id, "telegram", NOW))
        of_card = request(None, card_id=card.id)
        await uow.payments.add(of_card)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.orders.of_payment(of_card.reference) is None
        assert await uow.orders.of_payment("NOSUCHREF") is None
        assert (await uow.payments.by_reference(of_card.reference)) is not None


async def test_the_order_is_read_under_its_lock(postgres_url, pii_key):
    database = Database(create_engine(postgres_url), PiiCipher(decode_key(pii_key)))
    try:
        await read_under_lock(database)
    finally:
        await database.dispose()


async def read_under_lock(database: Database) -> None:
    """On PostgreSQL (SQLite has one writer at a time and no row locks)."""
    async with database.uow() as uow:
        me = await uow.customers.add(Customer(created_at=NOW))
        order = await uow.orders.add(an_order(await uow.orders.next_number(), me.id))
        asked = request(order.id)
        await uow.payments.add(asked)
        await uow.commit()
    nowait = text("SELECT id FROM orders WHERE id = :id FOR UPDATE NOWAIT")
    async with database.uow() as uow:
        assert await uow.orders.of_payment(asked.reference) is not None
        async with database.engine.connect() as other:
            with pytest.raises(DBAPIError, match="lock"):
                await other.execute(nowait, {"id": order.id})
    async with database.engine.connect() as other:  # released with the unit of work
        assert (await asyncio.wait_for(other.execute(nowait, {"id": order.id}), 5)).all()
