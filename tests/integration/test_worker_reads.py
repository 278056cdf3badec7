"""Reading workers by status, on SQLite and PostgreSQL: every approved or suspended worker (the
"nobody free" notice's reasons, the admins' lists) with their certificates, in id order —
one statement built once (on PostgreSQL on asyncpg's connection), not the ORM's two."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from domain.people import Certificate, Worker, WorkerStatus
from store.pg_direct import observe
from tests import random_refs

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
KEPT = [WorkerStatus.APPROVED, WorkerStatus.SUSPENDED]


async def some_workers(database) -> dict[WorkerStatus, Worker]:
    """One worker in each status; the approved one with a health certificate, the suspended
    one with that and a maternity-nurse licence."""
    made: dict[WorkerStatus, Worker] = {}
    health = Certificate("health", "media/w/h.jpg", NOW.date() + timedelta(days=90), True)
    nurse = Certificate("maternity_nurse", "media/w/n.jpg", None, False)
    held = {WorkerStatus.APPROVED: (health,), WorkerStatus.SUSPENDED: (health, nurse)}
    async with database.uow() as uow:
        for status in WorkerStatus:
            worker = Worker(
                name=f"王{status.value}",
                phone=random_refs.phone(),
                created_at=NOW,
                status=status,
                skills=("cleaning",),
                certificates=held.get(status, ()),
            )
            made[status] = await uow.workers.add(worker)
        await uow.commit()
    return made


async def test_the_workers_in_the_statuses_asked_with_their_certificates(database):
    made = await some_workers(database)
    ours = {w.id for w in made.values()}
    async with database.uow() as uow:
        found = [w for w in await uow.workers.with_status(KEPT) if w.id in ours]
        approved = [w for w in await uow.workers.with_status(KEPT[:1]) if w.id in ours]
        among = await uow.workers.with_status(KEPT, among=[made[WorkerStatus.SUSPENDED].id])
        none = await uow.workers.with_status([])
    assert found == [made[WorkerStatus.APPROVED], made[WorkerStatus.SUSPENDED]]  # by id
    assert [len(w.certificates) for w in found] == [1, 2]
    assert approved == [made[WorkerStatus.APPROVED]]
    assert among == [made[WorkerStatus.SUSPENDED]]
    assert none == []


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_on_postgresql_they_are_read_on_asyncpgs_connection(database):
    await some_workers(database)
    direct: list[str] = []
    through: list[str] = []
    engine = database.engine.sync_engine

    def seen(_conn, _cursor, statement, *_args) -> None:
        through.append(statement)

    stop = observe(database.engine, direct.append)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        async with database.uow() as uow:
            await uow.workers.with_status(KEPT)
    finally:
        stop()
        event.remove(engine, "before_cursor_execute", seen)
    [read] = direct  # the workers with their certificates: one statement
    assert "FROM workers LEFT OUTER JOIN worker_certificates" in " ".join(read.split())
    assert through == []


async def test_a_worker_read_so_saves_only_what_changed(database):
    made = await some_workers(database)
    suspended = made[WorkerStatus.SUSPENDED]
    async with database.uow() as uow:
        [read] = [w for w in await uow.workers.with_status(KEPT) if w.id == suspended.id]
        read.certificates = read.certificates[1:]  # the health certificate taken away
        await uow.workers.save(read)
        await uow.commit()
    async with database.uow() as uow:
        again = await uow.workers.get(suspended.id)
    assert again is not None and again.certificates == suspended.certificates[1:]
