"""Dispatch with the process's index of a large pool reads a few workers afresh and still
chooses exactly as reading every worker online — on SQLite and PostgreSQL — and what changed
since the snapshot (gone offline, suspended, booked meanwhile) is seen."""

import dataclasses
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from conversations.services.dispatch import refusals
from conversations.services.dispatch_pool import candidates, pool_for
from conversations.services.worker_index import WorkerIndex
from domain.dispatch import Job, Refusal, rank
from domain.people import Certificate, GeoPoint, ServiceArea, Worker, WorkerStatus
from domain.rules import MemberLevel, WorkerLevel
from store.catalog_file import load_catalog
from tests import random_refs
from tests.integration.test_repositories import new_customer, new_order

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CATALOG, DEFAULT_RULES = load_catalog()
RULES = dataclasses.replace(
    DEFAULT_RULES, dispatch=dataclasses.replace(DEFAULT_RULES.dispatch, index_from_workers=1)
)
SKILLS = ("cleaning", "deep_cleaning", "nanny")
DISTRICTS = ("徐汇区", "浦东新区", "静安区")


def point(rng: random.Random) -> GeoPoint:
    return GeoPoint(round(rng.uniform(31.10, 31.32), 5), round(rng.uniform(121.30, 121.62), 5))


def worker(rng: random.Random, online: float) -> Worker:
    return Worker(
        name="师傅",
        phone=random_refs.phone(),
        created_at=NOW,
        status=rng.choices(
            [WorkerStatus.APPROVED, WorkerStatus.PENDING, WorkerStatus.SUSPENDED], [8, 1, 1]
        )[0],
        online=rng.random() < online,
        skills=tuple(rng.sample(SKILLS, rng.randint(1, 2))),
        area=ServiceArea(
            point(rng) if rng.random() < 0.9 else None,
            rng.choice([0, 3_000, 8_000, 15_000]),
            tuple(rng.sample(DISTRICTS, rng.randint(0, 1))),
        ),
        level=rng.choice(list(WorkerLevel)),
        rating_x100=rng.randint(300, 500),
        good_rate_bp=rng.choice([10_000, 9_500, 8_000]),
        daily_cap=rng.randint(0, 4),
    )


async def seed(database, rng: random.Random, n: int, online: float = 0.85) -> list[Worker]:
    async with database.uow() as uow:
        made = [await uow.workers.add(worker(rng, online)) for _ in range(n)]
        await uow.commit()
    return made


def job(rng: random.Random, i: int, ids: list[int]) -> Job:
    start = NOW + timedelta(days=1, hours=rng.randint(0, 10))
    return Job(
        order_id=i,
        skill=rng.choice(SKILLS),
        start_at=start,
        end_at=start + timedelta(hours=2),
        location=point(rng) if rng.random() < 0.9 else None,
        district=rng.choice(("", *DISTRICTS)),
        preferred_worker_id=rng.choice(ids) if rng.random() < 0.2 else None,
        excluded=frozenset(rng.sample(ids, 3)),
        member_level=rng.choice(list(MemberLevel)),
    )


async def best(database, j: Job, need: int, index: WorkerIndex | None, first: int = 16):
    async with database.reads() as uow:
        pool = await (
            pool_for(uow, j, RULES, need, index, first) if index else candidates(uow, j, RULES)
        )
    return rank(j, [c for c, _ in pool.values()], RULES.dispatch)[:need], len(pool)


async def test_the_index_chooses_as_reading_every_worker_and_reads_fewer(database, monkeypatch):
    monkeypatch.setattr("conversations.services.worker_index.SNAPSHOT_PAGE", 7)  # pages
    rng = random.Random(7)
    made = await seed(database, rng, 90, online=0.5)  # the index thinks all are online
    index = WorkerIndex(reads=database.reads, rules=RULES, clock=lambda: NOW)
    await index.refresh()
    async with database.reads() as uow:  # the session's database: other tests' workers too
        approved = await uow.workers.with_status([WorkerStatus.APPROVED])
    assert index.workers == len(approved)
    assert {w.id for w in made if w.status == WorkerStatus.APPROVED} <= {w.id for w in approved}
    ids = [w.id for w in made]
    read = everyone = 0
    for i in range(60):
        j, need = job(rng, i, ids), rng.choice([1, 1, 3])
        expected, online = await best(database, j, need, None)
        chosen, pool = await best(database, j, need, index)
        assert chosen == expected, (i, j)
        # reading one first, then four, sixteen...: more often short, the same choice
        assert (await best(database, j, need, index, first=1))[0] == expected, (i, j)
        read, everyone = read + pool, everyone + online
    assert read < everyone / 2, (read, everyone)


