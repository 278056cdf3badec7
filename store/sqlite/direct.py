"""Plans (``store.plans``) run straight on SQLite's connection (no execution context).

SQLAlchemy's execution of an already compiled statement still builds an execution context,
a cursor wrapper and a result object per call: on the booking path that was a third of the
server's CPU time. Errors are wrapped as SQLAlchemy wraps them (``IntegrityError``,
``OperationalError``), and the statements run in the transaction of the connection the
session is bound to (``store.sqlite.connection`` holds it).

Only SQLite (``store.sqlite.inline``) runs plans here; elsewhere ``connection`` returns None
and the caller goes on (PostgreSQL: ``store.pg_direct``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlmodel.ext.asyncio.session import AsyncSession

from store.plans import Plan, plan
from store.sqlite.inline import InlineConnection

_HELD = "daojia.direct"  # session.info key: the DirectConnection under the session


class DirectConnection:
    """The one SQLite connection of a ``Database``, for plans, and its transaction.

    The statements run in the connection's transaction: ``sqlite3`` begins one before the first
    write, and the unit of work commits or rolls it back (through the session when the session
    has work of its own on the same connection)."""

    def __init__(self, inline: InlineConnection, dialect: Dialect) -> None:
        self._inline = inline
        self.dialect = dialect

    @property
    def in_transaction(self) -> bool:
        return self._inline.in_transaction

    async def savepoint(self, name: str) -> None:
        """``SAVEPOINT name`` inside the transaction (opened first if need be: a SAVEPOINT
        outside one opens a transaction that its RELEASE commits)."""
        if not self.in_transaction:
            await self._run("BEGIN", (), lambda c: c.execute("BEGIN"))
        sql = f"SAVEPOINT {name}"
        await self._run(sql, (), lambda c: c.execute(sql))

    async def release(self, name: str) -> None:
        sql = f"RELEASE SAVEPOINT {name}"
        await self._run(sql, (), lambda c: c.execute(sql))

    async def rollback_to(self, name: str) -> None:
        sql = f"ROLLBACK TO SAVEPOINT {name}"
        await self._run(sql, (), lambda c: c.execute(sql))
        await self.release(name)

    async def commit(self) -> None:
        await self._run("COMMIT", (), lambda c: c.commit())

    async def rollback(self) -> None:
        await self._run("ROLLBACK", (), lambda c: c.rollback())

    async def fetch(self, plan: Plan, params: Mapping[str, Any]) -> list[Any]:
        values = plan.values(params)
        raw = await self._run(plan.sql, values, lambda c: c.execute(plan.sql, values).fetchall())
        return plan.rows(raw)

    async def execute(self, plan: Plan, params: Mapping[str, Any]) -> sqlite3.Cursor:
        """Run an INSERT, UPDATE or DELETE (its ``rowcount`` and ``lastrowid`` on the cursor)."""
        values = plan.values(params)
        cursor: sqlite3.Cursor = await self._run(
            plan.sql, values, lambda c: c.execute(plan.sql, values)
        )
        return cursor

    async def execute_many(self, plan: Plan, rows: Sequence[Mapping[str, Any]]) -> None:
        values = [plan.values(r) for r in rows]
        await self._run(plan.sql, values, lambda c: c.executemany(plan.sql, values))

    async def _run(self, sql: str, values: Any, call: Callable[[sqlite3.Connection], Any]) -> Any:
        try:
            return await self._inline.call(call)
        except sqlite3.Error as exc:
            raise DBAPIError.instance(sql, values, exc, sqlite3.Error) from exc


def hold(session: AsyncSession, connection: DirectConnection) -> None:
    """Let the plans run on ``connection``: the one the session is bound to."""
    session.sync_session.info[_HELD] = connection


def prepare(session: AsyncSession, statement: Executable) -> tuple[DirectConnection, Plan] | None:
    """The session's connection and the statement's plan, or None when the statement must go
    through the session (not SQLite, or a statement a plan cannot hold)."""
    direct = connection(session)
    if direct is None:
        return None
    made = plan(statement, direct.dialect)
    return None if made is None else (direct, made)


def connection(session: AsyncSession) -> DirectConnection | None:
    """The connection for plans of a session of a SQLite ``Database`` (``hold``); None
    elsewhere."""
    held: DirectConnection | None = session.sync_session.info.get(_HELD)
    return held
