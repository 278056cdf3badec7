"""Properties of prepaid cards through the real service layer, on SQLite and PostgreSQL (a
database of each test's own): whatever sequence of buying and paying cards, booking with or
without them, paying, cancelling, settling, refunding orders and cards and expiring happens,
visits never go negative, a card's visits left and the visits its orders hold add up to what
it sold, its deferred value is what the ledger's ``card_deferred`` holds, every journal
balances, and an order finished with holds no card value. And checkouts racing for one
card's visits — two processes (two ``Services`` on two connection pools) at once — take each
visit once."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conversations.events import Failed
from conversations.results.booking import QuoteReady
from conversations.results.orders import CancellationQuoted
from conversations.services import cards
from domain import commands as c
from domain import ledger as L
from domain.cards import CardStatus
from domain.people import Customer
from domain.queries import PreviewQuote, QuoteCancellation
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.uow import Database
from tests import random_refs
from tests.integration.test_points_properties import (
    CATALOG,
    Clock,
    assert_applied_nets_out,
    assert_journals_balance,
    book,
    booking,
    checkouts_racing,
    finish,
    new_worker,
    reader,
    refund,
    services,
)

PRODUCT = CATALOG.cards[0]  # daily cleaning: 12 visits + 2 free, ¥900


async def new_customer(database: Database, clock: Clock) -> int:
    async with database.uow() as uow:
        customer = await uow.customers.add(Customer(clock(), phone=random_refs.phone()))
        await uow.commit()
    assert customer.id is not None
    return customer.id


async def buy_card(database: Database, customer: int, clock: Clock, pay: bool) -> int:
    """A card bought (and, ``pay``, paid in the sandbox as the chat would)."""
    async with database.uow() as uow:
        card, payment = await cards.buy(uow, PRODUCT, customer, "telegram", "sandbox", clock())
        if pay:
            await cards.confirm(
                uow,
                payment,
                provider="sandbox",
                provider_ref=f"sandbox-{payment.reference}",
                amount=None,
                now=clock(),
            )
        await uow.commit()
    assert card.id is not None
    return card.id


async def check_books(database: Database) -> None:
    async with database.uow() as uow:
        rows = reader(await uow.session.connection())
        await assert_journals_balance(rows)
        held = await rows(
            "SELECT c.id, c.status, c.visits_left, c.deferred_cents, c.paid_visits"
            " + c.free_visits, (SELECT COUNT(*) FROM card_visits v WHERE v.card_id = c.id"
            " AND v.returned_at IS NULL) FROM prepaid_cards c"
        )
        for _, status, left, deferred, visits, taken in held:
            assert left >= 0 and deferred >= 0
            if status == CardStatus.ACTIVE.value:
                assert left + taken == visits
            elif status != CardStatus.REFUNDED.value:
                assert deferred == 0 and left == 0 or status == "awaiting_payment"
        assert -await uow.ledger.balance(L.CARD_DEFERRED) == sum(r[3] for r in held)
        await assert_applied_nets_out(rows, L.CARD_APPLIED)


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["buy", "book", "book", "book", "pay", "cancel", "settle", "settle", "refund"]
            + ["refund_card", "expire"]
        ),
        st.integers(0, 5),
        st.integers(1, 4),
        st.booleans(),
    ),
    min_size=1,
    max_size=20,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
@example(  # a visit used, settled, refunded in full (the visit back), the card refunded
    ops=[
        ("book", 0, 1, True),
        ("settle", 0, 1, False),
        ("refund", 0, 4, False),
        ("refund_card", 0, 1, False),
    ],
)
@example(  # a visit used, the card expired, then the order cancelled (nothing comes back)
    ops=[("book", 0, 1, True), ("expire", 0, 4, False), ("cancel", 0, 1, False)],
)
async def test_visits_never_go_negative_and_the_books_balance_whatever_happens(  # noqa: C901
    own_db_url, pii_key, ops
):
    clock = Clock()
    database = Database(create_engine(own_db_url), PiiCipher(decode_key(pii_key)))
    try:
        s = services(database, clock)
        worker = await new_worker(database, clock)
        customers = [await new_customer(database, clock) for _ in range(2)]
        held = [await buy_card(database, customers[0], clock, pay=True)]
        orders: list[tuple[int, int, str | None]] = []
        for op, pick, size, flag in ops:
            clock.now += timedelta(minutes=7)
            order = orders[pick % len(orders)] if orders else None
            if op == "buy":
                held.append(await buy_card(database, customers[pick % 2], clock, pay=flag))
            elif op == "book":
                b = booking(customers[pick % 2], 2 + size, False, clock)
                placed = await book(s, c.Booking(**{**vars(b), "use_card": flag}))
                if placed is not None:
                    orders.append((b.customer_id, *placed))
            elif op == "pay" and order and order[2]:
                await s.run(c.ConfirmSandboxPayment(order[2], order[0]))
            elif op == "cancel" and order:
                [terms] = await s.run(QuoteCancellation(order[0], order[1]))
                if isinstance(terms, CancellationQuoted):
                    await s.run(c.CancelOrder(order[0], order[1], terms.fee_cents))
            elif op == "settle" and order and await finish(database, order[1], worker, clock):
                await s.run(c.ConfirmOrder(order[0], order[1]))
            elif op == "refund" and order:
                await refund(s, database, order[1], 2_500 * size)
            elif op == "refund_card":
                await s.run(c.RefundCard(held[pick % len(held)], "test", "finance"))
            elif op == "expire":
                clock.now += timedelta(days=100 * size)
                await s.run(c.ExpireCards())
            await check_books(database)
    finally:
        await database.dispose()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(used=st.sampled_from([0, 9, 12, 13]), racers=st.integers(2, 6))
async def test_checkouts_racing_in_two_processes_take_each_visit_once(
    own_db_url, pii_key, used, racers
):
    clock = Clock()
    cipher = PiiCipher(decode_key(pii_key))
    one = Database(create_engine(own_db_url), cipher)
    two = Database(create_engine(own_db_url), cipher)  # another process's pool
    try:
        first, second = services(one, clock), services(two, clock)
        customer = await new_customer(one, clock)
        card_id = await buy_card(one, customer, clock, pay=True)
        for _ in range(used):  # visits used before: many, one or none may be left
            assert await book(first, booking(customer, 2, False, clock)) is not None
        async with one.uow() as uow:
            card = await uow.cards.get(card_id)
        assert card is not None and card.visits_left == PRODUCT.visits - used
        left = card.visits_left
        # every checkout was quoted while a visit was there
        quoted = []
        for _ in range(racers):
            b = booking(customer, 2, False, clock)
            [quote] = await first.run(PreviewQuote(b))
            assert isinstance(quote, QuoteReady) and quote.use_card
            quoted.append((b, quote.total_cents))
        results = await checkouts_racing(first, second, quoted)
        placed = [r for r in results if not isinstance(r, Failed)]
        async with one.uow() as uow:
            after = await uow.cards.get(card_id)
        assert after is not None
        assert len(placed) == min(left, racers)  # each visit taken once, never below zero
        assert after.visits_left == left - len(placed) >= 0
        await check_books(one)
    finally:
        await one.dispose()
        await two.dispose()
