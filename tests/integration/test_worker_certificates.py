"""A worker's certificates are written as what changed since they were read (SQLite and
PostgreSQL): a save that did not touch them — going online — never removes a renewal another
transaction added meanwhile, and saving twice in one unit of work adds nothing twice."""

from datetime import UTC, date, datetime

from domain.people import Certificate, Worker, WorkerStatus
from tests import random_refs

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
HEALTH = Certificate("health", "docs/h1.jpg", date(2027, 1, 31), verified=True)
RENEWED = Certificate("health", "docs/h2.jpg", date(2028, 1, 31))


async def test_going_online_keeps_a_renewal_made_meanwhile(database):
    if database.engine.url.get_backend_name() == "sqlite":  # one writer: no meanwhile
        return
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker(
                "王师傅",
                random_refs.phone(),
                NOW,
                status=WorkerStatus.APPROVED,
                certificates=(HEALTH,),
            )
        )
        await uow.commit()
    async with database.uow() as going_online:
        stale = await going_online.workers.get(worker.id)
        async with database.uow() as renewing:  # another process, meanwhile
            mine = await renewing.workers.get(worker.id)
            mine.certificates = (*mine.certificates, RENEWED)
            await renewing.workers.save(mine)
            await renewing.commit()
        stale.online = True
        await going_online.workers.save(stale)
        await going_online.commit()
    async with database.uow() as uow:
        now = await uow.workers.get(worker.id)
    assert now.online and set(now.certificates) == {HEALTH, RENEWED}


async def test_certificates_changed_and_saved_twice_are_written_once(database):
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker("李师傅", random_refs.phone(), NOW, certificates=(RENEWED,))
        )
        await uow.commit()
    async with database.uow() as uow:
        w = await uow.workers.get(worker.id)
        w.certificates = tuple(
            Certificate(c.kind, c.file_ref, c.expires_on, True) for c in w.certificates
        )
        await uow.workers.save(w)
        w.certificates = (*w.certificates, HEALTH)
        await uow.workers.save(w)
        await uow.workers.save(w)
        await uow.commit()
    async with database.uow() as uow:
        again = await uow.workers.get(worker.id)
    verified = Certificate(RENEWED.kind, RENEWED.file_ref, RENEWED.expires_on, True)
    assert sorted(again.certificates, key=str) == sorted((verified, HEALTH), key=str)


async def test_a_worker_saved_in_a_unit_of_work_that_did_not_read_them_keeps_one_of_each(
    database,
):
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker("张师傅", random_refs.phone(), NOW, certificates=(HEALTH,))
        )
        await uow.commit()
    worker.online = True
    async with database.uow() as uow:  # the object comes from elsewhere
        await uow.workers.save(worker)
        await uow.commit()
    async with database.uow() as uow:
        again = await uow.workers.get(worker.id)
    assert again.certificates == (HEALTH,) and again.online
