"""A payment's claim and the journal it posts written in one statement on PostgreSQL.

Crediting a payment moves it from pending exactly once (a conditional UPDATE: a second
notification changes nothing) and, when it did, posts its journal to the ledger (an INSERT).
On PostgreSQL the two go as one — the UPDATE … RETURNING id in a data-modifying ``WITH`` that
the journal's INSERT … SELECT reads FROM, so the entries are written only when the claim
changed the row — and the statement answers how many rows it changed (``store.order_saves``
does the same for an order and its timeline). SQLite runs the two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select, union_all, update
from sqlmodel.ext.asyncio.session import AsyncSession

from store.new_orders import all_defaults_named
from store.prepared import execute, fetch, forget_rows, insert_many
from store.tables.core import LEDGER_ENTRIES, PAYMENTS


async def claim_and_post(
    session: AsyncSession,
    payment_id: int,
    values: Mapping[str, Any],
    only_if: Sequence[str],
    entries: Sequence[Mapping[str, Any]],
) -> int:
    """``UPDATE payments SET values WHERE id = payment_id AND status IN only_if`` and, when it
    changed the row, insert the ledger ``entries`` (each naming the same columns); return the
    rows changed (0 or 1). The session's copies of payments rows are dropped."""
    params = {f"v_{name}": value for name, value in values.items()}
    params.update({f"w_status_{i}": status for i, status in enumerate(only_if)}, w_id=payment_id)
    bind = session.sync_session.bind  # Database binds every session to its engine
    assert bind is not None
    if not entries or bind.dialect.name != "postgresql":
        changed = await execute(session, _claim(tuple(values), len(only_if)), params)
        if changed == 1:
            await insert_many(session, LEDGER_ENTRIES, entries)
    else:
        for i, entry in enumerate(entries):
            params.update({f"e{i}_{name}": value for name, value in entry.items()})
        statement = _statement(tuple(values), len(only_if), tuple(entries[0]), len(entries))
        [(changed,)] = await fetch(session, statement, params)
    forget_rows(session, PAYMENTS)
    return int(changed)


@lru_cache(maxsize=16)
def _claim(names: tuple[str, ...], statuses: int) -> Any:
    """``UPDATE payments SET … WHERE id = :w_id AND status IN (:w_status_0, …)``."""
    return (
        update(PAYMENTS)
        .where(
            PAYMENTS.c.id == bindparam("w_id"),
            PAYMENTS.c.status.in_([bindparam(f"w_status_{i}") for i in range(statuses)]),
        )
        .values({name: bindparam(f"v_{name}") for name in names})
    )


@lru_cache(maxsize=16)
def _statement(
    names: tuple[str, ...], statuses: int, entry_names: tuple[str, ...], entries: int
) -> Select[Any]:
    """``WITH claimed_payment AS (UPDATE payments … RETURNING id), posted_entries AS (INSERT
    INTO ledger_entries … SELECT … FROM claimed_payment UNION ALL …) SELECT count(*) FROM
    claimed_payment``."""
    all_defaults_named(LEDGER_ENTRIES, entry_names)
    claimed = _claim(names, statuses).returning(PAYMENTS.c.id).cte("claimed_payment")
    rows = [
        select(
            *(bindparam(f"e{i}_{name}", type_=LEDGER_ENTRIES.c[name].type) for name in entry_names)
        ).select_from(claimed)
        for i in range(entries)
    ]
    source = rows[0] if entries == 1 else union_all(*rows)
    posted = insert(LEDGER_ENTRIES).from_select(list(entry_names), source).cte("posted_entries")
    return select(func.count()).select_from(claimed).add_cte(posted)