async def test_what_changed_since_the_snapshot_is_seen(database):
    rng = random.Random(11)
    made = await seed(database, rng, 60)
    index = WorkerIndex(reads=database.reads, rules=RULES, clock=lambda: NOW)
    await index.refresh()
    j = Job(
        order_id=1,
        skill="cleaning",
        start_at=NOW + timedelta(days=2),
        end_at=NOW + timedelta(days=2, hours=3),
        location=GeoPoint(31.1880, 121.4370),
        district="徐汇区",
    )
    first, _ = await best(database, j, 1, index)
    async with database.uow() as uow:  # the best goes offline
        gone = await uow.workers.get(first[0].worker_id)
        gone.online = False
        await uow.workers.save(gone)
        await uow.commit()
    second, _ = await best(database, j, 1, index)
    assert second and second[0].worker_id != gone.id
    assert second == (await best(database, j, 1, None))[0]
    async with database.uow() as uow:  # the next one is suspended
        suspended = await uow.workers.get(second[0].worker_id)
        suspended.status = WorkerStatus.SUSPENDED
        await uow.workers.save(suspended)
        await uow.commit()
    third, _ = await best(database, j, 1, index)
    assert third and third[0].worker_id not in (gone.id, suspended.id)
    assert third == (await best(database, j, 1, None))[0]
    order = await new_order(database, await new_customer(database))  # the next one booked
    async with database.uow() as uow:
        await uow.session.exec(
            text("UPDATE orders SET worker_id = :w, status = :s, start_at = :at WHERE id = :o"),
            params={"w": third[0].worker_id, "s": "accepted", "at": j.start_at, "o": order.id},
        )
        await uow.commit()
    fourth, _ = await best(database, j, 1, index)
    assert fourth and fourth[0].worker_id != third[0].worker_id
    assert fourth == (await best(database, j, 1, None))[0]
    assert len(made) == 60


async def test_a_small_pool_has_no_index_and_a_large_one_is_built_when_seen(database):
    rng = random.Random(3)
    await seed(database, rng, 12)
    rules = dataclasses.replace(
        RULES, dispatch=dataclasses.replace(RULES.dispatch, index_from_workers=500)
    )
    index = WorkerIndex(reads=database.reads, rules=rules, clock=lambda: NOW)
    index.saw(12)  # fewer online than the rule: nothing to build
    assert index.current() is None
    await index.settled()
    await index.refresh()  # too few approved: none
    assert index.current() is None and index.workers == 0
    big = dataclasses.replace(RULES.dispatch, index_from_workers=5)
    index = WorkerIndex(
        reads=database.reads, rules=dataclasses.replace(RULES, dispatch=big), clock=lambda: NOW
    )
    index.saw(12)  # a dispatch read 12 online: build one, in the background
    await index.settled()
    assert index.current() is not None and index.workers >= 5
    await index.close()


async def test_very_many_workers_are_read_in_chunks(database, monkeypatch):
    """PostgreSQL binds at most 32,767 parameters: a city's workers (and their bookings) are
    read in several ``IN`` lists — shown here with lists of three."""
    monkeypatch.setattr("store.prepared.IN_LIST_MAX", 3)
    rng = random.Random(5)
    made = await seed(database, rng, 10, online=1.0)
    approved = {w.id for w in made if w.status == WorkerStatus.APPROVED}
    async with database.uow() as uow:
        for w in made:
            w.certificates = (Certificate("health", "", None, True),)
            await uow.workers.save(w)
        await uow.commit()
    orders = [await new_order(database, await new_customer(database)) for _ in range(7)]
    async with database.uow() as uow:
        for order, w in zip(orders, made, strict=False):
            await uow.session.exec(
                text("UPDATE orders SET worker_id = :w, status = :s WHERE id = :o"),
                params={"w": w.id, "s": "accepted", "o": order.id},
            )
        await uow.commit()
    async with database.reads() as uow:
        available = await uow.workers.available()
        booked = await uow.orders.worker_bookings(
            [w.id for w in made], NOW, NOW + timedelta(days=7)
        )
    mine = [w for w in available if w.id in {m.id for m in made}]  # the database is shared
    assert {w.id for w in mine} == approved
    assert all(len(w.certificates) == 1 for w in mine)
    assert sorted(b[0] for b in booked) == sorted(w.id for w in made[:7])


async def test_a_large_pools_no_worker_reasons_are_those_of_the_workers_who_could_have(database):
    """Nobody online: the admins' reasons are counted among the workers the index ranks first
    (each as reading everyone gives it), not among a city's workers without the skill."""
    rng = random.Random(13)
    made = await seed(database, rng, 40, online=0.0)
    index = WorkerIndex(reads=database.reads, rules=RULES, clock=lambda: NOW)
    await index.refresh()
    j = Job(
        order_id=1,
        skill="nanny",
        start_at=NOW + timedelta(days=3),
        end_at=NOW + timedelta(days=3, hours=3),
        location=GeoPoint(31.2, 121.45),
        excluded=frozenset({made[0].id}),
    )
    async with database.reads() as uow:
        everyone = dict(await refusals(uow, j, RULES))
        near = await refusals(uow, j, RULES, index)
    assert near and len(near) < len(everyone)
    assert all(everyone[w] == reason for w, reason in near)
    assert Refusal.SKILL in everyone.values()
    assert Refusal.SKILL not in {reason for _, reason in near}
    assert Refusal.OFFLINE in {reason for _, reason in near}
