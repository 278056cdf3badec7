"""The referral's persistence on SQLite and PostgreSQL: a new customer's own referral code,
the other customers who have a phone number (found by its hash), and the once-only mark of a
rewarded referral, under concurrency too."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from domain.people import Customer
from tests import random_refs

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def add(database, **kw) -> Customer:
    async with database.uow() as uow:
        customer = await uow.customers.add(Customer(created_at=NOW, **kw))
        await uow.commit()
    return customer


async def test_a_customer_is_added_only_with_a_referral_code_nobody_holds(database):
    code = random_refs.code()
    holder = await add(database, phone=random_refs.phone(), referral_code=code)
    phone = random_refs.phone()
    async with database.uow() as uow:
        taken = Customer(created_at=NOW, name="新客", phone=phone, referral_code=code)
        assert not await uow.customers.add_if_code_free(taken)
        assert taken.id is None and await uow.customers.by_phone(phone) is None
        fresh = Customer(created_at=NOW, name="新客", phone=phone, referral_code=code + "X")
        assert await uow.customers.add_if_code_free(fresh)
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.customers.get(fresh.id)
        assert (await uow.customers.by_referral_code(code)).id == holder.id
    assert stored == fresh  # every column as add() writes it, the defaults too
    assert stored.points == 0 and stored.rating_x100 == 500


async def test_the_other_customers_with_a_phone_are_counted_but_not_the_customer(database):
    phone = random_refs.phone()
    first = await add(database, phone=phone)
    async with database.uow() as uow:
        assert await uow.customers.others_with_phone(first.id, phone) == 0
    second = await add(database, phone=phone)
    await add(database, phone=random_refs.phone())
    async with database.uow() as uow:
        assert await uow.customers.others_with_phone(second.id, phone) == 1
        assert await uow.customers.others_with_phone(first.id, phone) == 1
        assert await uow.customers.others_with_phone(first.id, "") == 0


async def test_a_referral_is_marked_rewarded_once_and_only_for_an_invited_customer(database):
    inviter = await add(database, phone=random_refs.phone(), referral_code=random_refs.code())
    invitee = await add(database, phone=random_refs.phone(), referred_by=inviter.id)
    async with database.uow() as uow:
        assert not await uow.customers.claim_referral_reward(inviter.id, NOW)  # not invited
        assert await uow.customers.claim_referral_reward(invitee.id, NOW)
        await uow.commit()
    async with database.uow() as uow:
        assert not await uow.customers.claim_referral_reward(invitee.id, NOW)
        # saving the customer (a language change) does not undo the mark
        customer = await uow.customers.get(invitee.id)
        customer.lang = "en"
        await uow.customers.save(customer)
        await uow.commit()
    async with database.uow() as uow:
        assert not await uow.customers.claim_referral_reward(invitee.id, NOW)


async def test_a_mark_rolled_back_can_be_made_again(database):
    inviter = await add(database, phone=random_refs.phone())
    invitee = await add(database, phone=random_refs.phone(), referred_by=inviter.id)
    async with database.uow() as uow:
        assert await uow.customers.claim_referral_reward(invitee.id, NOW)
        # no commit: the confirmation it belonged to failed
    async with database.uow() as uow:
        assert await uow.customers.claim_referral_reward(invitee.id, NOW)
        await uow.commit()


async def test_two_transactions_claiming_at_once_mark_it_once(database):
    inviter = await add(database, phone=random_refs.phone())
    invitee = await add(database, phone=random_refs.phone(), referred_by=inviter.id)
    first_claimed = asyncio.Event()

    async def first() -> bool:
        async with database.uow() as uow:
            won = await uow.customers.claim_referral_reward(invitee.id, NOW)
            first_claimed.set()
            await asyncio.sleep(0.2)  # the second claims while this one holds its mark
            await uow.commit()
            return won

    async def second() -> bool:
        await first_claimed.wait()
        async with database.uow() as uow:
            won = await uow.customers.claim_referral_reward(invitee.id, NOW)
            await uow.commit()
            return won

    assert sorted(await asyncio.gather(first(), second())) == [False, True]
