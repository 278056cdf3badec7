"""A new order's number and rows (``store.new_orders``: one statement on PostgreSQL), and a
saved order's changes with its new timeline events (``store.order_saves``), a customer read
with their order stats, and what a dispatch reads of the customer, on SQLite and PostgreSQL."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from conversations.services import payment_requests
from domain.cards import Card, CardProduct
from domain.coupons import Coupon
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.membership import PAID_STATUSES
from domain.orders import Actor, Order
from domain.payments import Payment, PaymentKind, PaymentStatus
from domain.people import Address, Customer, Worker
from domain.pricing import CouponKind, CouponTerms, QuoteRequest, Selection, quote
from domain.rule_keys import MemberLevel
from domain.text import Bilingual
from store import orders_repo
from store.catalog_file import load_catalog
from store.new_orders import draw_number
from store.orders_repo import ConcurrentUpdate
from tests import random_refs
from tests.integration.test_new_customers import Statements

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CATALOG, RULES = load_catalog()
SELECTIONS = (Selection("daily_cleaning", 3, option_ids=("supplies",)),)


def an_order(number: int, customer_id: int) -> Order:
    q = quote(CATALOG, RULES, QuoteRequest(SELECTIONS, NOW + timedelta(days=2)))
    actor = Actor(ActorKind.CUSTOMER, str(customer_id))
    order = Order.from_quote(
        number=number,
        customer_id=customer_id,
        selections=SELECTIONS,
        quote=q,
        start_at=NOW + timedelta(days=2),
        created_at=NOW,
        channel="telegram",
        actor=actor,
        notes="门禁 1234",
    )
    order.apply(Action.REQUEST_PAYMENT, actor, NOW)
    return order


async def a_customer(database) -> int:
    async with database.uow() as uow:
        customer = await uow.customers.add(Customer(created_at=NOW, phone=random_refs.phone()))
        await uow.commit()
    assert customer.id is not None
    return customer.id


async def test_a_new_order_is_stored_with_its_lines_timeline_and_first_version(database):
    customer_id = await a_customer(database)
    async with database.uow() as uow:
        order = await uow.orders.add(an_order(await uow.orders.next_number(), customer_id))
        await uow.commit()
    async with database.uow() as uow:
        again = await uow.orders.by_number(order.number)
        assert again is not None and again.id == order.id
        assert again.lines == order.lines and len(again.lines) >= 2
        assert again.timeline == order.timeline and len(again.timeline) == 2
        assert again.version == 0 and again.notes == "门禁 1234"
        again.apply(Action.CANCEL, Actor(ActorKind.CUSTOMER, str(customer_id)), NOW)
        await uow.orders.save(again, NOW)  # the version written is the one save expects
        await uow.commit()
    assert again.status == OrderStatus.CANCELLED and again.version == 1


async def test_a_drawn_number_another_order_took_is_drawn_again_in_its_events_too(database):
    customer_id = await a_customer(database)
    async with database.uow() as uow:
        number = await uow.orders.next_number()
        first = await uow.orders.add(an_order(number, customer_id))
        second = an_order(number, customer_id)  # as if another checkout drew it first
        await uow.orders.add(second)
        await uow.commit()
    assert first.number == number and second.number != number
    assert 100_000 <= second.number < 10_000_000
    assert [e.order_number for e in second.events] == [second.number]
    async with database.uow() as uow:
        stored = await uow.orders.by_number(second.number)
        assert stored is not None and stored.id == second.id != first.id
        assert stored.lines == second.lines and len(stored.timeline) == 2


async def test_a_new_order_is_added_with_its_payment_request_in_the_same_statement(database):
    customer_id = await a_customer(database)
    seen = Statements(database)
    async with database.uow() as uow:
        number = await uow.orders.next_number()
        await uow.orders.add(an_order(number, customer_id))  # taken: drawn again, paid too
        order = an_order(number, customer_id)
        _, amount = payment_requests.due(order, 0)
        payment = payment_requests.new_request(order, "sandbox", NOW, 0)
        before = seen.count
        await uow.orders.add(order, payment)
        added = seen.count - before
        await uow.commit()
    seen.close()
    if database.engine.dialect.name == "postgresql":
        assert added == 2  # the number taken, then the order with all its rows
    assert order.number != number and payment.order_id == order.id is not None
    async with database.uow() as uow:
        stored = await uow.payments.by_reference(payment.reference)
        assert stored == payment and stored.id is not None
        assert (stored.amount_cents, stored.status) == (amount, PaymentStatus.PENDING)
        assert await uow.payments.for_order(order.id) == [payment]


async def test_a_number_drawn_by_two_checkouts_at_once_places_both_orders(database, monkeypatch):
    """The second INSERT waits for the first's transaction (PostgreSQL) or its turn (SQLite),
    finds the number taken and draws again; a SELECT first would have let both through to a
    duplicate key error."""
    customer_id = await a_customer(database)
    number = draw_number(0)
    monkeypatch.setattr(
        orders_repo, "draw_number", lambda attempt: number if attempt == 0 else draw_number(1)
    )
    first_added = asyncio.Event()

    async def checkout(first: bool) -> Order:
        if not first:
            await first_added.wait()
        async with database.uow() as uow:
            order = await uow.orders.add(an_order(await uow.orders.next_number(), customer_id))
            if first:
                first_added.set()  # not committed yet: the other checkout goes on now
            await uow.commit()
        return order

    one, other = await asyncio.gather(checkout(True), checkout(False))
    assert one.number == number and other.number != number
    async with database.uow() as uow:
        for order in (one, other):
            stored = await uow.orders.by_number(order.number)
            assert stored is not None and stored.id == order.id


async def test_a_number_the_caller_chose_that_is_taken_fails_as_a_duplicate(database):
    customer_id = await a_customer(database)
    async with database.uow() as uow:
        first = await uow.orders.add(an_order(await uow.orders.next_number(), customer_id))
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with database.uow() as uow:
            await uow.orders.add(an_order(first.number, customer_id))


def test_a_stored_order_keeps_its_number():
    order = an_order(123_456, 1)
    order.id = 7  # type: ignore[assignment]
    with pytest.raises(Exception, match="keeps its number"):
        order.renumber(654_321)


async def test_a_new_order_whose_unit_of_work_is_not_committed_is_not_kept(database):
    customer_id = await a_customer(database)
    async with database.uow() as uow:
        order = await uow.orders.add(an_order(await uow.orders.next_number(), customer_id))
    async with database.uow() as uow:
        assert await uow.orders.by_number(order.number) is None


async def test_a_save_writes_the_orders_changes_with_its_new_events_or_neither(database):
    customer_id = await a_customer(database)
    customer = Actor(ActorKind.CUSTOMER, str(customer_id))
    async with database.uow() as uow:
        order = await uow.orders.add(an_order(await uow.orders.next_number(), customer_id))
        await uow.commit()
    async with database.uow() as uow:
        stale = await uow.orders.by_number(order.number)
    async with database.uow() as uow:
        paid = await uow.orders.by_number(order.number)
        paid.apply(Action.PAY, Actor(ActorKind.SYSTEM, "sandbox"), NOW)
        paid.apply(Action.DISPATCH, Actor(ActorKind.SYSTEM, "daojia"), NOW)
        await uow.orders.save(paid, NOW)  # two events with the UPDATE
        await uow.commit()
    async with database.uow() as uow:
        stale.apply(Action.CANCEL, customer, NOW)
        with pytest.raises(ConcurrentUpdate):  # read before the payment: nothing of it kept
            await uow.orders.save(stale, NOW)
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.orders.by_number(order.number)
    assert stored.status == OrderStatus.DISPATCHING and stored.version == 1
    assert [e.to_status for e in stored.timeline] == [
        OrderStatus.QUOTED,
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.DISPATCHING,
    ]


async def test_a_save_if_changed_writes_nothing_for_an_order_saved_or_unchanged(database):
    """``save(if_changed=True)``: the credited order is saved once with the dispatch's
    changes (money.confirm) — not again when a step saved it, nor when nothing changed (a
    save that writes bumps the version)."""
    customer_id = await a_customer(database)
    async with database.uow() as uow:
        order = await uow.orders.add(an_order(await uow.orders.next_number(), customer_id))
        await uow.commit()
    async with database.uow() as uow:
        read = await uow.orders.by_number(order.number)
        await uow.orders.save(read, NOW, if_changed=True)  # as read
        assert read.version == 0
        read.paid_cents += 100
        await uow.orders.save(read, NOW, if_changed=True)  # a column changed
        assert read.version == 1
        await uow.orders.save(read, NOW, if_changed=True)  # saved just now
        assert read.version == 1
        read.apply(Action.PAY, Actor(ActorKind.SYSTEM, "sandbox"), NOW)
        await uow.orders.save(read, NOW, if_changed=True)  # a new event and its status
        assert read.version == 2
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.orders.by_number(order.number)
    assert stored.paid_cents == 100 and stored.status == OrderStatus.PAID
    assert stored.version == 2 and stored.timeline[-1].to_status == OrderStatus.PAID


async def test_a_customer_is_read_with_the_same_order_stats_as_the_orders_give(database):
    """Paid orders count as orders; the level spend is what served orders were paid for
    the service: net of refunds, without a reschedule fee kept, a deposit on an order still
    to be served not spent yet."""
    customer_id = await a_customer(database)
    since = NOW - timedelta(days=365)
    async with database.uow() as uow:
        alone = await uow.customers.with_order_stats(customer_id, PAID_STATUSES, since)
        assert alone == (await uow.customers.get(customer_id), 0, 0)
        unpaid = await uow.orders.add(an_order(await uow.orders.next_number(), customer_id))
        paid = await uow.orders.add(an_order(await uow.orders.next_number(), customer_id))
        paid.apply(Action.PAY, Actor(ActorKind.SYSTEM, "sandbox"), NOW)
        paid.paid_cents = paid.total_cents
        await uow.orders.save(paid, NOW)
        await uow.commit()
    assert unpaid.status == OrderStatus.AWAITING_PAYMENT

    async def read() -> tuple[int, int]:
        async with database.uow() as uow:
            found = await uow.customers.with_order_stats(customer_id, PAID_STATUSES, since)
            stats = await uow.orders.customer_stats(customer_id, PAID_STATUSES, since)
            customer = await uow.customers.get(customer_id)
            assert await uow.customers.with_order_stats(-1, PAID_STATUSES, since) is None
        assert found == (customer, *stats)
        return stats

    assert await read() == (1, 0)  # paid, not served: no spend yet
    fee, back = 1_824, 2_000
    async with database.uow() as uow:
        served = await uow.orders.get(paid.id)
        assert served is not None and served.id is not None
        served.status = OrderStatus.SETTLED
        served.paid_cents += fee
        served.refunded_cents = back
        await uow.orders.save(served, NOW)
        kind, ref = PaymentKind.RESCHEDULE_FEE, random_refs.code("FEE")
        await uow.payments.add(
            Payment(served.id, "sandbox", kind, fee, NOW, ref, PaymentStatus.SUCCEEDED)
        )
        await uow.commit()
    assert await read() == (1, paid.total_cents - back)  # the fee is revenue, not spend


async def test_a_dispatch_reads_the_address_with_the_previous_workers_and_level(database):
    """The order's address, the workers who completed a job for its customer and their
    member level as settled, in one statement; no address for none (or another's id)."""
    customer_id = await a_customer(database)
    async with database.uow() as uow:
        nobody = await uow.addresses.for_dispatch(None, customer_id)
        assert nobody == (None, set(), MemberLevel.REGULAR)
        assert await uow.addresses.for_dispatch(None, -1) == (None, set(), MemberLevel.REGULAR)
        worker = await uow.workers.add(
            Worker(name="师傅", phone=random_refs.phone(), created_at=NOW)
        )
        for status in (OrderStatus.CONFIRMED, OrderStatus.SETTLED, OrderStatus.ACCEPTED):
            order = an_order(await uow.orders.next_number(), customer_id)
            order.worker_id, order.status = worker.id, status
            await uow.orders.add(order)
        home = await uow.addresses.add(
            Address(customer_id, "徐汇区漕溪北路88号", "王", "13800000000", None, "徐汇区")
        )
        await uow.membership.set_level(customer_id, MemberLevel.GOLD)
        await uow.commit()
    seen = Statements(database)
    try:
        async with database.uow() as uow:  # an accepted job is no completed one
            found = await uow.addresses.for_dispatch(home.id, customer_id)
            if database.engine.dialect.name == "postgresql":  # SQLite's plans pass unseen
                assert seen.count == 1
            alone = await uow.addresses.get(home.id)
            assert await uow.membership.level(customer_id) == MemberLevel.GOLD
            missing = await uow.addresses.for_dispatch(-1, customer_id)
    finally:
        seen.close()
    assert found == (alone, {worker.id}, MemberLevel.GOLD) and alone is not None
    assert alone.text == "徐汇区漕溪北路88号" and alone.phone == "13800000000"
    assert missing == (None, {worker.id}, MemberLevel.GOLD)


async def test_a_checkout_reads_the_customer_other_accounts_and_cancellations_at_once(database):
    """What a quote and a new order ask of the customer, in one statement, as the separate
    reads answer it: the accounts of the number given (else of their own; a customer without
    a number matches nobody) and the orders they cancelled themselves since the date."""
    phone = random_refs.phone()
    async with database.uow() as uow:
        made = [
            await uow.customers.add(Customer(created_at=NOW, phone=p))
            for p in (phone, phone, "", "")
        ]
        await uow.commit()
    me, twin, no_phone, _ = (c.id for c in made)
    async with database.uow() as uow:
        for who in (ActorKind.CUSTOMER, ActorKind.CUSTOMER, ActorKind.SYSTEM):
            order = await uow.orders.add(an_order(await uow.orders.next_number(), me))
            order.apply(Action.CANCEL, Actor(who, "x"), NOW + timedelta(hours=1))
            await uow.orders.save(order, NOW + timedelta(hours=1))
        await uow.commit()
    since, recent = NOW - timedelta(days=365), NOW
    seen = Statements(database)
    try:
        async with database.uow() as uow:
            mine = await uow.customers.for_checkout(me, PAID_STATUSES, since, "", recent)
            if database.engine.dialect.name == "postgresql":  # SQLite's plans pass unseen
                assert seen.count == 1
            given = await uow.customers.for_checkout(no_phone, PAID_STATUSES, since, phone, recent)
            own = await uow.customers.for_checkout(no_phone, PAID_STATUSES, since, "", recent)
            later = NOW + timedelta(hours=2)
            none = await uow.customers.for_checkout(me, PAID_STATUSES, since, "", later)
            stats = await uow.customers.with_order_stats(me, PAID_STATUSES, since)
            others = await uow.customers.others_with_phone(me, phone)
            cancelled = await uow.orders.cancellations_by_customer(me, recent)
            assert await uow.customers.for_checkout(-1, PAID_STATUSES, since, "", recent) is None
    finally:
        seen.close()
    assert (mine.customer, mine.orders_counted, mine.spend) == stats
    assert mine.others_with_phone == others == 1 and mine.cancelled == cancelled == 2
    assert given.others_with_phone == 2 and given.customer.id == no_phone  # me and my twin
    assert own.others_with_phone == 0  # no number: not the other customers without one
    assert none.cancelled == 0 and twin != me


async def test_a_checkout_reads_the_coupons_and_cards_held_in_the_same_statement(database):
    """The coupons (first to expire first, then by id) and prepaid cards (by id) a checkout
    reads with the customer are those the separate reads give, values and all (dates, JSON,
    NULLs), another customer's not among them; a customer who holds none has none."""
    product = CardProduct(
        "dc2", Bilingual("两次卡", "2 visits"), ("daily_cleaning",), 2, 1, 500, 30
    )

    def coupon(customer_id: int, days: int, used: int | None = None) -> Coupon:
        terms = CouponTerms("x", CouponKind.PERCENT, 0, 1500, 10000, 3000)
        made = Coupon(random_refs.code("C"), terms, NOW, NOW + timedelta(days=days), customer_id)
        made.used_order_id = used
        return made

    async with database.uow() as uow:
        me, other, empty = [await uow.customers.add(Customer(created_at=NOW)) for _ in "abc"]
        order = await uow.orders.add(an_order(await uow.orders.next_number(), me.id))
        for days, used in ((30, None), (7, order.id), (30, None), (365, None)):
            await uow.coupons.add(coupon(me.id, days, used))
        await uow.coupons.add(coupon(other.id, 1))
        for who in (me, me, other):
            card = await uow.cards.add(Card.of(product, who.id, "telegram", NOW))
        card.activate(NOW)  # the other's: no longer awaiting payment, and dated
        await uow.cards.save(card)
        await uow.commit()
    since = NOW - timedelta(days=365)
    seen = Statements(database)
    try:
        async with database.uow() as uow:
            mine = await uow.customers.for_checkout(me.id, PAID_STATUSES, since, "", NOW)
            if database.engine.dialect.name == "postgresql":  # SQLite's plans pass unseen
                assert seen.count == 1
            theirs = await uow.customers.for_checkout(other.id, PAID_STATUSES, since, "", NOW)
            nothing = await uow.customers.for_checkout(empty.id, PAID_STATUSES, since, "", NOW)
            separate = {
                who.id: (
                    await uow.coupons.for_customer(who.id),
                    await uow.cards.for_customer(who.id),
                )
                for who in (me, other)
            }
    finally:
        seen.close()
    assert len(mine.coupons) == 4 and len(mine.cards) == 2
    assert (list(mine.coupons), list(mine.cards)) == separate[me.id]
    assert (list(theirs.coupons), list(theirs.cards)) == separate[other.id]
    assert [c.valid_until for c in mine.coupons] == sorted(c.valid_until for c in mine.coupons)
    assert theirs.cards[0].valid_until is not None and mine.cards[0].valid_until is None
    assert nothing.coupons == () and nothing.cards == ()
    assert (mine.customer.id, nothing.customer.id) == (me.id, empty.id)
