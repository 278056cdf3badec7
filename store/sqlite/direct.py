"""Statements compiled once and run straight on SQLite's connection (no execution context).

SQLAlchemy's execution of an already compiled statement still builds an execution context,
a cursor wrapper and a result object per call: on the booking path that was a third of the
server's CPU time. A ``Plan`` keeps what those would work out each time (the SQL, the order of
the parameters with their bind processors and defaults, the result processors and a row type),
all taken from SQLAlchemy's own compiler and types, so values go in and come out as they would
through the session. Errors are wrapped as SQLAlchemy wraps them (``IntegrityError``,
``OperationalError``), and the statements run in the transaction of the connection the
session is bound to (``store.sqlite.connection`` holds it).

Only SQLite (``store.sqlite.inline``) runs plans; elsewhere ``connection`` returns None and the
caller goes through the session.
"""

from __future__ import annotations

import keyword
import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import ClauseElement, Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlmodel.ext.asyncio.session import AsyncSession

from store.sqlite.inline import InlineConnection

_HELD = "daojia.direct"  # session.info key: the DirectConnection under the session


@dataclass(frozen=True, slots=True)
class _Slot:
    """One positional parameter: the caller's value named ``name``, else ``fallback()``."""

    name: str
    fallback: Callable[[], Any] | None
    process: Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Plan:
    statement: Executable  # kept so that the id used as the cache key stays taken
    sql: str
    slots: tuple[_Slot, ...]
    results: tuple[Callable[[Any], Any] | None, ...]
    row: Callable[[Sequence[Any]], Any]
    pick: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    """Every slot's value from the caller's parameters, in order (KeyError when one is not
    there): one call into C rather than two lookups per slot."""
    processed: tuple[tuple[int, Callable[[Any], Any]], ...]
    """The slots (by position) that have a bind processor, with it."""
    literals: dict[str, Any] = field(compare=False)
    """The fallbacks that are a value given in the statement (a limit, a constant), by name."""
    computed: tuple[_Slot, ...]
    """The slots whose fallback is worked out per call (a column's default)."""

    def values(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        given = {**self.literals, **params} if self.literals else params
        if self.computed:
            given = dict(given)
            for slot in self.computed:
                if slot.name not in params:
                    assert slot.fallback is not None
                    given[slot.name] = slot.fallback()
        try:
            picked = self.pick(given)
        except KeyError as exc:
            raise KeyError(f"no value for parameter {exc.args[0]!r}") from None
        if not self.processed:
            return picked
        out = list(picked)
        for i, process in self.processed:
            out[i] = process(out[i])
        return tuple(out)

    def rows(self, raw: list[tuple[Any, ...]]) -> list[Any]:
        results, make = self.results, self.row
        if not any(results):
            return [make(r) for r in raw]
        return [
            make([v if p is None or v is None else p(v) for p, v in zip(results, r, strict=True)])
            for r in raw
        ]


_PLANS: dict[tuple[int, str], Plan | None] = {}


def plan(statement: Executable, dialect: Dialect) -> Plan | None:
    """The statement compiled for ``dialect``, once; None when it needs per-call compiling
    (an expanding ``IN``) or a default this module cannot compute."""
    key = (id(statement), dialect.name)
    try:
        return _PLANS[key]
    except KeyError:
        made = _PLANS[key] = _compile(statement, dialect)
        return made


def _compile(statement: Executable, dialect: Dialect) -> Plan | None:
    assert isinstance(statement, ClauseElement)  # what is Executable is a ClauseElement too
    compiled: Any = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None
    prefetch = {c.key: c.default for c in compiled.insert_prefetch}
    prefetch.update({c.key: c.onupdate for c in compiled.update_prefetch})
    slots = []
    literals = {}
    for name in compiled.positiontup or ():
        bind = compiled.binds[name]
        fallback: Callable[[], Any] | None
        if name in prefetch:
            fallback = _default(prefetch[name])
            if fallback is None:
                return None
        elif bind.callable is not None:
            fallback = bind.callable
        else:
            value = bind.value
            fallback = (lambda v=value: v) if value is not None else None
            if value is not None:
                literals[name] = value
        slots.append(_Slot(name, fallback, bind.type._cached_bind_processor(dialect)))
    columns = list(getattr(statement, "selected_columns", ()))
    results = tuple(c.type._cached_result_processor(dialect, None) for c in columns)
    processed = tuple((i, s.process) for i, s in enumerate(slots) if s.process is not None)
    return Plan(
        statement,
        compiled.string,
        tuple(slots),
        results,
        _row_type(columns),
        _picker(slots),
        processed,
        literals,
        tuple(s for s in slots if s.fallback is not None and s.name not in literals),
    )


def _picker(slots: list[_Slot]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """The slots' values from a caller's parameters, as a tuple (``Plan.pick``)."""
    if len(slots) > 1:
        pick: Callable[[Mapping[str, Any]], tuple[Any, ...]] = itemgetter(*(s.name for s in slots))
        return pick
    if slots:
        one = itemgetter(slots[0].name)
        return lambda params: (one(params),)
    return lambda params: ()


def _default(default: Any) -> Callable[[], Any] | None:
    """A column's Python-side default as a function of nothing, if it is one."""
    if default is None:
        return lambda: None
    if getattr(default, "is_scalar", False):
        return lambda: default.arg
    if getattr(default, "is_callable", False):
        return lambda: default.arg(None)  # SQLAlchemy wraps zero-argument callables
    return None


def _row_type(columns: list[Any]) -> Callable[[Sequence[Any]], Any]:
    names = [getattr(c, "key", None) or "" for c in columns]
    usable = all(n.isidentifier() and not keyword.iskeyword(n) and n[0] != "_" for n in names)
    if columns and usable and len(set(names)) == len(names):
        # mypy types a namedtuple only from literal field names; these are known at run time
        return namedtuple("Row", names)._make  # type: ignore[attr-defined, no-any-return]
    return tuple


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
