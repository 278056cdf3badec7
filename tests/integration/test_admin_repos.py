"""The admin tables and reports on SQLite and PostgreSQL: admins added in chat, price changes
(append-only, latest wins), the shared throttle under concurrency, order trails that cannot be
edited, and the figures behind /stats, /orders and the broadcast audience."""

import asyncio
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from domain.admin import AdminGrant
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind
from domain.orders import SYSTEM, Actor
from domain.oversight import Attention, PriceChange
from domain.people import Channel, Customer, Identity
from store.quality_reports_repo import QualityReports
from store.tables import ComplaintRow
from tests import random_refs
from tests.dashboard_seed import HAPPY
from tests.integration.test_quality import new_worker
from tests.integration.test_repositories import new_customer, new_order

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def test_prices_are_read_again_only_when_their_number_of_changes_moved(database):
    """A checkout reads how many price changes there are with the customer; the prices are
    remembered per database under that number (the changes are append-only), read again
    only when it moved — here in another unit of work, as another process's change would."""
    customer = await new_customer(database)
    item = f"t_{secrets.token_hex(4)}"
    since = NOW - timedelta(days=365)

    async def checkout() -> tuple[int, dict[str, int]]:
        async with database.uow() as uow:
            facts = await uow.customers.for_checkout(customer.id, [], since, "", since)
            return facts.price_changes, await uow.prices.current(facts.price_changes)

    async def change(new: int) -> None:
        async with database.uow() as uow:
            await uow.prices.change(PriceChange(item, 4_000, new, "telegram:1", "owner", NOW))
            await uow.commit()

    await change(4_500)
    changes, prices = await checkout()
    assert prices[item] == 4_500 and database.prices.changes == changes
    prices[item] = 1  # the caller's copy: what is remembered does not change with it
    assert (await checkout())[1][item] == 4_500
    database.prices.prices[item] = 4_501  # marked: answered from memory, not read again
    assert (await checkout())[1][item] == 4_501
    await change(4_200)  # one more change: a new number, read again
    again, prices = await checkout()
    assert again == changes + 1 and prices[item] == 4_200


async def test_admins_added_in_chat_are_kept_changed_and_removed(database):
    who = random_refs.user_id()
    async with database.uow() as uow:
        assert await uow.admins.get("telegram", who) is None
        await uow.admins.put(AdminGrant("telegram", who, "ops"), "telegram:1", NOW)
        await uow.admins.put(AdminGrant("telegram", who, "finance"), "telegram:1", NOW)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.admins.get("telegram", who) == AdminGrant("telegram", who, "finance")
        assert AdminGrant("telegram", who, "finance") in await uow.admins.all()
        assert await uow.admins.remove("telegram", who) is True
        assert await uow.admins.remove("telegram", who) is False
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.admins.get("telegram", who) is None


