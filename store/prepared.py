"""Table-level SELECT, INSERT and UPDATE statements built once per shape and reused.

Building a statement from keyword values coerces every value into an expression and walks
the result for its cache key on each call, and loading ORM objects tracks each one in the
session: for the booking path that was most of the cost of a query. These statements take
their values as bound parameters and return plain rows (read by column name, like the ORM
objects the repositories convert). They bypass the ORM session, so each flushes the session's
pending changes first, and an UPDATE drops the session's copies of the table's rows (a later
read in the same transaction loads them afresh).

Each statement is compiled once into a plan (``store.plans``) and run straight on the
driver's connection, in the session's transaction: on SQLite through ``store.sqlite.direct``
(the demo's fast path, which leans on library internals and stays behind its fence), on
PostgreSQL through ``store.pg_direct`` (public APIs of SQLAlchemy and asyncpg). Where neither
can — a statement with an expanding ``IN``, a write or locking read before SQLAlchemy began
the PostgreSQL transaction (it then begins it) — it runs through SQLAlchemy's Core on the
session's connection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Executable,
    Insert,
    Row,
    Select,
    Table,
    Update,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from store import plans
from store.pg_direct import PgConnection, connection_of
from store.sqlite import direct


@lru_cache(maxsize=256)
def _insert(table: Table, names: tuple[str, ...]) -> Insert:
    return insert(table).values({name: bindparam(f"v_{name}") for name in names})


@lru_cache(maxsize=256)
def _insert_returning(table: Table, names: tuple[str, ...]) -> Insert:
    """``_insert`` returning the new row's primary key (PostgreSQL's plans)."""
    return _insert(table, names).returning(*table.primary_key.columns)


@lru_cache(maxsize=256)
def _update(table: Table, names: tuple[str, ...], keys: tuple[str, ...]) -> Update:
    return (
        update(table)
        .where(*(table.c[key] == bindparam(f"w_{key}") for key in keys))
        .values({name: bindparam(f"v_{name}") for name in names})
    )


@lru_cache(maxsize=256)
def _select(
    table: Table, keys: tuple[str, ...], order_by: tuple[str, ...], limit: int | None
) -> Select[Any]:
    statement = select(table).where(*(table.c[key] == bindparam(f"w_{key}") for key in keys))
    for name in order_by:  # "-name" sorts descending
        column = table.c[name.lstrip("-")]
        statement = statement.order_by(column.desc() if name.startswith("-") else column)
    return statement.limit(limit) if limit is not None else statement


async def select_rows(
    session: AsyncSession,
    table: Table,
    *,
    order_by: tuple[str, ...] = (),
    limit: int | None = None,
    **where: Any,
) -> Sequence[Row[*tuple[Any, ...]]]:
    """``SELECT * FROM table WHERE column = value AND ... ORDER BY ... LIMIT ...``."""
    if None in where.values():
        raise ValueError("column = NULL matches nothing; write that query with IS NULL")
    statement = _select(table, tuple(where), order_by, limit)
    return await fetch(session, statement, {f"w_{key}": value for key, value in where.items()})


async def select_one(
    session: AsyncSession, table: Table, **where: Any
) -> Row[*tuple[Any, ...]] | None:
    """The first row where every ``column = value``, or None."""
    rows = await select_rows(session, table, limit=1, **where)
    return rows[0] if rows else None


async def fetch(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> Sequence[Row[*tuple[Any, ...]]]:
    """The rows of a statement built once (module level or cached), read by column name or
    position; ``IN`` lists must be written as separate bound parameters."""
    await _flushed(session)
    prepared = direct.prepare(session, statement)
    if prepared is not None:
        connection, plan = prepared
        return await connection.fetch(plan, params or {})
    pg = await _pg(session, statement)
    if pg is not None:
        return await pg[0].fetch(pg[1], params or {})
    result = await _core(session, statement, params)
    return result.all()


def pending_changes(session: AsyncSession) -> bool:
    """Whether the session holds ORM changes not yet flushed."""
    sync = session.sync_session
    return bool(sync.new or sync.deleted or (sync.identity_map and sync.dirty))


async def _flushed(session: AsyncSession) -> None:
    """Write the session's pending ORM changes, as the ORM does before its own statements."""
    if pending_changes(session):
        await session.flush()


class _BindNames(dict[str, str]):
    """Column name -> the name of its bound parameter (``v_`` + name), made once per name."""

    def __missing__(self, name: str) -> str:
        bound = self[name] = f"v_{name}"
        return bound


_BIND_NAMES = _BindNames()


def _params(values: Mapping[str, Any]) -> dict[str, Any]:
    return dict(zip(map(_BIND_NAMES.__getitem__, values), values.values(), strict=True))


async def insert_one(session: AsyncSession, table: Table, values: Mapping[str, Any]) -> int:
    """Insert one row; return its primary key."""
    await _flushed(session)
    statement = _insert(table, tuple(values))
    prepared = direct.prepare(session, statement)
    if prepared is not None:
        connection, plan = prepared
        cursor = await connection.execute(plan, _params(values))
        assert cursor.lastrowid is not None  # set by an INSERT
        return int(cursor.lastrowid)
    pg = await _pg(session, _insert_returning(table, tuple(values)))
    if pg is not None:
        return int((await pg[0].fetch(pg[1], _params(values)))[0][0])
    result = await _core(session, statement, _params(values))
    key = result.inserted_primary_key
    assert key is not None  # an INSERT of one row
    return int(key[0])


