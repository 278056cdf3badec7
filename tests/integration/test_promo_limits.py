"""Promo codes under racing checkouts, through the real service layer on SQLite and
PostgreSQL (a database of each test's own): checkouts of many customers in two processes (two
``Services`` on two connection pools) never pass the code's total, and one customer's racing
checkouts never pass their own number of uses; each use is one coupon, used by one order."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import replace
from datetime import timedelta

from conversations.events import Failed
from conversations.results.booking import QuoteReady
from domain import commands as c
from domain.coupons import Promo
from domain.people import Customer
from domain.pricing import CouponKind, CouponTerms
from domain.queries import PreviewQuote
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.uow import Database
from tests import random_refs
from tests.integration.test_points_properties import Clock, booking, services


async def make_promo(database: Database, clock: Clock, total: int, per_customer: int) -> str:
    code = f"RACE{secrets.token_hex(3).upper()}"
    terms = CouponTerms(code, CouponKind.FIXED, amount_cents=6_000)  # beats the first order's
    promo = Promo(code, terms, clock(), clock() + timedelta(days=30), total, per_customer)
    async with database.uow() as uow:
        await uow.promos.add(promo)
        await uow.commit()
    return code


async def new_customer(database: Database, clock: Clock) -> int:
    async with database.uow() as uow:
        customer = await uow.customers.add(Customer(clock(), phone=random_refs.phone()))
        await uow.commit()
    assert customer.id is not None
    return customer.id


async def race(own_db_url, pii_key, total: int, per_customer: int, customers: int, each: int):
    """``customers`` × ``each`` checkouts with the code, all quoted before any is placed, then
    placed at once from two processes; what was placed and what the code's coupons are."""
    clock = Clock()
    cipher = PiiCipher(decode_key(pii_key))
    one = Database(create_engine(own_db_url), cipher)
    two = Database(create_engine(own_db_url), cipher)
    try:
        first, second = services(one, clock), services(two, clock)
        code = await make_promo(one, clock, total, per_customer)
        quoted = []
        for _ in range(customers):
            who = await new_customer(one, clock)
            for i in range(each):
                b = booking(who, 2 + i, False, clock)
                b = replace(b, coupon_code=code)
                [quote] = await first.run(PreviewQuote(b))
                assert isinstance(quote, QuoteReady), quote
                quoted.append((b, quote.total_cents))
        results = await asyncio.gather(
            *[
                (first if i % 2 else second).run(c.PlaceOrder(b, t, phone=random_refs.phone()))
                for i, (b, t) in enumerate(quoted)
            ],
            return_exceptions=True,  # none is expected: a deadlock would be one
        )
        assert not [r for r in results if isinstance(r, BaseException)], results
        placed = [r for [r] in results if not isinstance(r, Failed)]
        async with one.uow() as uow:
            promo = await uow.promos.by_code(code)
            assert promo is not None and promo.id is not None
            issued = await uow.promos.issued(promo.id)
        return placed, promo, issued
    finally:
        await one.dispose()
        await two.dispose()


async def test_checkouts_of_many_customers_racing_never_pass_the_total(own_db_url, pii_key):
    placed, promo, issued = await race(own_db_url, pii_key, 3, 1, customers=7, each=1)
    assert len(placed) == promo.issued == issued == 3


async def test_one_customers_racing_checkouts_never_pass_their_uses(own_db_url, pii_key):
    placed, promo, issued = await race(own_db_url, pii_key, 100, 2, customers=2, each=4)
    assert len(placed) == promo.issued == issued == 4  # two each


async def test_a_second_account_with_the_same_phone_is_the_same_customer(own_db_url, pii_key):
    clock = Clock()
    database = Database(create_engine(own_db_url), PiiCipher(decode_key(pii_key)))
    try:
        s = services(database, clock)
        code = await make_promo(database, clock, 100, 1)
        phone = random_refs.phone()
        placed = []
        for _ in range(2):
            async with database.uow() as uow:
                who = await uow.customers.add(Customer(clock(), phone=phone))
                await uow.commit()
            assert who.id is not None
            b = replace(booking(who.id, 2, False, clock), coupon_code=code)
            [quote] = await s.run(PreviewQuote(b))
            if isinstance(quote, Failed):
                placed.append(quote.message.get("zh"))
                continue
            [result] = await s.run(c.PlaceOrder(b, quote.total_cents, phone=phone))
            placed.append(result)
        assert not isinstance(placed[0], (Failed, str))
        assert placed[1] == f"优惠码 {code} 您已经用过了"
    finally:
        await database.dispose()
