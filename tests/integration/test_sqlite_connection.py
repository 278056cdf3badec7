"""SQLite run inline on the event loop: one connection per engine, another writer waited for
without stopping the loop, and a unit of work nested in the same task refused at once."""

import asyncio
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from store.crypto import PiiCipher
from store.db import create_engine
from store.sqlite.connection import NestedUnitOfWork
from store.uow import Database


@pytest.fixture
async def two_engines(fresh_sqlite_url):
    """Two engines on one file: what two processes sharing a SQLite database look like."""
    first, second = create_engine(fresh_sqlite_url), create_engine(fresh_sqlite_url)
    yield first, second
    await first.dispose()
    await second.dispose()


def database(engine) -> Database:
    return Database(engine, PiiCipher(bytes(32)))


async def test_a_writer_waits_for_another_without_stopping_the_loop(two_engines):
    first, second = two_engines
    async with first.connect() as holder:
        await holder.execute(
            text(
                "INSERT INTO price_changes (item_id, old_cents, new_cents, "
                "changed_by, role, changed_at) VALUES ('x', 1, 2, 'a', 'owner', "
                "'2026-01-01')"
            )
        )
        # the first engine holds SQLite's write lock; the second must wait for it
        waiting = asyncio.create_task(_write(second, "y"))
        started = time.monotonic()
        for _ in range(10):  # the writer tries in the first pass, then waits between passes
            await asyncio.sleep(0)
        assert time.monotonic() - started < 1, "the event loop stopped while a writer waited"
        assert not waiting.done()
        await holder.commit()
    started = time.monotonic()
    await asyncio.wait_for(waiting, 5)
    assert time.monotonic() - started < 1
    async with second.connect() as conn:
        items = (await conn.execute(text("SELECT item_id FROM price_changes"))).scalars().all()
    assert sorted(items) == ["x", "y"]


async def _write(engine, item: str) -> None:
    async with engine.begin() as conn:
        await _write_on(conn, item)


async def test_a_stale_snapshot_fails_at_once_instead_of_waiting(two_engines):
    first, second = two_engines
    await _write(first, "x")
    started = time.monotonic()
    async with second.connect() as reader:
        await reader.execute(text("BEGIN"))
        await reader.execute(text("SELECT count(*) FROM price_changes"))  # snapshot taken
        await _write(first, "y")  # another writer commits after it
        with pytest.raises(OperationalError, match="locked"):
            await _write_on(reader, "z")  # waiting would never help: SQLite says so at once
    assert time.monotonic() - started < 2


async def _write_on(conn, item: str) -> None:
    await conn.execute(
        text(
            "INSERT INTO price_changes (item_id, old_cents, new_cents, changed_by, role, "
            "changed_at) VALUES (:item, 1, 2, 'b', 'owner', '2026-01-01')"
        ),
        {"item": item},
    )


async def test_a_unit_of_work_inside_another_in_the_same_task_is_refused(fresh_sqlite_url):
    engine = create_engine(fresh_sqlite_url)
    db = database(engine)
    try:
        async with db.uow() as outer:
            await outer.prices.current()
            with pytest.raises(NestedUnitOfWork):
                async with db.uow():
                    pass

        async def other_task() -> None:
            async with db.uow() as uow:
                await uow.prices.current()

        async with db.uow() as outer:  # other tasks wait their turn for the connection
            waiting = asyncio.create_task(other_task())
            await outer.prices.current()
        await asyncio.wait_for(waiting, 5)
    finally:
        await db.dispose()


async def test_postgres_units_of_work_may_overlap(postgres_url):
    engine = create_engine(postgres_url)
    db = database(engine)
    try:
        async with db.uow() as outer, db.uow() as inner:
            await outer.prices.current()
            await inner.prices.current()
    finally:
        await db.dispose()


async def test_a_unit_of_work_that_waits_too_long_for_its_turn_times_out(fresh_sqlite_url):
    # no wait is allowed, so the one below is too long at once: the test does not sleep
    db = Database(create_engine(fresh_sqlite_url), PiiCipher(bytes(32)), turn_timeout_s=0)

    async def other_task() -> None:
        async with db.uow() as uow:
            await uow.prices.current()

    try:
        async with db.uow() as outer:
            await outer.prices.current()
            with pytest.raises(PoolTimeout):
                await asyncio.create_task(other_task())
        await asyncio.wait_for(other_task(), 5)  # the turn was given back
    finally:
        await db.dispose()


async def test_a_lost_connection_is_checked_out_again(fresh_sqlite_url):
    db = database(create_engine(fresh_sqlite_url))
    try:
        async with db.uow() as uow:
            await uow.prices.current()
            connection = await uow.session.connection()
            await connection.invalidate()
        async with db.uow() as uow:
            assert await uow.prices.current() == {}
        await db.ping()
    finally:
        await db.dispose()
    assert db.engine.pool.checkedout() == 0


async def holding(db: Database) -> tuple[asyncio.Task[None], asyncio.Event]:
    """A task inside a unit of work that has used the connection, and the event ending it."""
    inside, release = asyncio.Event(), asyncio.Event()

    async def turn() -> None:
        async with db.uow() as uow:
            await uow.prices.current()
            inside.set()
            await release.wait()

    running = asyncio.create_task(turn())
    await inside.wait()
    return running, release


async def test_dispose_waits_for_the_unit_of_work_on_the_connection(fresh_sqlite_url):
    db = Database(create_engine(fresh_sqlite_url), PiiCipher(bytes(32)), turn_timeout_s=5)
    running, release = await holding(db)
    disposing = asyncio.create_task(db.dispose())
    for _ in range(10):  # a few passes of the loop: enough to close an unused connection
        await asyncio.sleep(0)
    assert not disposing.done()  # the connection is still in use
    release.set()
    await asyncio.wait_for(asyncio.gather(running, disposing), 5)
    assert db.engine.pool.checkedout() == 0


async def test_dispose_does_not_wait_forever_for_a_stuck_unit_of_work(fresh_sqlite_url):
    # a timeout of 0 s: dispose gives up at once instead of after a wait the test sleeps through
    db = Database(create_engine(fresh_sqlite_url), PiiCipher(bytes(32)), turn_timeout_s=0)
    running, release = await holding(db)
    await asyncio.wait_for(db.dispose(), 5)  # gives up waiting, closes the connection
    assert db.engine.pool.checkedout() == 0
    release.set()
    await asyncio.wait_for(running, 5)  # the stuck one ends without a second release
