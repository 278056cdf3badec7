"""Table-level INSERT and UPDATE statements built once per column set and reused.

Building a statement from keyword values coerces every value into an expression and walks
the result for its cache key on each call: for a 40-column order row that was most of the
cost of writing it. These statements take their values as bound parameters instead. They
bypass the ORM session, so callers that may hold the row in the session ``forget`` it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, Table, Update, bindparam, insert, update
from sqlmodel.ext.asyncio.session import AsyncSession


@lru_cache(maxsize=256)
def _insert(table: Table, names: tuple[str, ...]) -> Insert:
    return insert(table).values({name: bindparam(f"v_{name}") for name in names})


@lru_cache(maxsize=256)
def _update(table: Table, names: tuple[str, ...], keys: tuple[str, ...]) -> Update:
    return (
        update(table)
        .where(*(table.c[key] == bindparam(f"w_{key}") for key in keys))
        .values({name: bindparam(f"v_{name}") for name in names})
    )


def _params(values: Mapping[str, Any]) -> dict[str, Any]:
    return {f"v_{name}": value for name, value in values.items()}


async def insert_one(session: AsyncSession, table: Table, values: Mapping[str, Any]) -> int:
    """Insert one row; return its primary key."""
    result = await session.exec(_insert(table, tuple(values)), params=_params(values))  # type: ignore[call-overload]
    return int(result.inserted_primary_key[0])


async def insert_many(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert rows that all name the same columns (ids not returned)."""
    if rows:
        statement = _insert(table, tuple(rows[0]))
        await session.exec(statement, params=[_params(r) for r in rows])  # type: ignore[call-overload]


async def update_where(
    session: AsyncSession, table: Table, values: Mapping[str, Any], **where: Any
) -> int:
    """``UPDATE table SET values WHERE column = value AND ...``; return the rows changed."""
    params = _params(values)
    params.update({f"w_{key}": value for key, value in where.items()})
    result = await session.exec(_update(table, tuple(values), tuple(where)), params=params)  # type: ignore[call-overload]
    return int(result.rowcount)
