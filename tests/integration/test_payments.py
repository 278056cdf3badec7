"""A payment notified many times at once, on SQLite and PostgreSQL: credited exactly once,
its journal posted with the claim that credits it; and no order to pay is placed where no
provider takes the money."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from conversations.services import payment_requests
from conversations.services.order_steps import place
from domain.commands import Booking
from domain.errors import DomainError
from domain.ledger import payment_received
from domain.payments import PaymentStatus
from domain.pricing import Selection
from store.catalog_file import load_catalog
from tests.integration.test_repositories import new_customer

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


async def placed(database):
    """A new customer's order for tomorrow, placed and awaiting its sandbox payment: (the
    order, its payment, the quote's total)."""
    customer = await new_customer(database)
    booking = Booking(
        customer.id,
        "web",
        "zh",
        (Selection("ac_cleaning", 1),),
        NOW + timedelta(days=1),
        address_text="上海市徐汇区漕溪北路88号",
    )
    async with database.uow() as uow:
        from conversations.services.order_steps import price

        total = (await price(uow, CATALOG, RULES, booking, NOW)).quote.total_cents
        order, payment = await place(uow, CATALOG, RULES, booking, total, NOW, "sandbox")
        await uow.commit()
    return order, payment, total


async def test_concurrent_notifications_credit_once(database):
    order, payment, _ = await placed(database)

    async def notify() -> bool:
        try:
            async with database.uow() as uow:
                _, _, new = await payment_requests.confirm(
                    uow,
                    reference=payment.reference,
                    provider="sandbox",
                    provider_ref="tx",
                    amount=payment.amount_cents,
                    now=NOW,
                )
                await uow.commit()
                return new
        except DomainError:  # lost the race on SQLite: the same answer, nothing credited
            return False

    results = await asyncio.gather(*[notify() for _ in range(6)])
    assert sum(results) == 1
    async with database.uow() as uow:
        again = await uow.orders.get(order.id)
        entries = await uow.ledger.for_order(order.id)
    assert again.paid_cents == payment.amount_cents
    assert [e.amount_cents for e in entries if e.account == "cash:sandbox"] == [
        payment.amount_cents
    ]


async def test_a_claim_posts_its_journal_only_when_it_moves_the_payment(database):
    order, payment, total = await placed(database)
    journal = payment_received(payment.reference, "sandbox", total, order.id, NOW)
    open_ = (PaymentStatus.PENDING, PaymentStatus.EXPIRED)  # as a reschedule fee's claim
    ref = f"tx-{payment.reference}"
    for claimed in (True, False):  # the second finds it claimed: nothing posted
        async with database.uow() as uow:
            assert claimed == await uow.payments.claim(
                payment.id, PaymentStatus.SUCCEEDED, NOW, ref, only_if=open_, post=journal
            )
            await uow.commit()
    async with database.uow() as uow:
        entries = await uow.ledger.for_order(order.id)
        stored = await uow.payments.get(payment.id)
    assert sorted(e.amount_cents for e in entries) == sorted(e.amount_cents for e in journal)
    assert {e.journal for e in entries} == {f"pay:{payment.reference}"}
    assert stored.status == PaymentStatus.SUCCEEDED and stored.provider_ref == ref


async def test_no_order_to_pay_is_placed_without_a_provider_and_nothing_is_written(database):
    customer = await new_customer(database)
    booking = Booking(
        customer.id,
        "telegram",
        "zh",
        (Selection("ac_cleaning", 1),),
        NOW + timedelta(days=1),
        address_text="上海市徐汇区漕溪北路88号",
    )
    async with database.uow() as uow:
        from conversations.services.order_steps import price

        total = (await price(uow, CATALOG, RULES, booking, NOW)).quote.total_cents
        assert total > 0
        with pytest.raises(payment_requests.PaymentUnavailable) as refused:
            await place(uow, CATALOG, RULES, booking, total, NOW, None)
        assert refused.value.text.get("en").startswith("Online payment is not available")
        assert (
            str(refused.value)
            == refused.value.text.get("zh")
            == "本渠道暂未开通在线支付,请联系客服"
        )
    async with database.uow() as uow:
        assert await uow.orders.for_customer(customer.id) == []
        assert await uow.addresses.for_customer(customer.id) == []
