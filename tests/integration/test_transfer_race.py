"""A 转单 accepted by the worker it was offered to at the very moment the job's own worker sets
off for it, through the real service steps on SQLite and PostgreSQL: whichever changes the
order first has the job, the other is refused and changes nothing — exactly one worker on
the job, the transfer offer accepted or withdrawn accordingly, one move in the timeline.

On PostgreSQL both read the order before either writes: a third transaction holds the
order's row lock until both wait on it (in the order the test chooses), then lets go. SQLite
has one writer at a time (one connection per process): the two run one after the other, in
either order, and at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from conversations.services import offer_steps, transfer_steps
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.offers import OfferMode, OfferStatus
from domain.orders import Actor
from domain.people import Certificate, GeoPoint, ServiceArea, Worker, WorkerStatus
from domain.rules import WorkerLevel
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.uow import Database
from tests import random_refs
from tests.e2e.databases import own_postgres_url as own_postgres_url  # a fixture
from tests.integration.test_repositories import CATALOG, NOW, RULES, new_customer, new_order

SET_OFF_AT = NOW + timedelta(days=2) - timedelta(minutes=30)  # 出发 opens before the start
SYSTEM = Actor(ActorKind.SYSTEM, "test")


@pytest.fixture
async def database(own_db_url, pii_key):
    db = Database(create_engine(own_db_url), PiiCipher(decode_key(pii_key)))
    yield db
    await db.dispose()


async def new_worker(database: Database, name: str) -> Worker:
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker(
                name=name,
                phone=random_refs.phone(),
                created_at=NOW,
                skills=("cleaning",),
                certificates=(Certificate("health", "", None, True),),
                area=ServiceArea(GeoPoint(31.1880, 121.4370), 8000),
                status=WorkerStatus.APPROVED,
                online=True,
                level=WorkerLevel.B,
            )
        )
        await uow.commit()
    return worker


async def handed_over(database: Database) -> tuple[int, Worker, Worker]:
    """An order paid and taken by one worker, its 转单 offered to another: (number, the
    job's worker, the one offered it)."""
    first, second = await new_worker(database, "李师傅"), await new_worker(database, "王师傅")
    order = await new_order(database, await new_customer(database))
    async with database.uow() as uow:
        order = await uow.orders.get(order.id)
        order.apply(Action.REQUEST_PAYMENT, SYSTEM, NOW)
        order.apply(Action.PAY, SYSTEM, NOW)
        await uow.orders.save(order, NOW)
        await offer_steps.assign(uow, RULES, order, first, "t:1", NOW)
        order = await uow.orders.get(order.id)
        await offer_steps.offer_transfer_to(uow, CATALOG, RULES, order, second.id, SET_OFF_AT)
        await uow.commit()
    return order.number, first, second


async def accept(database: Database, worker: Worker, number: int) -> DomainError | None:
    async with database.uow() as uow:
        try:
            await offer_steps.accept(uow, CATALOG, RULES, worker.id, number, SET_OFF_AT)
        except DomainError as exc:
            return exc
        await uow.commit()
    return None


async def depart(database: Database, worker: Worker, number: int) -> DomainError | None:
    async with database.uow() as uow:
        try:
            await transfer_steps.depart(uow, RULES, worker, number, SET_OFF_AT, said_minutes=30)
        except DomainError as exc:
            return exc
        await uow.commit()
    return None


async def one_worker_on_the_job(
    database: Database,
    number: int,
    first: Worker,
    second: Worker,
    accepted: DomainError | None,
    departed: DomainError | None,
) -> str:
    """Exactly one of the two won, the state says which, and the other was told why; the
    winner ("accept" or "depart")."""
    assert (accepted is None) != (departed is None), (accepted, departed)
    async with database.uow() as uow:
        order = await uow.orders.by_number(number)
        offers = [o for o in await uow.offers.for_order(order.id) if o.mode == OfferMode.TRANSFER]
    moves = [e.action for e in order.timeline if e.action in (Action.ACCEPT, Action.DEPART)]
    if accepted is None:  # the offered worker took it over; setting off was refused
        assert (order.worker_id, order.status) == (second.id, OrderStatus.ACCEPTED)
        assert order.transfer_from_worker_id == first.id
        assert [o.status for o in offers] == [OfferStatus.ACCEPTED]
        assert (moves.count(Action.ACCEPT), moves.count(Action.DEPART)) == (2, 0)
        assert "已由其他师傅接单" in departed.text.get(
            "zh"
        ) or "不是您的任务" in departed.text.get("zh"), departed
        return "accept"
    assert (order.worker_id, order.status) == (first.id, OrderStatus.ON_THE_WAY)
    assert order.transfer_from_worker_id is None and order.transfer_compensation_cents == 0
    assert [o.status for o in offers] == [OfferStatus.WITHDRAWN]
    assert (moves.count(Action.ACCEPT), moves.count(Action.DEPART)) == (1, 1)
    assert accepted.text.get("zh") == f"订单 #{number} 已不能接:这个邀请已撤回。", accepted
    return "depart"


async def test_one_after_the_other_the_first_to_act_has_the_job(database):
    number, first, second = await handed_over(database)
    departed = await depart(database, first, number)
    accepted = await accept(database, second, number)
    assert await one_worker_on_the_job(database, number, first, second, accepted, departed) == (
        "depart"
    )

    number, first, second = await handed_over(database)
    accepted = await accept(database, second, number)
    departed = await depart(database, first, number)
    assert await one_worker_on_the_job(database, number, first, second, accepted, departed) == (
        "accept"
    )


async def test_at_once_exactly_one_worker_has_the_job(database):
    for _ in range(3):
        number, first, second = await handed_over(database)
        accepted, departed = await asyncio.gather(
            accept(database, second, number), depart(database, first, number)
        )
        await one_worker_on_the_job(database, number, first, second, accepted, departed)


@pytest.mark.parametrize("queued_first", ["accept", "depart"])
async def test_both_having_read_the_order_the_one_queued_first_wins(
    own_postgres_url, pii_key, queued_first
):
    """PostgreSQL: both read the order, then wait on its row lock in turn; the first to get
    it changes the order, the other's conditional update then finds nothing to change."""
    database = Database(create_engine(own_postgres_url), PiiCipher(decode_key(pii_key)))
    try:
        number, first, second = await handed_over(database)
        steps = {
            "accept": lambda: accept(database, second, number),
            "depart": lambda: depart(database, first, number),
        }
        queue = [queued_first, *(s for s in steps if s != queued_first)]
        async with database.uow() as holder:
            found = await holder.orders.by_number(number, full=False)
            await holder.orders.lock(found.id)  # held until both wait on it
            tasks = []
            for n, name in enumerate(queue, start=1):
                tasks.append(asyncio.create_task(steps[name]()))
                await waiting_on_a_lock(database, n)
        results = dict(zip(queue, await asyncio.gather(*tasks), strict=True))
        accepted, departed = results["accept"], results["depart"]  # (the holder rolled back)
        won = await one_worker_on_the_job(database, number, first, second, accepted, departed)
        assert won == queued_first
    finally:
        await database.dispose()


async def waiting_on_a_lock(database: Database, count: int) -> None:
    """Until ``count`` sessions of this database wait on a row lock (polled: the other
    sessions' progress is the server's, not our clock's; a few seconds at most)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(500):
        async with database.engine.connect() as conn:
            if (await conn.execute(query)).scalar_one() >= count:
                return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{count} sessions never waited on the order's lock")
