"""PostgreSQL's plans (store.pg_direct): the prepared statements (store.prepared) run on asyncpg's
connection — plain SELECTs at any time, writes and locking reads inside the transaction
SQLAlchemy began — read and written as the ORM does, rolled back with the unit of work (and
with a SAVEPOINT), their errors SQLAlchemy's, every one of them seen by ``observe``; a unit
of work that only reads sends no BEGIN, COMMIT or ROLLBACK."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import IntegrityError

from store.pg_direct import observe
from store.prepared import execute, fetch, insert_many, insert_one, select_rows, update_where
from store.tables import OutboxRow
from tests.integration.test_prepared_statements import AT, COUPONS, OUTBOX, a_coupon, message

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)


class Seen:
    """The statements SQLAlchemy executed (its engine events) and those run on asyncpg's
    connection past them (``observe``)."""

    def __init__(self, database) -> None:
        self.sqlalchemy: list[str] = []
        self.direct: list[str] = []
        self._engine = database.engine.sync_engine
        self._stop = observe(database.engine, self.direct.append)
        event.listen(self._engine, "before_cursor_execute", self._sqlalchemy)

    def _sqlalchemy(self, _conn, _cursor, statement, *_args) -> None:
        self.sqlalchemy.append(statement)

    def close(self) -> None:
        self._stop()
        event.remove(self._engine, "before_cursor_execute", self._sqlalchemy)


@pytest.fixture
def seen(database):
    watching = Seen(database)
    yield watching
    watching.close()


async def test_after_the_first_statement_they_run_on_asyncpg(database, seen):
    user = uuid4().hex
    async with database.uow() as uow:
        first = await insert_one(uow.session, OUTBOX, message(user))  # SQLAlchemy begins
        second = await insert_one(uow.session, OUTBOX, message(user, template={"id": "T1"}))
        changed = await update_where(uow.session, OUTBOX, {"attempts": 2}, user_id=user)
        rows = await select_rows(uow.session, OUTBOX, order_by=("id",), user_id=user)
        await uow.commit()
    assert second > first and changed == 2 and [r.id for r in rows] == [first, second]
    assert [s.split()[0] for s in seen.sqlalchemy] == ["INSERT"]
    assert [s.split()[0] for s in seen.direct] == ["INSERT", "UPDATE", "SELECT"]


@pytest.fixture
def sent(database):
    """What asyncpg sent with the simple query protocol (BEGIN, COMMIT, ROLLBACK, the pool's
    ping), from the connections the engine opens from now on (asyncpg's query loggers)."""
    queries: list[str] = []

    def connected(dbapi_connection, _record) -> None:
        dbapi_connection.driver_connection.add_query_logger(lambda q: queries.append(q.query))

    event.listen(database.engine.sync_engine, "connect", connected)
    yield queries
    event.remove(database.engine.sync_engine, "connect", connected)


async def transaction_control(queries: list[str]) -> list[str]:
    """BEGIN, COMMIT and ROLLBACK among ``queries`` (asyncpg calls its loggers with
    ``call_soon``: one pass of the event loop first)."""
    await asyncio.sleep(0)
    words = [q.split()[0].rstrip(";").upper() for q in queries if q.strip()]
    return [w for w in words if w in ("BEGIN", "COMMIT", "ROLLBACK")]


async def test_a_unit_of_work_that_only_reads_sends_no_begin(database, seen, sent):
    user = uuid4().hex
    async with database.uow() as uow:
        await insert_one(uow.session, OUTBOX, message(user))
        await uow.commit()
    assert await transaction_control(sent) == ["BEGIN", "COMMIT"]
    sent.clear()
    async with database.uow() as uow:
        rows = await select_rows(uow.session, OUTBOX, user_id=user)
        again = await fetch(uow.session, select(OUTBOX.c.id).where(OUTBOX.c.user_id == user))
        await uow.commit()
    async with database.uow() as uow:  # left without a commit: nothing to roll back either
        await select_rows(uow.session, OUTBOX, user_id=user)
    assert [r.id for r in rows] == [r.id for r in again] and len(rows) == 1
    assert await transaction_control(sent) == []
    assert [s.split()[0] for s in seen.direct[-3:]] == ["SELECT", "SELECT", "SELECT"]


async def test_reads_then_a_write_begin_before_the_write(database, seen, sent):
    user = uuid4().hex
    async with database.uow() as uow:
        assert await select_rows(uow.session, OUTBOX, user_id=user) == []  # on its own
        sent.clear()
        await insert_one(uow.session, OUTBOX, message(user))  # SQLAlchemy: BEGIN, INSERT
        assert await transaction_control(sent) == ["BEGIN"]
        await insert_one(uow.session, OUTBOX, message(user))  # inside it, on asyncpg
        assert len(await select_rows(uow.session, OUTBOX, user_id=user)) == 2
    assert await transaction_control(sent) == ["BEGIN", "ROLLBACK"]
    async with database.uow() as uow:
        assert await select_rows(uow.session, OUTBOX, user_id=user) == []  # rolled back


async def test_a_locking_read_runs_inside_the_transaction(database, seen, sent):
    user = uuid4().hex
    async with database.uow() as uow:
        await insert_one(uow.session, OUTBOX, message(user))
        await uow.commit()
    locking = select(OUTBOX.c.id).where(OUTBOX.c.user_id == bindparam("u")).with_for_update()
    await transaction_control(sent)  # the COMMIT above reaches the logger first
    seen.sqlalchemy.clear()
    sent.clear()
    async with database.uow() as uow:
        rows = await fetch(uow.session, locking, {"u": user})
        assert await transaction_control(sent) == ["BEGIN"]  # the lock is held until the end
        await uow.commit()
    assert len(rows) == 1 and "FOR UPDATE" in seen.sqlalchemy[-1]


async def test_rows_read_on_asyncpg_are_the_orms(database):
    user = uuid4().hex
    async with database.uow() as uow:
        key = await insert_one(
            uow.session, OUTBOX, message(user, template={"id": "T1"}, sent_at=AT)
        )
        await uow.commit()
    async with database.uow() as uow:
        await fetch(uow.session, select(OUTBOX.c.id).where(OUTBOX.c.id == key))  # begins
        (row,) = await select_rows(uow.session, OUTBOX, user_id=user)
        orm = await uow.session.get(OutboxRow, key)
    assert orm is not None
    for name in [column.key for column in OUTBOX.columns]:
        assert getattr(row, name) == getattr(orm, name), name
    assert row.replies == [{"say": "已支付 ✓", "n": 1}] and row.template == {"id": "T1"}
    assert row.sent_at == AT and row.created_at.tzinfo is not None and row.lang == "zh"


async def test_they_roll_back_with_the_unit_of_work_and_its_savepoint(database, seen):
    user = uuid4().hex
    async with database.uow() as uow:
        await insert_one(uow.session, OUTBOX, message(user, event="kept"))
        savepoint = await uow.savepoint()
        await insert_many(
            uow.session, OUTBOX, [message(user, event="undone"), message(user, event="undone")]
        )
        await update_where(uow.session, OUTBOX, {"attempts": 9}, user_id=user)
        await savepoint.rollback()
        await insert_one(uow.session, OUTBOX, message(user, event="after"))
        await uow.commit()
    assert any(s.startswith("INSERT") for s in seen.direct)  # the undone rows went past SQLAlchemy
    async with database.uow() as uow:
        rows = await select_rows(uow.session, OUTBOX, order_by=("id",), user_id=user)
    assert [(r.event, r.attempts) for r in rows] == [("kept", 0), ("after", 0)]
    async with database.uow() as uow:  # not committed: nothing of it stays
        await insert_one(uow.session, OUTBOX, message(user, event="dropped"))
        await insert_one(uow.session, OUTBOX, message(user, event="dropped"))
    async with database.uow() as uow:
        rows = await select_rows(uow.session, OUTBOX, order_by=("id",), user_id=user)
    assert [r.event for r in rows] == ["kept", "after"]


async def test_a_broken_constraint_is_sqlalchemys_integrity_error_without_values(database, seen):
    coupon = await a_coupon(database)
    code = coupon["code"]
    async with database.uow() as uow:
        await insert_one(uow.session, OUTBOX, message(uuid4().hex))  # SQLAlchemy begins
        with pytest.raises(IntegrityError) as caught:
            await insert_one(uow.session, COUPONS, coupon)
    assert seen.direct[-1].startswith("INSERT INTO coupons")
    assert code not in str(caught.value)  # parameters are never shown
    async with database.uow() as uow:
        rows = await select_rows(uow.session, COUPONS, code=code)
    assert len(rows) == 1


async def test_a_statement_built_once_counts_the_rows_it_changed(database, seen):
    user = uuid4().hex
    statement = (
        OUTBOX.update()
        .where(OUTBOX.c.user_id == bindparam("user"))
        .values(attempts=OUTBOX.c.attempts + 1)
    )
    async with database.uow() as uow:
        await insert_many(uow.session, OUTBOX, [message(user), message(user)])  # begins
        assert await execute(uow.session, statement, {"user": user}) == 2
        assert await execute(uow.session, statement, {"user": uuid4().hex}) == 0
        rows = await fetch(
            uow.session,
            select(OUTBOX.c.attempts).where(OUTBOX.c.user_id == bindparam("user")),
            {"user": user},
        )
    assert [r.attempts for r in rows] == [1, 1]
    assert [s.split()[0] for s in seen.direct] == ["UPDATE", "UPDATE", "SELECT"]


async def test_a_connection_the_server_dropped_is_invalidated_alone(database, db_url):
    """A statement on asyncpg's connection finds its backend gone: SQLAlchemy's error, and the
    connection invalidated then and there — not given back to the pool, where the next
    checkout's ping would find it dead and drop every pooled connection with it."""
    from sqlalchemy import func
    from sqlalchemy.exc import DBAPIError

    from store.db import create_engine

    backend = select(func.pg_backend_pid().label("pid"))
    admin = create_engine(db_url)
    invalidated: list[BaseException | None] = []
    event.listen(
        database.engine.sync_engine, "invalidate", lambda _c, _r, exc: invalidated.append(exc)
    )
    with pytest.raises(DBAPIError) as caught:
        async with database.uow() as uow:  # reads only: no transaction for a rollback to end
            [(pid,)] = await fetch(uow.session, backend)
            async with admin.connect() as conn:
                await conn.scalar(select(func.pg_terminate_backend(pid, 5000)))
            await fetch(uow.session, backend)
    await admin.dispose()
    assert caught.value.connection_invalidated
    assert len(invalidated) == 1  # then and there, by the failed statement's error
    async with database.uow() as uow:
        [(again,)] = await fetch(uow.session, backend)
    assert again != pid


async def test_at_a_stricter_isolation_level_reads_wait_for_the_transaction(db_url, pii_key):
    """Reads before BEGIN mean the same only at READ COMMITTED: at REPEATABLE READ the
    transaction's snapshot must hold them, so they go through SQLAlchemy, which begins it."""
    from store.crypto import PiiCipher, decode_key
    from store.db import create_engine
    from store.uow import Database

    engine = create_engine(db_url).execution_options(isolation_level="REPEATABLE READ")
    strict = Database(engine, PiiCipher(decode_key(pii_key)))
    queries: list[str] = []

    def connected(dbapi_connection, _record) -> None:
        dbapi_connection.driver_connection.add_query_logger(lambda q: queries.append(q.query))

    event.listen(engine.sync_engine, "connect", connected)
    try:
        async with strict.uow() as uow:
            assert await select_rows(uow.session, OUTBOX, user_id=uuid4().hex) == []
        assert await transaction_control(queries) == ["BEGIN", "ROLLBACK"]
    finally:
        await strict.dispose()
