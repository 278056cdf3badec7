"""An order's changes and its new timeline events written in one statement on PostgreSQL.

Every status change saves the order (a versioned UPDATE) and appends its timeline events (an
INSERT): two statements, each with its client cost (``store.new_orders``). On PostgreSQL they
go as one — the UPDATE … RETURNING id in a data-modifying ``WITH`` that the events' INSERT …
SELECT reads its ``order_id`` from, so no event is written when the version check matched no
row — and the statement answers how many rows the UPDATE changed. SQLite, where a statement
costs far less (``store.sqlite.direct``) and a ``WITH`` cannot hold an UPDATE, runs the two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from store.new_orders import all_defaults_named, insert_children
from store.prepared import fetch, forget_rows, insert_many, update_where
from store.tables.core import ORDER_EVENTS, ORDERS


async def save_order(
    session: AsyncSession,
    values: Mapping[str, Any],
    order_id: int,
    version: int,
    events: Sequence[Mapping[str, Any]],
) -> int:
    """``UPDATE orders SET values WHERE id = order_id AND version = version`` and, when it
    changed the row, insert ``events`` (their columns but ``order_id``, each naming the same
    ones); return the rows changed (0 or 1). The session's copies of orders rows are dropped
    (as ``store.prepared.update_where`` drops them)."""
    bind = session.sync_session.bind  # Database binds every session to its engine
    assert bind is not None
    if not events or bind.dialect.name != "postgresql":
        changed = await update_where(session, ORDERS, values, id=order_id, version=version)
        if changed == 1:
            await insert_many(session, ORDER_EVENTS, [{"order_id": order_id, **e} for e in events])
        return changed
    params = {f"v_{name}": value for name, value in values.items()}
    params.update(w_id=order_id, w_version=version)
    for i, event in enumerate(events):
        params.update({f"e{i}_{name}": value for name, value in event.items()})
    statement = _statement(tuple(values), tuple(events[0]), len(events))
    [(changed,)] = await fetch(session, statement, params)
    forget_rows(session, ORDERS)
    return int(changed)


@lru_cache(maxsize=64)
def _statement(names: tuple[str, ...], event_names: tuple[str, ...], events: int) -> Select[Any]:
    """``WITH changed_order AS (UPDATE orders … RETURNING id), new_order_events AS (INSERT INTO
    order_events … SELECT changed_order.id, … UNION ALL …) SELECT count(*) FROM
    changed_order``."""
    all_defaults_named(ORDER_EVENTS, event_names)
    changed = (
        update(ORDERS)
        .where(ORDERS.c.id == bindparam("w_id"), ORDERS.c.version == bindparam("w_version"))
        .values({name: bindparam(f"v_{name}") for name in names})
        .returning(ORDERS.c.id)
        .cte("changed_order")
    )
    statement = select(func.count()).select_from(changed)
    return statement.add_cte(insert_children(ORDER_EVENTS, "e", event_names, events, changed.c.id))
