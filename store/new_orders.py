"""A new order's rows — the order, its quote lines, its first timeline events and its first
payment request — written in one statement on PostgreSQL.

Every statement costs the client SQLAlchemy's execution (an execution context, parameter
processing, a result) and asyncpg's, whatever it writes: that, not the database, is most of
an order confirmation's CPU. On PostgreSQL the INSERTs go as one, the order's INSERT …
RETURNING id in a data-modifying ``WITH`` that the lines', the events' and the payment's
INSERT … SELECT read their ``order_id`` from (one statement, so the foreign keys are checked
with the order row there). The statement is built once per shape (its columns, how many
lines and events, whether a payment) with SQLAlchemy's public constructs (``CTE``,
``Select.add_cte``, ``Insert.from_select``) and reaches the driver's prepared statement
cache like any other. SQLite, where a statement costs
far less (``store.sqlite.direct``) and a ``WITH`` cannot hold an INSERT, runs them one by one.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Executable, Select, Table, bindparam, insert, select, true, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.orders import OrderEvent
from domain.payments import Payment
from store.prepared import fetch, insert_many, insert_one
from store.tables.core import ORDER_EVENTS, ORDERS, PAYMENTS, QUOTE_LINES

_CHILDREN = (("l", QUOTE_LINES), ("e", ORDER_EVENTS))
"""The tables written with a new order, and the prefix of their rows' parameters."""


async def insert_order(
    session: AsyncSession,
    values: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    payment: Payment | None = None,
    *,
    if_free: bool = False,
) -> int | None:
    """Insert the order (``values``: its columns) with its quote lines and timeline events
    (their columns but ``order_id``, every row of a table naming the same ones) and its first
    ``payment`` request, if any (whose ``order_id`` and ``id`` are set); return the order's
    id. ``if_free``: when another order has its number, insert nothing and return None
    (``ON CONFLICT (number) DO NOTHING``) rather than fail."""
    paying = (
        {k: v for k, v in payment_values(payment).items() if k != "order_id"} if payment else {}
    )
    bind = session.sync_session.bind  # Database binds every session to its engine
    assert bind is not None
    dialect = bind.dialect.name
    if dialect != "postgresql":
        if if_free:
            taken = await fetch(session, _if_free(tuple(values)), _values(values))
            if not taken:
                return None
            order_id = int(taken[0][0])
        else:
            order_id = await insert_one(session, ORDERS, values)
        await insert_many(session, QUOTE_LINES, [{"order_id": order_id, **r} for r in lines])
        await insert_many(session, ORDER_EVENTS, [{"order_id": order_id, **r} for r in events])
        if payment is not None:
            payment.id = await insert_one(session, PAYMENTS, {"order_id": order_id, **paying})
            payment.order_id = order_id
        return order_id
    params = _values(values)
    params.update({f"p_{name}": value for name, value in paying.items()})
    shape: list[tuple[str, ...]] = []
    for (prefix, _table), rows in zip(_CHILDREN, (lines, events), strict=True):
        names = tuple(rows[0]) if rows else ()
        shape.append(names)
        for i, row in enumerate(rows):
            params.update({f"{prefix}{i}_{name}": value for name, value in row.items()})
    statement = _statement(
        tuple(values), shape[0], len(lines), shape[1], len(events), tuple(paying), if_free
    )
    inserted = await fetch(session, statement, params)
    if not inserted:
        return None
    if payment is not None:
        payment.order_id, payment.id = int(inserted[0][0]), int(inserted[0][1])
    return int(inserted[0][0])


def _values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {f"v_{name}": value for name, value in values.items()}


@lru_cache(maxsize=8)
def _if_free(names: tuple[str, ...]) -> Executable:
    """SQLite: ``INSERT INTO orders … ON CONFLICT (number) DO NOTHING RETURNING id``."""
    statement = sqlite_insert(ORDERS).values({name: bindparam(f"v_{name}") for name in names})
    return statement.on_conflict_do_nothing(index_elements=["number"]).returning(ORDERS.c.id)