async def insert_many(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert rows that all name the same columns (ids not returned)."""
    if rows:
        await _flushed(session)
        statement = _insert(table, tuple(rows[0]))
        prepared = direct.prepare(session, statement)
        if prepared is not None:
            connection, plan = prepared
            await connection.execute_many(plan, [_params(r) for r in rows])
            return
        pg = await _pg(session, statement)
        if pg is not None:
            await pg[0].execute_many(pg[1], [_params(r) for r in rows])
            return
        await _core(session, statement, [_params(r) for r in rows])


async def update_where(
    session: AsyncSession, table: Table, values: Mapping[str, Any], **where: Any
) -> int:
    """``UPDATE table SET values WHERE column = value AND ...``; return the rows changed.

    The session's objects for ``table`` are dropped afterwards: the ORM does not know what
    this statement changed, and a stale copy would be returned by later ORM reads."""
    await _flushed(session)
    params = _params(values)
    params.update({f"w_{key}": value for key, value in where.items()})
    statement = _update(table, tuple(values), tuple(where))
    prepared = direct.prepare(session, statement)
    if prepared is not None:
        connection, plan = prepared
        changed = (await connection.execute(plan, params)).rowcount
    elif (pg := await _pg(session, statement)) is not None:
        changed = await pg[0].execute(pg[1], params)
    else:
        changed = int((await _core(session, statement, params)).rowcount)
    forget_rows(session, table)
    return changed


def forget_rows(session: AsyncSession, table: Table) -> None:
    """Drop the session's ORM copies of ``table``'s rows: a statement run past the ORM may
    have changed them, and a stale copy would be returned by later ORM reads."""
    sync = session.sync_session
    for row in [r for r in sync.identity_map.values() if getattr(r, "__table__", None) is table]:
        sync.expunge(row)


async def execute(session: AsyncSession, statement: Executable, params: Mapping[str, Any]) -> int:
    """Run a DML statement built once (an upsert, say) with its bound ``params``; return the
    rows it changed."""
    await _flushed(session)
    prepared = direct.prepare(session, statement)
    if prepared is not None:
        connection, plan = prepared
        return int((await connection.execute(plan, params)).rowcount)
    pg = await _pg(session, statement)
    if pg is not None:
        return await pg[0].execute(pg[1], params)
    return int((await _core(session, statement, params)).rowcount)


async def _core(
    session: AsyncSession,
    statement: Executable,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None,
) -> CursorResult[Any]:
    """Run ``statement`` on the session's connection, in its transaction (``connection()``
    begins it as the session would): Core's execution, without the ORM's around it (its
    compile state, events and result wrapping: a third of a statement's client CPU on
    PostgreSQL). The session's pending changes are flushed by the callers first."""
    return await (await _connection(session)).execute(statement, params)


_CONNECTION = "daojia.connection"
"""session.info key: (the session's transactions, their connection, asyncpg's connection under
it or None) — asked of the session once per transaction rather than once per statement (each
ask is a greenlet and the session's state machine)."""


async def _connection(session: AsyncSession) -> AsyncConnection:
    """The session's connection, begun as ``session.connection()`` begins it. Asked again
    when the session's transaction or SAVEPOINT changed since: a SAVEPOINT of
    ``begin_nested`` is only emitted when the session is asked for its connection."""
    return (await _held(session))[1]


async def _held(session: AsyncSession) -> tuple[Any, AsyncConnection, PgConnection | None]:
    sync = session.sync_session
    now = (sync.get_transaction(), sync.get_nested_transaction())
    held = sync.info.get(_CONNECTION)
    if held is not None and now[0] is not None and held[0] == now:
        return held  # type: ignore[no-any-return]
    connection = await session.connection()
    made = (
        (sync.get_transaction(), sync.get_nested_transaction()),
        connection,
        await connection_of(connection),
    )
    sync.info[_CONNECTION] = made
    return made


async def _pg(
    session: AsyncSession, statement: Executable
) -> tuple[PgConnection, plans.Plan] | None:
    """asyncpg's connection and the statement's plan, when the statement can run there now
    (``store.pg_direct``: on PostgreSQL, plain SELECTs at any time, the rest once SQLAlchemy
    began the transaction)."""
    _, connection, pg = await _held(session)
    if pg is None:
        return None
    plan = plans.plan(statement, connection.dialect)
    return (pg, plan) if plan is not None and pg.takes(plan) else None


IN_LIST_MAX = 10_000
"""Ids bound in one ``IN (...)`` at most: PostgreSQL's protocol takes 32,767 parameters."""


def in_chunks(ids: Sequence[Any], size: int | None = None) -> list[list[Any]]:
    """``ids`` in lists of at most ``size`` (``IN_LIST_MAX``; none for none), one ``IN``
    query each."""
    items, size = list(ids), size or IN_LIST_MAX
    return [items[i : i + size] for i in range(0, len(items), size)]
