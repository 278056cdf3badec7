"""Invoice requests on SQLite and PostgreSQL (real servers): an order paid in parts gets an
invoice for each part asked for — never one for money another invoice covers, not even when
two requests arrive at once (two processes) — and a refund after issuing flags the newest
invoices the money no longer covers."""

import asyncio
from dataclasses import replace

from sqlalchemy import text

from domain.invoices import Covered, InvoiceRequest, InvoiceStatus, TitleKind
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.uow import Database
from tests.integration.test_repositories import NOW, new_customer, new_order


async def paid(database, order_id: int, paid_cents: int, refunded_cents: int = 0) -> None:
    async with database.uow() as uow:
        await uow.session.exec(
            text("UPDATE orders SET paid_cents = :p, refunded_cents = :r WHERE id = :id"),
            params={"p": paid_cents, "r": refunded_cents, "id": order_id},
        )
        await uow.commit()


def asked(order, amount_cents: int) -> InvoiceRequest:
    return InvoiceRequest(
        order_id=order.id,
        number=order.number,
        customer_id=order.customer_id,
        kind=TitleKind.PERSONAL,
        title="个人",
        tax_id="",
        email="wang@example.com",
        amount_cents=amount_cents,
        item="日常保洁",
        created_at=NOW,
        next_attempt_at=NOW,
    )


async def add(database, invoice: InvoiceRequest) -> InvoiceRequest | None:
    async with database.uow() as uow:
        stored = await uow.invoices.add(invoice)
        await uow.commit()
    return stored


async def covered(database, order_id: int) -> Covered:
    async with database.uow() as uow:
        return (await uow.invoices.covered([order_id])).get(order_id, Covered())


async def test_the_balance_paid_after_an_invoiced_deposit_is_invoiced_and_nothing_twice(database):
    order = await new_order(database, await new_customer(database))
    await paid(database, order.id, 3_000)  # the deposit
    deposit = await add(database, asked(order, 3_000))
    assert deposit is not None and deposit.id is not None
    assert await add(database, asked(order, 3_000)) is None  # the deposit again: refused
    assert await covered(database, order.id) == Covered(3_000, 1)

    await paid(database, order.id, 10_000)  # the balance, ¥70, paid later
    assert await add(database, asked(order, 7_001)) is None  # more than is left
    balance = await add(database, asked(order, 7_000))
    assert balance is not None and balance.id not in (None, deposit.id)
    assert await covered(database, order.id) == Covered(10_000, 2)
    assert await add(database, asked(order, 1)) is None
    async with database.uow() as uow:
        assert await uow.invoices.covered([order.id], excluding=deposit.id) == {
            order.id: Covered(7_000, 1)
        }
        assert (await uow.invoices.get(balance.id)).amount_cents == 7_000


async def test_two_requests_at_once_from_two_processes_invoice_the_money_once(
    database, db_url, pii_key
):
    order = await new_order(database, await new_customer(database))
    await paid(database, order.id, 10_000)
    other = Database(create_engine(db_url), PiiCipher(decode_key(pii_key)))
    try:
        for _ in range(3):
            stored = await asyncio.gather(
                add(database, asked(order, 10_000)), add(other, asked(order, 10_000))
            )
            assert await covered(database, order.id) == Covered(10_000, 1)
            assert sum(s is not None for s in stored) <= 1
        await paid(database, order.id, 12_000)  # ¥20 more: one of the two gets it
        stored = await asyncio.gather(
            add(database, asked(order, 2_000)), add(other, asked(order, 2_000))
        )
        assert sum(s is not None for s in stored) == 1
        assert await covered(database, order.id) == Covered(12_000, 2)
    finally:
        await other.dispose()


async def test_a_refund_after_issuing_flags_the_newest_invoices_it_leaves_uncovered(database):
    order = await new_order(database, await new_customer(database))
    await paid(database, order.id, 3_000)
    deposit = await add(database, asked(order, 3_000))
    await paid(database, order.id, 10_000)
    balance = await add(database, asked(order, 7_000))
    async with database.uow() as uow:
        for invoice in (deposit, balance):
            await uow.invoices.save(replace(invoice, status=InvoiceStatus.ISSUED, issued_at=NOW))
        await uow.commit()

    async def flagged() -> list[int]:
        async with database.uow() as uow:
            found = await uow.invoices.refunded_after_issue()
            for invoice in found:
                await uow.invoices.flag_refunded(invoice.id, NOW)
            await uow.commit()
        return [i.id for i in found if i.order_id == order.id]

    assert await flagged() == []
    await paid(database, order.id, 10_000, 2_000)  # ¥20 back: the balance's invoice is over
    assert await flagged() == [balance.id]
    assert await flagged() == []  # once
    await paid(database, order.id, 10_000, 8_000)  # ¥80 back: the deposit's is over too
    assert await flagged() == [deposit.id]


async def test_an_invoice_a_refund_reached_covers_nothing_and_what_is_left_is_invoiced(database):
    """The deposit's invoice issued (¥30), a fee (¥3) paid and asked for, then the deposit
    refunded: the deposit's invoice covers nothing any more — before it is flagged and after —
    so the fee's request is what covers the order, a request for the fee again is refused,
    and once the fee's is issued it is never flagged for the deposit's refund."""
    order = await new_order(database, await new_customer(database))
    await paid(database, order.id, 3_000)
    deposit = await add(database, asked(order, 3_000))
    async with database.uow() as uow:
        await uow.invoices.save(replace(deposit, status=InvoiceStatus.ISSUED, issued_at=NOW))
        await uow.commit()
    await paid(database, order.id, 3_300)  # the fee
    fee = await add(database, asked(order, 300))
    assert fee is not None
    assert await covered(database, order.id) == Covered(3_300, 2)

    await paid(database, order.id, 3_300, 3_000)  # the deposit back, the fee kept
    assert await covered(database, order.id) == Covered(300, 1)  # the fee's request only
    async with database.uow() as uow:
        assert await uow.invoices.covered([order.id], excluding=fee.id) == {}
    assert await add(database, asked(order, 1)) is None  # the fee is asked for already

    async with database.uow() as uow:
        [reached] = await uow.invoices.refunded_after_issue(order_id=order.id)
        assert reached.id == deposit.id
        assert await uow.invoices.flag_refunded(deposit.id, NOW)
        await uow.invoices.save(replace(fee, status=InvoiceStatus.ISSUED, issued_at=NOW))
        await uow.commit()
    assert await covered(database, order.id) == Covered(300, 1)
    async with database.uow() as uow:
        assert await uow.invoices.refunded_after_issue(order_id=order.id) == []

    await paid(database, order.id, 3_300, 3_300)  # the fee back too: its invoice is reached
    assert await covered(database, order.id) == Covered()
    async with database.uow() as uow:
        assert [i.id for i in await uow.invoices.refunded_after_issue(order_id=order.id)] == [
            fee.id
        ]
