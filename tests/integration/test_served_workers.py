"""The workers who served a customer, read with the rest of a checkout in its one statement
(``Customers.for_checkout``): who may be chosen as a booking's preferred worker, on SQLite
and PostgreSQL."""

from datetime import date

from domain.lifecycle import OrderStatus
from domain.membership import PAID_STATUSES
from domain.people import Certificate, Worker, WorkerStatus
from domain.preferred import Served
from tests import random_refs
from tests.integration.test_new_customers import Statements
from tests.integration.test_new_orders import NOW, a_customer, an_order


async def a_worker(uow, name: str, *certificates: Certificate) -> int:
    worker = await uow.workers.add(
        Worker(
            name=name,
            phone=random_refs.phone(),
            created_at=NOW,
            skills=("cleaning", "elderly_care"),
            certificates=certificates,
            status=WorkerStatus.APPROVED,
            rating_x100=480,
        )
    )
    return int(worker.id)


async def test_a_checkout_reads_the_workers_who_completed_a_job_in_the_same_statement(database):
    """Confirmed and settled orders count (the latest of each worker's first), a job still
    under way or cancelled does not, nor another customer's; each worker comes with their
    documents; a customer nobody served has none."""
    me, other, nobody = [await a_customer(database) for _ in "abc"]
    health = Certificate("health", "docs/h.jpg", date(2027, 6, 30), True)
    async with database.uow() as uow:
        wang = await a_worker(uow, "王阿姨", health)
        li = await a_worker(uow, "李师傅")
        busy = await a_worker(uow, "赵师傅")
        theirs = await a_worker(uow, "钱师傅")
        done: dict[int, int] = {}
        for worker, status, customer in (
            (wang, OrderStatus.CONFIRMED, me),
            (li, OrderStatus.SETTLED, me),
            (wang, OrderStatus.SETTLED, me),
            (busy, OrderStatus.ACCEPTED, me),
            (busy, OrderStatus.CANCELLED, me),
            (theirs, OrderStatus.CONFIRMED, other),
        ):
            order = an_order(await uow.orders.next_number(), customer)
            order.worker_id, order.status = worker, status
            await uow.orders.add(order)
            if customer == me and status in (OrderStatus.CONFIRMED, OrderStatus.SETTLED):
                done[worker] = int(order.id)
        await uow.commit()
    since = NOW.replace(year=2025)
    seen = Statements(database)
    try:
        async with database.uow() as uow:
            mine = await uow.customers.for_checkout(me, PAID_STATUSES, since, "", NOW)
            if database.engine.dialect.name == "postgresql":  # SQLite's plans pass unseen
                assert seen.count == 1
            none = await uow.customers.for_checkout(nobody, PAID_STATUSES, since, "", NOW)
    finally:
        seen.close()
    skills = frozenset({"cleaning", "elderly_care"})
    approved = WorkerStatus.APPROVED
    assert sorted(mine.served, key=lambda s: s.worker_id) == [
        Served(wang, "王阿姨", 480, 0, approved, skills, (health,), done[wang]),
        Served(li, "李师傅", 480, 0, approved, skills, (), done[li]),
    ]
    assert none.served == () and none.customer.id == nobody


async def test_the_checkouts_long_statement_stays_prepared_on_its_connection(database):
    """The stacked checkout read is ~22 KB of SQL, past asyncpg's default 15 KiB for a
    statement it keeps prepared (``store.db.PG_CACHED_SQL_BYTES``): unkept, PostgreSQL parsed
    and planned it anew at every quote and order. Kept, it is a named prepared statement of
    the connection after it ran (an unkept one runs unnamed, and is not listed)."""
    from sqlalchemy import text

    me = await a_customer(database)
    since = NOW.replace(year=2025)
    async with database.uow() as uow:
        for _ in range(2):
            assert await uow.customers.for_checkout(me, PAID_STATUSES, since, "", NOW)
        if database.engine.dialect.name != "postgresql":
            return  # SQLite has no statement cache to keep it in
        connection = await uow.session.connection()
        kept = await connection.execute(
            text("SELECT length(statement) FROM pg_prepared_statements")
        )
        assert max(kept.scalars().all()) > 15 * 1024