async def test_the_latest_price_change_of_an_item_wins_and_history_cannot_be_edited(database):
    item = f"t_{secrets.token_hex(4)}"
    async with database.uow() as uow:
        for old, new in ((4_000, 4_500), (4_500, 4_200)):
            await uow.prices.change(PriceChange(item, old, new, "telegram:1", "owner", NOW))
        await uow.commit()
    async with database.uow() as uow:
        assert (await uow.prices.current())[item] == 4_200
        history = await uow.prices.history(item)
    assert [(h.old_cents, h.new_cents) for h in history] == [(4_500, 4_200), (4_000, 4_500)]
    for statement in (
        "UPDATE price_changes SET new_cents = 1 WHERE item_id = :t",
        "DELETE FROM price_changes WHERE item_id = :t",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.uow() as uow:
                conn = await uow.session.connection()
                await conn.execute(text(statement), {"t": item})


async def test_an_order_s_status_history_cannot_be_edited(database):
    order = await new_order(database, await new_customer(database))
    for statement in (
        "UPDATE order_events SET actor_id = 'someone else' WHERE order_id = :t",
        "DELETE FROM order_events WHERE order_id = :t",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.uow() as uow:
                conn = await uow.session.connection()
                await conn.execute(text(statement), {"t": order.id})
    async with database.uow() as uow:  # the order itself still moves on, adding events
        again = await uow.orders.get(order.id)
        again.apply(Action.REQUEST_PAYMENT, SYSTEM, NOW)
        await uow.orders.save(again, NOW)
        await uow.commit()
    async with database.uow() as uow:
        assert len((await uow.orders.get(order.id)).timeline) == 2


async def _claim(database, name: str, now: datetime) -> bool:
    try:
        async with database.uow() as uow:
            busy = await uow.throttles.claim(name, now, now + timedelta(hours=1))
            await uow.commit()
    except DomainError:  # SQLite: the other writer holds the lock — it has the turn
        return False
    return busy is None


async def test_a_throttle_lets_one_of_two_concurrent_claims_through_then_waits(database):
    name = random_refs.code("throttle-")
    assert sum(await asyncio.gather(_claim(database, name, NOW), _claim(database, name, NOW))) == 1
    assert sum(await asyncio.gather(*(_claim(database, name, NOW) for _ in range(3)))) == 0
    async with database.uow() as uow:
        assert await uow.throttles.claim(name, NOW, NOW) == NOW + timedelta(hours=1)
    later = NOW + timedelta(hours=1)
    results = await asyncio.gather(*(_claim(database, name, later) for _ in range(3)))
    assert sum(results) == 1


async def test_period_figures_count_orders_acceptance_completion_and_new_customers(database):
    # a week of its own, far from other tests' orders
    start = datetime(2031, 1, 1, tzinfo=UTC) + timedelta(days=7 * secrets.randbelow(500))
    at = start + timedelta(hours=2)
    customer = await new_customer(database)
    async with database.uow() as uow:
        fresh = await uow.customers.add(Customer(created_at=at, phone=random_refs.phone()))
        await uow.commit()
    numbers = []
    for fate in ("accepted", "cancelled", "awaiting"):
        order = await new_order(database, customer)
        async with database.uow() as uow:
            o = await uow.orders.get(order.id)
            o.created_at = at
            o.apply(Action.REQUEST_PAYMENT, Actor(ActorKind.CUSTOMER, "1"), at)
            if fate != "awaiting":
                o.apply(Action.PAY, SYSTEM, at)
                o.paid_cents = o.total_cents
                o.apply(Action.DISPATCH, SYSTEM, at)
            if fate == "accepted":
                o.accepted_at = at + timedelta(minutes=4)
                o.apply(Action.ACCEPT, Actor(ActorKind.WORKER, "7"), o.accepted_at)
            if fate == "cancelled":
                o.apply(Action.CANCEL, Actor(ActorKind.CUSTOMER, "1"), at)
            await uow.orders.save(o, at)
            await uow.commit()
        numbers.append(o.number)
    async with database.uow() as uow:
        st = await uow.admin_reports.stats(start, start + timedelta(days=7))
        visit = o.start_at
        total, listed = await uow.admin_reports.orders(
            ["accepted"], visit - timedelta(minutes=1), visit + timedelta(minutes=1), limit=1000
        )
    assert st.by_status == {"accepted": 1, "cancelled": 1, "awaiting_payment": 1}
    assert st.booked == 2 and st.gmv_cents == 2 * o.total_cents
    assert st.accept_seconds == [240] and st.average_accept_seconds == 240
    assert (st.completed, st.cancelled, st.new_customers) == (0, 1, 1)
    assert fresh.id is not None
    assert total == len(listed) and all(x.status == "accepted" for x in listed)
    mine = next(x for x in listed if x.number == numbers[0])
    assert mine.district == "徐汇区" and mine.item_id == "daily_cleaning"
    assert numbers[1] not in {x.number for x in listed}


async def test_orders_booked_on_a_day_are_listed_newest_first_whatever_day_they_start(database):
    """``/orders new`` and today's section of new work: orders placed in the window and paid
    (``BOOKED``, as ``/stats`` counts them), newest first; a start bound keeps those for later
    days. Unpaid orders and those placed the day before are not among them."""
    # a day of its own, far from other tests' orders
    day = datetime(2061, 1, 1, tzinfo=UTC) + timedelta(days=secrets.randbelow(20_000))
    end = day + timedelta(days=1)
    customer = await new_customer(database)
    placed = {}
    for name, hour, starts_in, paid in (
        ("tomorrow", 2, 1, True),
        ("later", 3, 5, True),
        ("unpaid", 4, 1, False),
        ("yesterday", -3, 1, True),
        ("today", 5, 0, True),
    ):
        order = await new_order(database, customer)
        async with database.uow() as uow:
            o = await uow.orders.get(order.id)
            o.created_at = day + timedelta(hours=hour)
            o.start_at = day + timedelta(days=starts_in, hours=10)
            o.apply(Action.REQUEST_PAYMENT, Actor(ActorKind.CUSTOMER, "1"), o.created_at)
            if paid:
                o.apply(Action.PAY, SYSTEM, o.created_at)
                o.paid_cents = o.total_cents
            await uow.orders.save(o, o.created_at)
            await uow.commit()
        placed[name] = o.number
    async with database.uow() as uow:
        reports = uow.admin_reports
        later = await reports.orders((), end, None, booked=(day, end))
        every = await reports.orders((), None, None, booked=(day, end))
        first = await reports.orders((), None, None, limit=1, booked=(day, end))
    assert [o.number for o in later[1]] == [placed["later"], placed["tomorrow"]]
    assert later[0] == 2
    assert [o.number for o in every[1]] == [placed["today"], placed["later"], placed["tomorrow"]]
    assert first[0] == 3 and [o.number for o in first[1]] == [placed["today"]]


async def test_a_job_refunded_after_it_was_done_counts_as_completed_not_cancelled(database):
    """Order #146221: finished, settled, then refunded in full (a complaint). The service was
    done, so ``/stats`` counts it completed, not cancelled — with a job done and an order
    cancelled before service, 2 completed / 1 cancelled (it read "完成 1 / 取消 2") — and the
    dashboard's worker table counts it among the jobs done, its complaint rate worked out from
    the counts beside it (not the rate stored by the last ``/levels``)."""
    # a week of its own, after the other tests' weeks
    start = datetime(2056, 1, 1, tzinfo=UTC) + timedelta(days=7 * secrets.randbelow(500))
    at = start + timedelta(hours=2)
    customer = await new_customer(database)
    worker = await new_worker(database, "退款师傅")
    for fate in ("refunded_after_done", "done", "cancelled"):
        order = await new_order(database, customer)
        async with database.uow() as uow:
            o = await uow.orders.get(order.id)
            o.created_at = at
            for action, kind in HAPPY if fate != "cancelled" else HAPPY[:3]:
                o.apply(action, Actor(kind, str(worker.id)), at)
            o.paid_cents, o.worker_id = o.total_cents, worker.id
            if fate == "cancelled":
                o.apply(Action.CANCEL, Actor(ActorKind.CUSTOMER, "1"), at)
            if fate != "done":
                o.apply(Action.REFUND, SYSTEM, at)
                o.refunded_cents = o.paid_cents
            await uow.orders.save(o, at)
            if fate == "refunded_after_done":
                uow.session.add(
                    ComplaintRow(
                        order_id=o.id,
                        customer_id=customer.id,
                        worker_id=worker.id,
                        category="damage",
                        created_at=at,
                    )
                )
            await uow.commit()
    async with database.uow() as uow:
        st = await uow.admin_reports.stats(start, start + timedelta(days=7))
        workers = await QualityReports(uow.session).workers(limit=100_000)
    assert st.by_status == {"refunded": 2, "settled": 1}
    assert (st.completed, st.cancelled) == (2, 1)
    [mine] = [w for w in workers if w.id == worker.id]
    assert (mine.completed, mine.complaints, mine.complaint_rate_bp) == (2, 1, 5_000)


async def test_orders_waiting_too_long_are_flagged(database):
    order = await new_order(database, await new_customer(database))
    async with database.uow() as uow:
        o = await uow.orders.get(order.id)
        for action in (Action.REQUEST_PAYMENT, Action.PAY, Action.DISPATCH):
            o.apply(action, SYSTEM, NOW)
        await uow.orders.save(o, NOW)
        await uow.commit()
    async with database.uow() as uow:
        soon = await uow.admin_reports.flagged(NOW, timedelta(minutes=5), timedelta(minutes=30))
        later = await uow.admin_reports.flagged(
            NOW + timedelta(minutes=6), timedelta(minutes=5), timedelta(minutes=30), limit=1000
        )
    assert o.number not in {f.number for f in soon}
    assert any(f.number == o.number and f.why == Attention.UNACCEPTED for f in later)


async def test_a_days_flags_are_those_of_the_orders_starting_on_it(database):
    order = await new_order(database, await new_customer(database))
    async with database.uow() as uow:
        o = await uow.orders.get(order.id)
        for action in (Action.REQUEST_PAYMENT, Action.PAY, Action.DISPATCH):
            o.apply(action, SYSTEM, NOW)
        await uow.orders.save(o, NOW)
        uow.session.add(
            ComplaintRow(order_id=o.id, customer_id=o.customer_id, category="late", created_at=NOW)
        )
        await uow.commit()
    later, wait, respond = NOW + timedelta(hours=1), timedelta(minutes=5), timedelta(minutes=30)
    its_day = (o.start_at - timedelta(hours=1), o.start_at + timedelta(hours=1))
    day_before = (its_day[0] - timedelta(days=1), its_day[0])
    async with database.uow() as uow:
        on_it = await uow.admin_reports.flagged(later, wait, respond, 1000, its_day)
        before = await uow.admin_reports.flagged(later, wait, respond, 1000, day_before)
    whys = {f.why for f in on_it if f.number == o.number}
    assert whys == {Attention.UNACCEPTED, Attention.COMPLAINT}
    assert o.number not in {f.number for f in before}


async def test_the_broadcast_audience_pages_through_every_customer_account_once(database):
    customer = await new_customer(database)
    uid = random_refs.user_id()
    async with database.uow() as uow:
        await uow.identities.add(Identity(Channel.TELEGRAM, uid, customer.id))
        await uow.identities.add(Identity(Channel.WEB, f"{uid}-customer", customer.id))
        await uow.identities.add(Identity(Channel.WEB, f"{uid}-worker", customer.id))
        await uow.commit()
    seen, after = [], 0
    async with database.uow() as uow:
        while True:
            last, accounts = await uow.admin_reports.audience(after, limit=7)
            if last is None:
                break
            seen += accounts
            after = last
    mine = [(ch, u) for ch, u, _ in seen if u.startswith(uid)]
    assert sorted(mine) == [("telegram", uid), ("web", f"{uid}-customer")]
    assert len(seen) == len(set(seen))
