"""Plans (``store.plans``) run straight on asyncpg's connection, in SQLAlchemy's transaction.

On PostgreSQL a statement through SQLAlchemy's Core costs about three times asyncpg's own
client time (measured in one process: 195 µs against 70 µs per ``SELECT … WHERE id = $1``):
the execution context, SQLAlchemy's DBAPI adapter over asyncpg and the result object around
a call that asyncpg answers from its statement cache. A plan keeps SQLAlchemy's SQL, bind and
result processing, so values go in and come out as they would through the session, and runs
on the driver's connection that SQLAlchemy checked out for the session — public paths only:
``AsyncConnection.get_raw_connection().driver_connection`` and asyncpg's ``fetch``,
``execute``, ``executemany`` (its prepared-statement cache) and ``is_in_transaction``.

Transactions stay SQLAlchemy's. Its asyncpg adapter sends BEGIN with the first statement it
runs, so a write or a locking read runs here only once the driver reports that transaction
open; before it, such a statement goes through SQLAlchemy, which begins it (as it emits the
SAVEPOINT of ``begin_nested``). A plain SELECT runs here at any time: outside a transaction
it sees what it would have seen inside one at READ COMMITTED (PostgreSQL's default, which
daojia keeps), each statement its own snapshot. So a unit of work that only reads sends no
BEGIN, and its end no COMMIT or ROLLBACK: the adapter ends only a transaction it began.
Commit and rollback are the session's.

Errors are SQLAlchemy's classes (``IntegrityError`` for a broken constraint, and so on), the
statement's parameters never shown. SQLAlchemy's engine events do not see these statements:
whoever counts round trips also registers with ``observe`` (tests/e2e/test_round_trips.py,
the benchmarks).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

import asyncpg
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.digits import BIGINT_MAX, whole
from store.plans import Plan

Observer = Callable[[str], None]
_OBSERVERS: WeakKeyDictionary[Engine, list[Observer]] = WeakKeyDictionary()


def observe(engine: AsyncEngine, observer: Observer) -> Callable[[], None]:
    """Call ``observer(sql)`` before each statement run here on ``engine``'s connections (as
    SQLAlchemy's ``before_cursor_execute`` does for its own); returns the way to stop."""
    observers = _OBSERVERS.setdefault(engine.sync_engine, [])
    observers.append(observer)
    return lambda: observers.remove(observer)


class PgConnection:
    """asyncpg's connection under one SQLAlchemy connection, running plans."""

    __slots__ = ("driver", "connection", "early_reads", "_observers")

    def __init__(self, driver: asyncpg.Connection, connection: AsyncConnection) -> None:
        self.driver = driver
        self.connection = connection
        options = (
            connection.sync_connection.get_execution_options()
            if connection.sync_connection
            else {}
        )
        self.early_reads = (
            "isolation_level" not in options
            and (connection.default_isolation_level or "").upper() == "READ COMMITTED"
        )
        """Whether a plain SELECT may run before the transaction: only at READ COMMITTED,
        where each statement takes its own snapshot anyway (a stricter level's snapshot or
        serializable checks begin with the transaction)."""
        self._observers = _OBSERVERS.setdefault(connection.sync_engine, [])

    def takes(self, plan: Plan) -> bool:
        """Whether ``plan`` may run here now: inside SQLAlchemy's transaction once it is open;
        before that, a plain SELECT only (it runs on its own, as it would have inside a READ
        COMMITTED transaction) — a write or a locking read goes through SQLAlchemy, which
        begins the transaction first. A unit of work that only reads never sends BEGIN, and
        its end sends neither COMMIT nor ROLLBACK (SQLAlchemy's adapter has none to end)."""
        if self.driver.is_in_transaction():
            return True
        return plan.reads_only and self.early_reads

    async def fetch(self, plan: Plan, params: Mapping[str, Any]) -> list[Any]:
        values = plan.values(params)
        raw = await self._run(plan.sql, self.driver.fetch(plan.sql, *values))
        return plan.rows(raw)

    async def execute(self, plan: Plan, params: Mapping[str, Any]) -> int:
        """Run an UPDATE or DELETE (or an INSERT without RETURNING); the rows it changed."""
        values = plan.values(params)
        status: str = await self._run(plan.sql, self.driver.execute(plan.sql, *values))
        count = status.rpartition(" ")[2]  # "UPDATE 3", "INSERT 0 1"
        return whole(count, BIGINT_MAX, ascii_only=True) or 0

    async def execute_many(self, plan: Plan, rows: Sequence[Mapping[str, Any]]) -> None:
        """One statement for many rows, sent together (asyncpg pipelines them)."""
        values = [plan.values(r) for r in rows]
        await self._run(plan.sql, self.driver.executemany(plan.sql, values))

    async def _run(self, sql: str, call: Awaitable[Any]) -> Any:
        """``call``'s answer; a failure raised as SQLAlchemy's error. A connection that is
        gone (the server restarted, the socket was cut) is invalidated, as SQLAlchemy does
        when its own statement finds it so: the pool replaces that one connection."""
        for observer in self._observers:
            observer(sql)
        try:
            return await call
        except _FAILURES as exc:
            lost = self.driver.is_closed()
            if lost:
                await self.connection.invalidate(exc)
            raise _wrapped(sql, exc, lost) from exc


async def connection_of(connection: AsyncConnection) -> PgConnection | None:
    """The asyncpg connection under ``connection`` for plans, or None (not asyncpg)."""
    if connection.dialect.driver != "asyncpg":
        return None
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    if not isinstance(driver, asyncpg.Connection):
        return None
    return PgConnection(driver, connection)


_FAILURES = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError)
_TRANSLATED: tuple[tuple[type[BaseException], type[sa_exc.DBAPIError]], ...] = (
    (asyncpg.IntegrityConstraintViolationError, sa_exc.IntegrityError),
    (asyncpg.SyntaxOrAccessError, sa_exc.ProgrammingError),
    (asyncpg.TransactionRollbackError, sa_exc.OperationalError),  # serialization, deadlock
    (asyncpg.PostgresConnectionError, sa_exc.OperationalError),
    (asyncpg.exceptions.DataError, sa_exc.DataError),
    (asyncpg.InterfaceError, sa_exc.InterfaceError),
    (asyncpg.InternalClientError, sa_exc.InternalError),  # a schema changed under a statement
    (OSError, sa_exc.OperationalError),
)


class DriverError(Exception):
    """asyncpg's error under SQLAlchemy's (its ``orig``), as SQLAlchemy's own adapter gives
    it: the server's message without its DETAIL, which quotes the row's values; asyncpg's
    error is its ``__cause__``, its SQLSTATE kept."""

    def __init__(self, error: BaseException) -> None:
        server = isinstance(error, asyncpg.PostgresError) and error.args
        super().__init__(f"{type(error).__name__}: {error.args[0] if server else error}")
        self.sqlstate: str | None = getattr(error, "sqlstate", None)
        self.__cause__ = error


def _wrapped(sql: str, exc: BaseException, lost: bool) -> sa_exc.DBAPIError:
    """asyncpg's error as SQLAlchemy raises it for the same failure, without parameters
    (``lost``: the connection was invalidated)."""
    kind = next((ours for theirs, ours in _TRANSLATED if isinstance(exc, theirs)), None)
    return (kind or sa_exc.DatabaseError)(
        sql, None, DriverError(exc), hide_parameters=True, connection_invalidated=lost
    )