@lru_cache(maxsize=64)
def _statement(
    names: tuple[str, ...],
    line_names: tuple[str, ...],
    lines: int,
    event_names: tuple[str, ...],
    events: int,
    payment_names: tuple[str, ...],
    if_free: bool,
) -> Select[Any]:
    """``WITH new_order AS (INSERT INTO orders … RETURNING id), new_quote_lines AS (INSERT
    INTO quote_lines … SELECT new_order.id, … UNION ALL …), new_order_events AS (…)
    [, new_payments AS (INSERT INTO payments … SELECT new_order.id, … RETURNING id)] SELECT
    new_order.id[, new_payments.id]``."""
    for table, named in (
        (ORDERS, names),
        *zip(
            (QUOTE_LINES, ORDER_EVENTS, PAYMENTS),
            (line_names, event_names, payment_names),
            strict=True,
        ),
    ):
        all_defaults_named(table, named)
    new = pg_insert(ORDERS).values({name: bindparam(f"v_{name}") for name in names})
    if if_free:
        new = new.on_conflict_do_nothing(index_elements=["number"])
    order = new.returning(ORDERS.c.id).cte("new_order")
    statement = select(order.c.id)
    if payment_names:  # its id comes back with the order's (a row only when both were added)
        row = select(
            order.c.id,
            *(bindparam(f"p_{name}", type_=PAYMENTS.c[name].type) for name in payment_names),
        )
        paid = insert(PAYMENTS).from_select(["order_id", *payment_names], row)
        payment = paid.returning(PAYMENTS.c.id).cte("new_payments")
        statement = select(order.c.id, payment.c.id).select_from(order.join(payment, true()))
    for (prefix, table), columns, count in zip(
        _CHILDREN, (line_names, event_names), (lines, events), strict=True
    ):
        if count:
            statement = statement.add_cte(
                insert_children(table, prefix, columns, count, order.c.id)
            )
    return statement


def all_defaults_named(table: Table, names: tuple[str, ...]) -> None:
    """Refuse a shape that leaves out a column with a default: SQLAlchemy fills in a column's
    default for a plain INSERT, not for one inside a ``WITH``."""
    left_out = [c.name for c in table.columns if c.default is not None and c.name not in names]
    if left_out and (names or table is ORDERS):
        raise ValueError(f"{table.name}: name {', '.join(left_out)} (defaults are not filled in)")


def insert_children(
    table: Table, prefix: str, columns: tuple[str, ...], count: int, order_id: Any
) -> Any:
    rows = [
        select(
            order_id,
            *(bindparam(f"{prefix}{i}_{name}", type_=table.c[name].type) for name in columns),
        )
        for i in range(count)
    ]
    source = rows[0] if count == 1 else union_all(*rows)
    return insert(table).from_select(["order_id", *columns], source).cte(f"new_{table.name}")


def payment_values(payment: Payment) -> dict[str, Any]:
    """A payment's columns (``PaymentRepository.add``, and a new order's first request)."""
    return {
        "order_id": payment.order_id,
        "card_id": payment.card_id,
        "provider": payment.provider,
        "kind": payment.kind.value,
        "amount_cents": payment.amount_cents,
        "status": payment.status.value,
        "reference": payment.reference,
        "provider_ref": payment.provider_ref,
        "created_at": payment.created_at,
        "completed_at": payment.completed_at,
        "refund_of": payment.refund_of,
        "note": payment.note,
    }


def draw_number(attempt: int) -> int:
    """A random order number: 6 digits for the first ten attempts, then 7."""
    digits = 6 if attempt < 10 else 7
    number: int = 10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1))
    return number


def event_rows(events: Sequence[OrderEvent]) -> list[dict[str, Any]]:
    """Timeline events' columns, but ``order_id``."""
    return [
        {
            "from_status": ev.from_status,
            "to_status": ev.to_status,
            "action": ev.action,
            "actor_kind": ev.actor.kind.value,
            "actor_id": ev.actor.id,
            "at": ev.at,
            "note": ev.note,
        }
        for ev in events
    ]
