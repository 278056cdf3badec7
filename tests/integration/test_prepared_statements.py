"""Prepared statements (store.prepared) read and write what the ORM does, on SQLite straight on
the connection (store.sqlite.direct) and on PostgreSQL through SQLAlchemy, in the unit of work's
transaction."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from store.prepared import fetch, insert_one, select_one, select_rows, update_where
from store.sqlite import direct
from store.tables import OutboxRow
from store.tables.core import COUPONS, OUTBOX

AT = datetime(2026, 12, 5, 8, 30, 15, 123456, tzinfo=UTC)


def message(user: str, **values) -> dict:
    """An outbox row naming only some columns: the rest take the table's defaults."""
    return {
        "channel": "telegram",
        "user_id": user,
        "event": "order_paid",
        "replies": [{"say": "已支付 ✓", "n": 1}],
        "next_attempt_at": AT,
        "created_at": AT,
        **values,
    }


async def test_rows_read_back_as_the_orm_reads_them(database):
    user = uuid4().hex
    async with database.uow() as uow:
        first = await insert_one(uow.session, OUTBOX, message(user))
        second = await insert_one(
            uow.session, OUTBOX, message(user, template={"id": "T1"}, sent_at=AT)
        )
        await uow.commit()
    assert second > first
    async with database.uow() as uow:
        rows = await select_rows(uow.session, OUTBOX, order_by=("-id",), user_id=user)
        orm = await uow.session.get(OutboxRow, first)
    assert [r.id for r in rows] == [second, first]
    row = rows[1]
    assert orm is not None
    for name in [column.key for column in OUTBOX.columns]:
        assert getattr(row, name) == getattr(orm, name), name
    assert row.lang == "zh" and row.status == "pending" and row.attempts == 0  # defaults
    assert row.replies == [{"say": "已支付 ✓", "n": 1}] and row.template is None
    assert row.created_at == AT and row.created_at.tzinfo is not None
    assert rows[0].template == {"id": "T1"} and rows[0].sent_at == AT


async def test_updates_count_rows_and_uncommitted_work_is_rolled_back(database):
    user = uuid4().hex
    async with database.uow() as uow:
        key = await insert_one(uow.session, OUTBOX, message(user))
        await uow.commit()
    async with database.uow() as uow:
        later = AT + timedelta(hours=1)
        changed = await update_where(
            uow.session, OUTBOX, {"status": "sent", "sent_at": later}, id=key, status="pending"
        )
        assert changed == 1
        again = await update_where(uow.session, OUTBOX, {"status": "x"}, id=key, status="pending")
        assert again == 0
        assert (await select_one(uow.session, OUTBOX, id=key)).sent_at == later
        # not committed: nothing of it stays
    async with database.uow() as uow:
        row = await select_one(uow.session, OUTBOX, id=key)
        assert row.status == "pending" and row.sent_at is None
        await update_where(uow.session, OUTBOX, {"attempts": 2}, id=key)
        await uow.commit()
        # the session goes on in a new transaction after a commit
        await update_where(uow.session, OUTBOX, {"attempts": 3}, id=key)
        await uow.commit()
    async with database.uow() as uow:
        assert (await select_one(uow.session, OUTBOX, id=key)).attempts == 3


async def a_coupon(database) -> dict:
    """A coupon's row, written (its code is unique: writing it again breaks the constraint)."""
    coupon = {
        "code": uuid4().hex[:12],
        "kind": "fixed",
        "amount_cents": 500,
        "threshold_cents": 0,
        "valid_from": AT,
        "valid_until": AT + timedelta(days=7),
    }
    async with database.uow() as uow:
        await insert_one(uow.session, COUPONS, coupon)
        await uow.commit()
    return coupon


async def test_a_broken_constraint_is_sqlalchemys_integrity_error(database):
    coupon = await a_coupon(database)
    async with database.uow() as uow:
        with pytest.raises(IntegrityError):
            await insert_one(uow.session, COUPONS, coupon)


async def test_a_statement_built_once_takes_its_parameters_each_time(database):
    user = uuid4().hex
    statement = select(OUTBOX.c.id, OUTBOX.c.created_at).where(
        OUTBOX.c.user_id == user, OUTBOX.c.created_at >= AT
    )
    async with database.uow() as uow:
        await insert_one(uow.session, OUTBOX, message(user))
        await insert_one(uow.session, OUTBOX, message(user, created_at=AT - timedelta(days=1)))
        rows = await fetch(uow.session, statement)
    assert [r.created_at for r in rows] == [AT]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_on_sqlite_they_bypass_sqlalchemys_execution(database):
    """The point of store.sqlite.direct: no SQLAlchemy cursor execution for a prepared
    statement."""
    executed: list[str] = []
    engine = database.engine.sync_engine
    listener = lambda *args: executed.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        async with database.uow() as uow:
            key = await insert_one(uow.session, OUTBOX, message(uuid4().hex))
            await update_where(uow.session, OUTBOX, {"attempts": 1}, id=key)
            assert (await select_one(uow.session, OUTBOX, id=key)).attempts == 1
            assert direct.connection(uow.session) is not None
            await uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert executed == []


@pytest.mark.parametrize("orm_first", [True, False])
async def test_orm_writes_and_plans_commit_and_roll_back_together(database, orm_first):
    """One transaction whichever goes first: on SQLite the session is bound to the connection
    the plans run on, and the unit of work commits through the session once it has work."""
    user = uuid4().hex

    async def write(uow) -> None:
        orm_row = OutboxRow(**message(user, event="orm"))
        if orm_first:
            uow.session.add(orm_row)
            await uow.session.flush()
            await insert_one(uow.session, OUTBOX, message(user, event="plan"))
        else:
            await insert_one(uow.session, OUTBOX, message(user, event="plan"))
            uow.session.add(orm_row)  # flushed by the commit

    async def events() -> list[str]:
        async with database.uow() as uow:
            rows = await select_rows(uow.session, OUTBOX, order_by=("id",), user_id=user)
        return [r.event for r in rows]

    async with database.uow() as uow:
        await write(uow)
    assert await events() == []
    async with database.uow() as uow:
        await write(uow)
        await uow.commit()
    assert sorted(await events()) == ["orm", "plan"]
