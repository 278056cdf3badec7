"""Several SELECTs answered by one statement: their rows stacked with ``UNION ALL``.

A checkout reads the customer (one row) and the coupons and prepaid cards they hold (rows of
their own): three round trips as three statements, one as a stack. Each row of the stack
names its part (the first column, ``part``) and carries that part's columns, NULL in the
other parts' columns. Those NULLs are cast to the column's type: PostgreSQL types a column
of a union by its branches, and a column NULL in every branch but the last would otherwise
be text in the first two and fail against the last. The stack is a plain SELECT over the
union, so it runs as a plan (``store.plans``) like any other read, values processed by
their own columns' types on the way out. ``Stack.split`` gives each part's rows back under
their own column names, in the order the database returned them (a union has no order of
its parts: callers sort).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, cast, literal_column, null, select, union_all
from sqlalchemy.types import String


@dataclass(frozen=True)
class Stack:
    statement: Select[Any]
    parts: Mapping[str, tuple[slice, Callable[[Sequence[Any]], Any]]]
    """Each part's columns in a stacked row (a slice of it), and its row type."""

    def split(self, rows: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
        """Each part's rows, read by its own column names."""
        out: dict[str, list[Any]] = {name: [] for name in self.parts}
        for row in rows:
            where, make = self.parts[row[0]]
            out[row[0]].append(make(row[where]))
        return out


def stack(parts: Mapping[str, Select[Any]]) -> Stack:
    """One statement for ``parts`` (name — an identifier —: a SELECT without LIMIT; its
    ORDER BY is dropped). Build it once, like any statement run as a plan."""
    columns = {name: list(part.selected_columns) for name, part in parts.items()}
    branches = []
    for name, part in parts.items():
        if not name.isidentifier():
            raise ValueError(f"a part's name must be an identifier: {name!r}")
        cells: list[Any] = [literal_column(f"'{name}'", String).label("part")]
        for other, cols in columns.items():
            for i, column in enumerate(cols):
                cell = column if other == name else cast(null(), column.type)
                cells.append(cell.label(f"{other}_{i}"))
        branches.append(part.with_only_columns(*cells, maintain_column_froms=True).order_by(None))
    union = union_all(*branches).subquery("stacked")
    layout: dict[str, tuple[slice, Callable[[Sequence[Any]], Any]]] = {}
    start = 1
    for name, cols in columns.items():
        keys = [str(c.key) for c in cols]
        make = namedtuple(f"{name.title()}Row", keys)._make  # type: ignore[attr-defined]
        layout[name] = (slice(start, start + len(cols)), make)
        start += len(cols)
    return Stack(select(*union.c), layout)
