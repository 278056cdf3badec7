"""Properties of coupons through the real service layer, on SQLite and PostgreSQL (a database
of each test's own): whatever sequence of giving coupons, booking with a chosen coupon or the
best one, paying, cancelling, letting an order lapse unpaid and finishing happens, a coupon
is held by at most one order that still stands, the order it names names it back, and one
that came back is free to use again. And checkouts racing for the same coupon — two
processes (two ``Services`` on two connection pools) at once — use it once."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conversations.events import Failed
from conversations.results.booking import OrderPaid, OrderPlaced, QuoteReady
from conversations.results.orders import CancellationQuoted
from conversations.services.bus import Services
from domain import commands as c
from domain.coupons import Coupon
from domain.people import Customer
from domain.pricing import CouponKind, CouponTerms
from domain.queries import PreviewQuote, QuoteCancellation
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.uow import Database
from tests import random_refs
from tests.integration.test_points_properties import (
    Clock,
    booking,
    checkouts_racing,
    finish,
    new_worker,
    reader,
    services,
)

_ids = itertools.count(1)
STANDING = ("cancelled", "refunded")
"""Order statuses that no longer hold what they used (a fee kept keeps the coupon)."""


async def new_customer(database: Database, clock: Clock) -> int:
    async with database.uow() as uow:
        customer = await uow.customers.add(Customer(clock(), phone=random_refs.phone()))
        await uow.commit()
    assert customer.id is not None
    return customer.id


async def give(database: Database, customer_id: int, clock: Clock, amount: int) -> str:
    code = f"P{next(_ids)}{secrets.token_hex(3).upper()}"
    async with database.uow() as uow:
        await uow.coupons.add(
            Coupon(
                code,
                CouponTerms(code, CouponKind.FIXED, amount_cents=amount),
                clock(),
                clock() + timedelta(days=60),
                customer_id,
                "admin:test",
            )
        )
        await uow.commit()
    return code


async def book(s: Services, b: c.Booking) -> tuple[int, str | None] | None:
    """Quote, then place: (number, payment reference or None when nothing is due); None
    when the coupon chosen cannot be used (held by another order) or placing was refused."""
    [quote] = await s.run(PreviewQuote(b))
    if isinstance(quote, Failed):
        assert b.coupon_code, quote  # only a chosen coupon refuses a quote here
        return None
    assert isinstance(quote, QuoteReady)
    [placed] = await s.run(c.PlaceOrder(b, quote.total_cents))
    if isinstance(placed, OrderPlaced):
        return placed.due.number, placed.due.reference
    if isinstance(placed, OrderPaid):
        return placed.number, None
    assert isinstance(placed, Failed), placed
    return None


async def check_coupons(database: Database) -> None:
    async with database.uow() as uow:
        rows = reader(await uow.session.connection())

        coupons = await rows("SELECT code, used_order_id FROM coupons")
        orders = await rows("SELECT id, status, coupon_code FROM orders")
        fees = {
            r[0]
            for r in await rows(
                "SELECT DISTINCT order_id FROM ledger_entries WHERE journal LIKE 'fee:%'"
            )
        }
    by_id = {oid: (status, code) for oid, status, code in orders}
    for code, used in coupons:
        if used is not None:
            status, named = by_id[used]
            assert named == code, (code, used, named)  # the order names it back
            if status in STANDING:  # came back unless the cancellation kept a fee
                assert used in fees, (code, used, status)
    holding: dict[object, list[object]] = {}
    for oid, status, code in orders:
        if code and (status not in STANDING or oid in fees):
            holding.setdefault(code, []).append(oid)
    used_by = dict(coupons)
    for code, holders in holding.items():
        assert len(holders) == 1, (code, holders)  # never two orders on one coupon
        assert used_by[code] == holders[0], (code, holders, used_by[code])


OPS = st.lists(
    st.tuples(
        st.sampled_from(["give", "book", "book", "pay", "pay", "cancel", "lapse", "finish"]),
        st.integers(0, 5),
        st.booleans(),
    ),
    min_size=1,
    max_size=18,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
@example(  # a coupon used, the order cancelled for free: the coupon used again
    ops=[("give", 0, False), ("book", 0, True), ("pay", 0, False), ("cancel", 0, False)]
    + [("book", 0, True), ("pay", 1, False)]
)
@example(  # a coupon used on an order left unpaid: back when it lapses
    ops=[("give", 0, False), ("book", 0, True), ("lapse", 0, False), ("book", 0, False)]
)
async def test_a_coupon_is_held_by_one_standing_order_whatever_happens(  # noqa: C901
    own_db_url, pii_key, ops
):
    clock = Clock()
    database = Database(create_engine(own_db_url), PiiCipher(decode_key(pii_key)))
    try:
        s = services(database, clock)
        worker = await new_worker(database, clock)
        customers = [await new_customer(database, clock) for _ in range(2)]
        codes: dict[int, list[str]] = {who: [] for who in customers}
        orders: list[tuple[int, int, str | None]] = []  # (customer, number, reference)
        for op, pick, flag in ops:
            clock.now += timedelta(minutes=7)
            order = orders[pick % len(orders)] if orders else None
            who = customers[pick % len(customers)]
            if op == "give":
                codes[who].append(await give(database, who, clock, 1_000 + 500 * pick))
            elif op == "book":
                b = booking(who, 2 + pick % 3, False, clock)
                if flag and codes[who]:  # a coupon chosen, else the best one held
                    b = replace(b, coupon_code=codes[who][pick % len(codes[who])])
                placed = await book(s, b)
                if placed is not None:
                    orders.append((who, *placed))
            elif op == "pay" and order and order[2]:
                await s.run(c.ConfirmSandboxPayment(order[2], order[0]))
            elif op == "cancel" and order:
                [terms] = await s.run(QuoteCancellation(order[0], order[1]))
                if isinstance(terms, CancellationQuoted):
                    await s.run(c.CancelOrder(order[0], order[1], terms.fee_cents))
            elif op == "lapse":
                clock.now += timedelta(hours=1)
                await s.run(c.ExpireUnpaid())
            elif op == "finish" and order:
                await finish(database, order[1], worker, clock)
            await check_coupons(database)
    finally:
        await database.dispose()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(racers=st.integers(2, 6))
async def test_checkouts_racing_in_two_processes_use_one_coupon_once(own_db_url, pii_key, racers):
    clock = Clock()
    cipher = PiiCipher(decode_key(pii_key))
    one = Database(create_engine(own_db_url), cipher)
    two = Database(create_engine(own_db_url), cipher)  # another process's pool
    try:
        first, second = services(one, clock), services(two, clock)
        customer = await new_customer(one, clock)
        code = await give(one, customer, clock, 6_000)  # more than the first-order discount
        quoted = []  # every checkout quoted with the coupon while it was free
        for i in range(racers):
            b = replace(booking(customer, 2 + i % 3, False, clock), coupon_code=code)
            [quote] = await first.run(PreviewQuote(b))
            assert isinstance(quote, QuoteReady) and quote.coupon_code == code
            quoted.append((b, quote.total_cents))
        results = await checkouts_racing(first, second, quoted)
        placed = [r for r in results if not isinstance(r, Failed)]
        async with one.uow() as uow:
            mine = await uow.orders.for_customer(customer, limit=50)
        assert len(placed) >= 1  # the first checkout always gets it
        assert sum(o.coupon_code == code for o in mine) == 1
        await check_coupons(one)
    finally:
        await one.dispose()
        await two.dispose()
