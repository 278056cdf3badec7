"""Money's repository contract on SQLite and PostgreSQL (real servers): a provider's
reference credits once, journals balance, a coupon is used once."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from domain.coupons import Coupon, CouponRefusal, CouponUnusable
from domain.ledger import CUSTOMER_PREPAID, PLATFORM_REVENUE, journal, worker_payable
from domain.payments import Payment, PaymentKind, PaymentStatus
from domain.pricing import CouponKind, CouponTerms
from tests import random_refs
from tests.integration.test_repositories import NOW, new_customer, new_order


def credited(order_id: int, provider_ref: str) -> Payment:
    """A full payment of ¥140 the sandbox took, under the provider's reference."""
    return Payment(
        order_id,
        "sandbox",
        PaymentKind.FULL,
        14000,
        NOW,
        random_refs.code("P"),
        PaymentStatus.SUCCEEDED,
        provider_ref,
    )


async def test_a_provider_reference_credits_once(database):
    order = await new_order(database, await new_customer(database))
    ref = random_refs.code("TX")
    async with database.uow() as uow:
        await uow.payments.add(credited(order.id, ref))
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with database.uow() as uow:
            await uow.payments.add(credited(order.id, ref))


async def test_ledger_journals_balance_and_accounts_sum(database):
    order = await new_order(database, await new_customer(database))
    worker = f"w{random_refs.user_id()}"
    async with database.uow() as uow:
        await uow.ledger.post(
            journal(
                f"pay:{order.id}",
                NOW,
                [
                    (CUSTOMER_PREPAID, -14000),
                    (worker_payable(worker), 11900),
                    (PLATFORM_REVENUE, 2100),
                ],
                order_id=order.id,
            )
        )
        await uow.commit()
    async with database.uow() as uow:
        entries = await uow.ledger.for_order(order.id)
        assert sum(e.amount_cents for e in entries) == 0
        assert await uow.ledger.balance(worker_payable(worker)) == 11900
        assert await uow.ledger.has_journal(f"pay:{order.id}")


async def test_coupons_are_single_use(database):
    customer = await new_customer(database)
    coupon = Coupon(
        random_refs.code("C"),
        CouponTerms("x", CouponKind.FIXED, 2000, 0, 10000),
        NOW,
        NOW + timedelta(days=30),
        customer.id,
        "welcome",
    )
    async with database.uow() as uow:
        await uow.coupons.add(coupon)
        await uow.commit()
    order = await new_order(database, customer)
    async with database.uow() as uow:
        held = (await uow.coupons.for_customer(customer.id))[0]
        held.check_usable(customer.id, NOW)
        held.use(order.id, NOW)
        await uow.coupons.save(held)
        await uow.commit()
    async with database.uow() as uow:
        again = await uow.coupons.by_code(coupon.code)
    assert again.used_order_id == order.id
    with pytest.raises(CouponUnusable) as refused:
        again.check_usable(customer.id, NOW)
    assert refused.value.reason == CouponRefusal.USED
