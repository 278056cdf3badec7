"""Statements compiled once into plans that a driver connection runs without SQLAlchemy's
per-call execution (its execution context, cursor wrapper and result object).

A ``Plan`` keeps what SQLAlchemy would work out on each execution of a compiled statement:
the SQL for the dialect, the order of the positional parameters with their bind processors
and Python-side column defaults, the result processors and a row type. All of it comes from
SQLAlchemy's public API, once per statement: ``ClauseElement.compile(dialect=...)`` and the
compiled statement's ``string``, ``positiontup``, ``binds``, ``insert_prefetch``,
``update_prefetch``, ``post_compile_params`` and ``literal_execute_params``; a bind
parameter's ``value`` and ``callable``; a column default's ``is_scalar``, ``is_callable``
and ``arg``; and ``TypeEngine.dialect_impl(dialect)`` with its ``bind_processor`` and
``result_processor``. So values go in and come out as they would through the session.

Two connections run plans: SQLite's (``store.sqlite.direct``) and asyncpg's
(``store.pg_direct``). A statement a plan cannot hold (an expanding ``IN``, a default worked
out by the database's execution context) has no plan: ``plan`` answers None and the caller
goes through SQLAlchemy.
"""

from __future__ import annotations

import keyword
import re
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import ClauseElement, Executable, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine


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
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]
    """The result columns (by position) that have a result processor, with it: a wide row
    (a stack's, ``store.stacked``) has few."""
    reads_only: bool = False
    """A plain SELECT: it writes nothing and takes no row lock (no ``FOR UPDATE``/``SHARE``),
    so it means the same outside a transaction as inside one at READ COMMITTED."""

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
        make, converted = self.row, self.converted
        if not converted:
            return [make(r) for r in raw]
        out = []
        for r in raw:
            values = list(r)
            for i, process in converted:
                if (value := values[i]) is not None:
                    values[i] = process(value)
            out.append(make(values))
        return out


_PLANS: dict[tuple[int, str, str], Plan | None] = {}
PLANS_MAX = 2048
"""Plans kept at most: callers pass statements built once (module level, or an ``lru_cache``
of shapes), so this is never reached unless a caller builds one per call — then the plans
are dropped and made again rather than kept without end."""


def plan(statement: Executable, dialect: Dialect) -> Plan | None:
    """The statement compiled for ``dialect``, once; None when it needs per-call compiling
    (an expanding ``IN``) or a default this module cannot compute. A plan holds its
    statement, so the statement's id (the key) is not reused while the plan is kept; a
    statement without a plan is kept with it for the same reason."""
    key = (id(statement), dialect.name, dialect.driver)
    try:
        return _PLANS[key]
    except KeyError:
        if len(_PLANS) >= PLANS_MAX:
            _PLANS.clear()
            _KEPT.clear()
        made = _PLANS[key] = _compile(statement, dialect)
        if made is None:
            _KEPT.append(statement)
        return made


_KEPT: list[Executable] = []
"""The statements that have no plan (None in ``_PLANS``), kept alive like the plans' own."""


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
            given = value is not None or not bind.required  # ``.values(col=None)``: NULL
            fallback = (lambda v=value: v) if given else None
            if given:
                literals[name] = value
        slots.append(_Slot(name, fallback, _bind_processor(bind.type, dialect)))
    # a SELECT's columns, or what an INSERT/UPDATE … RETURNING returns
    columns = list(getattr(statement, "exported_columns", ()))
    try:
        results = tuple(_result_processor(c.type, dialect) for c in columns)
    except TypeError:  # a type whose processing needs the driver's column type (Numeric)
        return None
    processed = tuple((i, s.process) for i, s in enumerate(slots) if s.process is not None)
    return Plan(
        statement,
        compiled.string,
        tuple(slots),
        _row_type(columns),
        _picker(slots),
        processed,
        literals,
        tuple(s for s in slots if s.fallback is not None and s.name not in literals),
        tuple((i, p) for i, p in enumerate(results) if p is not None),
        isinstance(statement, Select) and _plain_select(compiled.string),
    )


_LOCKING = re.compile(r"\sFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b")


def _plain_select(sql: str) -> bool:
    """SQL that starts with SELECT (not WITH: a data-modifying CTE writes) and locks no row."""
    return sql.lstrip().upper().startswith("SELECT") and _LOCKING.search(sql) is None


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


def _bind_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """What SQLAlchemy does to a value of ``type_`` before the driver gets it on ``dialect``
    (its dialect-level type: asyncpg's JSON serialises, a ``TypeDecorator`` its own way)."""
    process: Callable[[Any], Any] | None = type_.dialect_impl(dialect).bind_processor(dialect)
    return process


def _result_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """What SQLAlchemy does to a column's value of ``type_`` the driver returned."""
    process: Callable[[Any], Any] | None = type_.dialect_impl(dialect).result_processor(
        dialect, None
    )
    return process
