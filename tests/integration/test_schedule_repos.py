"""The claims the reminder and recurring-booking sweeps rely on, on SQLite and PostgreSQL:
a reminder is claimed once and only in a status it is for, a subscription's visit is taken
once and its first failure stays, a visit is due within its service's own lead, one order
per subscription visit, and the candidates query pages through every order."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor, Order
from domain.pricing import QuoteRequest, Selection, quote
from domain.recurring import DueBy, Subscription
from domain.reminders import Reminder
from tests.integration.test_repositories import CATALOG, NOW, RULES, new_customer, new_order

SEL = (Selection("daily_cleaning", 2),)


async def accepted(database, customer) -> Order:
    order = await new_order(database, customer)
    async with database.uow() as uow:
        order = await uow.orders.get(order.id)
        for action, kind in (
            (Action.REQUEST_PAYMENT, ActorKind.CUSTOMER),
            (Action.PAY, ActorKind.SYSTEM),
            (Action.DISPATCH, ActorKind.SYSTEM),
            (Action.ACCEPT, ActorKind.ADMIN),
        ):
            order.apply(action, Actor(kind), NOW)
        await uow.orders.save(order, NOW)
        await uow.commit()
    return order


async def test_a_reminder_is_claimed_once_and_survives_a_save_of_an_older_copy(database):
    order = await accepted(database, await new_customer(database))
    async with database.uow() as uow:
        stale = await uow.orders.get(order.id)  # read before the reminder went out
    async with database.uow() as uow:
        assert await uow.orders.claim_reminder(order.id, Reminder.DAY, NOW)
        await uow.commit()
    async with database.uow() as uow:
        assert not await uow.orders.claim_reminder(order.id, Reminder.DAY, NOW)
        assert await uow.orders.claim_reminder(order.id, Reminder.HOUR, NOW)
        # not committed: nothing claimed
    stale.apply(Action.DEPART, Actor(ActorKind.WORKER, "1"), NOW)
    async with database.uow() as uow:
        await uow.orders.save(stale, NOW)  # a worker's "on my way" is not refused …
        await uow.commit()
    async with database.uow() as uow:
        again = await uow.orders.get(order.id)
        assert again.status == OrderStatus.ON_THE_WAY
        assert again.reminded_day_at == NOW  # … and does not undo the reminder
        assert again.reminded_hour_at is None
        assert not await uow.orders.claim_reminder(order.id, Reminder.CONFIRM, NOW)


async def test_concurrent_claims_of_one_reminder_give_one_winner(database, db_url):
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer: the loser gets 'database is locked'")
    order = await accepted(database, await new_customer(database))

    async def claim() -> bool:
        async with database.uow() as uow:
            got = await uow.orders.claim_reminder(order.id, Reminder.HOUR, NOW)
            await asyncio.sleep(0.05)  # hold the row while the others wait
            await uow.commit()
            return got

    assert sorted(await asyncio.gather(*[claim() for _ in range(6)])) == [False] * 5 + [True]


async def test_reminder_candidates_page_through_every_order_in_the_window(database):
    customer = await new_customer(database)
    ids = {(await accepted(database, customer)).id for _ in range(5)}
    start = NOW + timedelta(days=2)
    found, after = set(), 0
    async with database.uow() as uow:
        while True:
            page = await uow.orders.reminder_candidates(
                start - timedelta(hours=23),
                timedelta(hours=24),
                timedelta(hours=12),
                after_id=after,
                limit=2,
            )
            found |= {o.id for o in page}
            if len(page) < 2:
                break
            after = max(o.id for o in page)
        assert ids <= found
        later = await uow.orders.reminder_candidates(
            start - timedelta(hours=30), timedelta(hours=24), timedelta(hours=12)
        )
    assert not ids & {o.id for o in later}  # 30 hours ahead: not yet a candidate


def subscription(customer_id: int, address_id: int | None = None) -> Subscription:
    return Subscription(
        customer_id=customer_id,
        channel="telegram",
        lang="zh",
        selections=SEL,
        weekday=5,
        at_time=time(9, 30),
        next_start_at=NOW + timedelta(days=4),
        created_at=NOW,
        address_id=address_id,
        notes="钥匙在门口地垫下",
        bundle_id="kitchen_refresh",
    )


async def test_subscriptions_round_trip_with_their_notes_encrypted(database):
    customer = await new_customer(database)
    async with database.uow() as uow:
        sub = await uow.subscriptions.add(subscription(customer.id))
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.subscriptions.get(sub.id) == sub
        assert await uow.subscriptions.for_customer(customer.id) == [sub]
        conn = await uow.session.connection()
        raw = await conn.execute(
            text("SELECT notes_enc FROM subscriptions WHERE id = :id"), {"id": sub.id}
        )
        blob = bytes(raw.scalar_one())
    assert blob and "钥匙".encode() not in blob


async def test_a_visit_is_taken_once_and_a_stopped_subscription_is_not_due(database):
    customer = await new_customer(database)
    async with database.uow() as uow:
        sub = await uow.subscriptions.add(subscription(customer.id))
        await uow.commit()
    visit, following = sub.next_start_at, sub.next_start_at + timedelta(days=7)
    async with database.uow() as uow:
        assert (sub.id, visit) in await uow.subscriptions.due(DueBy(visit))
        assert await uow.subscriptions.advance(sub.id, visit, following)
        await uow.commit()
    async with database.uow() as uow:
        assert not await uow.subscriptions.advance(sub.id, visit, following)  # taken
        assert (sub.id, visit) not in await uow.subscriptions.due(DueBy(visit))
        assert not await uow.subscriptions.stop(sub.id, customer.id + 1)  # not theirs
        assert await uow.subscriptions.stop(sub.id, customer.id)
        await uow.commit()
    async with database.uow() as uow:
        assert (sub.id, following) not in await uow.subscriptions.due(DueBy(following))
        assert not await uow.subscriptions.advance(sub.id, following, following)
        assert await uow.subscriptions.for_customer(customer.id) == []


async def test_a_subscription_is_due_once_its_first_order_is_paid_and_ends_if_it_never_is(
    database,
):
    """Set up from an order awaiting payment: not due (the sweep makes no visit of it) until
    that order is paid; ``end_unpaid`` of an order stops the active ones set up from it and
    no other — one set up before the first order was kept goes on as it did."""
    customer = await new_customer(database)
    unpaid, paid = await new_order(database, customer), await new_order(database, customer)
    me = Actor(ActorKind.CUSTOMER, str(customer.id))
    async with database.uow() as uow:
        for order in (unpaid, paid):
            order = await uow.orders.get(order.id)
            order.apply(Action.REQUEST_PAYMENT, me, NOW)
            await uow.orders.save(order, NOW)
        waiting = await uow.subscriptions.add(
            replace(subscription(customer.id), first_order_id=unpaid.id)
        )
        starts = await uow.subscriptions.add(
            replace(subscription(customer.id), first_order_id=paid.id)
        )
        older = await uow.subscriptions.add(subscription(customer.id))  # no first order kept
        await uow.commit()
    visit = waiting.next_start_at
    async with database.uow() as uow:
        due = {i for i, _ in await uow.subscriptions.due(DueBy(visit))}
        assert older.id in due and not due & {waiting.id, starts.id}
        order = await uow.orders.get(paid.id)
        order.apply(Action.PAY, Actor(ActorKind.SYSTEM, "sandbox"), NOW)
        await uow.orders.save(order, NOW)
        await uow.commit()
    async with database.uow() as uow:
        due = {i for i, _ in await uow.subscriptions.due(DueBy(visit))}
        assert starts.id in due and older.id in due and waiting.id not in due
        [ended] = await uow.subscriptions.end_unpaid(unpaid.id)
        assert (ended.id, ended.active, ended.first_order_id) == (waiting.id, False, unpaid.id)
        assert await uow.subscriptions.end_unpaid(unpaid.id) == []  # ended once
        await uow.commit()
    async with database.uow() as uow:
        assert {x.id for x in await uow.subscriptions.for_customer(customer.id)} == {
            starts.id,
            older.id,
        }
        assert (await uow.subscriptions.get(starts.id)).first_order_id == paid.id


async def test_a_visits_first_failure_stays_and_is_told_to_whoever_notes_a_later_one(database):
    customer = await new_customer(database)
    async with database.uow() as uow:
        sub = await uow.subscriptions.add(subscription(customer.id))
        await uow.commit()
    visit, following = sub.next_start_at, sub.next_start_at + timedelta(days=7)
    first = (NOW + timedelta(minutes=1)).astimezone(ZoneInfo("Asia/Shanghai"))  # same instant
    async with database.uow() as uow:
        assert await uow.subscriptions.visit_failed(sub.id, visit, first) == first
        await uow.commit()
    async with database.uow() as uow:
        later = NOW + timedelta(minutes=11)
        assert await uow.subscriptions.visit_failed(sub.id, visit, later) == first
        assert await uow.subscriptions.visit_failed(sub.id, following, later) is None  # not at it
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.subscriptions.advance(sub.id, visit, following)  # clears the failure
        assert await uow.subscriptions.visit_failed(sub.id, following, later) == later
        assert await uow.subscriptions.stop(sub.id, customer.id)
        assert await uow.subscriptions.visit_failed(sub.id, following, later) is None  # stopped


async def test_a_subscription_visit_has_one_order_at_most(database):
    customer = await new_customer(database)
    async with database.uow() as uow:
        sub = await uow.subscriptions.add(subscription(customer.id))
        await uow.commit()
    start = NOW + timedelta(days=4)
    q = quote(CATALOG, RULES, QuoteRequest(SEL, start))

    def visit(number: int) -> Order:
        return Order.from_quote(
            number=number,
            customer_id=customer.id,
            selections=SEL,
            quote=q,
            start_at=start,
            created_at=NOW,
            channel="telegram",
            actor=Actor(ActorKind.SYSTEM, f"recurring:{sub.id}"),
            subscription_id=sub.id,
        )

    async with database.uow() as uow:
        await uow.orders.add(visit(await uow.orders.next_number()))
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with database.uow() as uow:
            await uow.orders.add(visit(await uow.orders.next_number()))
    async with database.uow() as uow:
        [made] = [o for o in await uow.orders.for_customer(customer.id)]
    assert made.subscription_id == sub.id


async def test_a_visit_of_a_service_with_a_lead_of_its_own_is_due_only_within_it(database):
    """``DueBy``: a subscription's first item or its bundle may have a lead of its own (a
    service bookable 3 days ahead); its visit is not due before — nor holds up the others
    within the rule's lead — and is due once within. A bundle without one of its own has
    the rule's, whatever its first item."""
    customer = await new_customer(database)
    short_item = (Selection("sofa_cleaning", 1),)
    async with database.uow() as uow:
        plain = await uow.subscriptions.add(replace(subscription(customer.id), bundle_id=None))
        item = await uow.subscriptions.add(
            replace(subscription(customer.id), selections=short_item, bundle_id=None)
        )
        bundled = await uow.subscriptions.add(
            replace(subscription(customer.id), selections=short_item)
        )
        bundle = await uow.subscriptions.add(
            replace(subscription(customer.id), bundle_id="short_bundle")
        )
        await uow.commit()
    ids = {plain.id, item.id, bundled.id, bundle.id}
    visit = plain.next_start_at  # 4 days ahead

    async def due(by: DueBy) -> set[int]:
        async with database.uow() as uow:
            return {i for i, _ in await uow.subscriptions.due(by)} & ids

    week, three = NOW + timedelta(days=7), NOW + timedelta(days=3)
    shorter = DueBy(week, {"sofa_cleaning": three}, {"short_bundle": three})
    assert await due(shorter) == {plain.id, bundled.id}
    within = DueBy(week, {"sofa_cleaning": visit}, {"short_bundle": visit})
    assert await due(within) == ids
    longer = DueBy(three, {"sofa_cleaning": week})  # a lead longer than the rule's
    assert await due(longer) == {item.id}
