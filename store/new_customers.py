"""A new customer's rows — the customer, their chat account and their welcome coupon — written
in one statement on PostgreSQL, without reading first.

A sign-up used to read the chat account (is it someone's already?), then insert the three
rows: four statements, each with its client cost (``store.new_orders``). Here the customer's
INSERT … SELECT is guarded by ``NOT EXISTS`` for the chat account and for the referral code,
and on PostgreSQL the account's and the coupon's INSERT … SELECT read the new customer's id
from it in a data-modifying ``WITH``: when either guard fails nothing at all is written, and
the caller finds out why. SQLite, where a statement costs far less (``store.sqlite.direct``)
and a ``WITH`` cannot hold an INSERT, runs the three (the guarded one first).

The new account is noted as written on (``last_inbound_at``) in its INSERT, and the session
remembers that (``noted``): the turn's note of the same message would change nothing. Who is
behind an account — customer, worker, their languages — is one statement too (``ACCOUNT``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, Select, Table, bindparam, insert, select, true
from sqlalchemy.schema import ColumnDefault
from sqlmodel.ext.asyncio.session import AsyncSession

from store.new_orders import all_defaults_named
from store.prepared import fetch, insert_one
from store.tables.core import COUPONS, CUSTOMERS, IDENTITIES, WORKERS

CUSTOMER_DEFAULTS = {
    column.name: column.default.arg
    for column in CUSTOMERS.columns
    if isinstance(column.default, ColumnDefault) and column.default.is_scalar
}
"""The customers columns' defaults, which SQLAlchemy fills in for an INSERT … VALUES only."""

_NOTED = "daojia.noted"
"""``session.info`` key: {(channel, user id): last_inbound_at} of the chat accounts this
session inserted (``noted``)."""


@lru_cache(maxsize=4)
def insert_customer(names: tuple[str, ...], account_free: bool = False) -> Insert:
    """``INSERT INTO customers (names) SELECT … WHERE NOT EXISTS (a customer with the
    referral code) [AND NOT EXISTS (the chat account :a_channel, :a_channel_user_id)]
    RETURNING id``."""
    row = select(*(bindparam(f"v_{name}", type_=CUSTOMERS.c[name].type) for name in names))
    row = row.where(
        ~select(CUSTOMERS.c.id)
        .where(CUSTOMERS.c.referral_code == bindparam("v_referral_code"))
        .exists()
    )
    if account_free:
        row = row.where(
            ~select(IDENTITIES.c.id)
            .where(
                IDENTITIES.c.channel == bindparam("a_channel"),
                IDENTITIES.c.channel_user_id == bindparam("a_channel_user_id"),
            )
            .exists()
        )
    return insert(CUSTOMERS).from_select(list(names), row).returning(CUSTOMERS.c.id)


async def insert_new_customer(
    session: AsyncSession,
    customer: Mapping[str, Any],
    account: Mapping[str, Any],
    coupon: Mapping[str, Any],
) -> tuple[int, int] | None:
    """Insert the customer (``customer``: its columns, defaults filled in here), their chat
    account and their coupon (their columns but ``customer_id``, every one named); return
    the customer's and the coupon's ids. None, writing nothing, when the chat account is
    recorded already or another customer holds the referral code."""
    values = {**CUSTOMER_DEFAULTS, **customer}  # an INSERT … SELECT fills in no default
    params = {f"v_{name}": value for name, value in values.items()}
    params.update({f"a_{name}": value for name, value in account.items()})
    bind = session.sync_session.bind  # Database binds every session to its engine
    assert bind is not None
    if bind.dialect.name != "postgresql":
        added = await fetch(session, insert_customer(tuple(values), True), params)
        if not added:
            return None
        customer_id = int(added[0][0])
        await insert_one(session, IDENTITIES, {**account, "customer_id": customer_id})
        coupon_id = await insert_one(session, COUPONS, {**coupon, "customer_id": customer_id})
        ids = customer_id, coupon_id
    else:
        params.update({f"c_{name}": value for name, value in coupon.items()})
        statement = _statement(tuple(values), tuple(account), tuple(coupon))
        inserted = await fetch(session, statement, params)
        if not inserted:
            return None
        ids = int(inserted[0][0]), int(inserted[0][1])
    if account.get("last_inbound_at") is not None and account.get("unreachable_at") is None:
        key = (account["channel"], account["channel_user_id"])
        session.info.setdefault(_NOTED, {})[key] = account["last_inbound_at"]
    return ids


@lru_cache(maxsize=4)
def _statement(
    names: tuple[str, ...], account_names: tuple[str, ...], coupon_names: tuple[str, ...]
) -> Select[Any]:
    """``WITH new_customer AS (INSERT INTO customers … WHERE NOT EXISTS … RETURNING id),
    new_identities AS (INSERT INTO identities … SELECT new_customer.id, …), new_coupons AS
    (INSERT INTO coupons … SELECT new_customer.id, … RETURNING id) SELECT new_customer.id,
    new_coupons.id``."""
    all_defaults_named(IDENTITIES, ("customer_id", *account_names))
    all_defaults_named(COUPONS, ("customer_id", *coupon_names))
    new = insert_customer(names, True).cte("new_customer")
    account = _child(IDENTITIES, "a", account_names, new.c.id).cte("new_identities")
    coupon = _child(COUPONS, "c", coupon_names, new.c.id)
    coupon_cte = coupon.returning(COUPONS.c.id).cte("new_coupons")
    statement = select(new.c.id, coupon_cte.c.id).select_from(new.join(coupon_cte, true()))
    return statement.add_cte(account)


def _child(table: Table, prefix: str, names: tuple[str, ...], customer_id: Any) -> Insert:
    """``INSERT INTO table (customer_id, names) SELECT new_customer.id, :prefix_name …``."""
    row = select(
        customer_id, *(bindparam(f"{prefix}_{name}", type_=table.c[name].type) for name in names)
    )
    return insert(table).from_select(["customer_id", *names], row)


def noted(
    session: AsyncSession, channel: str, user_id: str, at: datetime, every: timedelta
) -> bool:
    """Whether this session inserted the chat account noted as written on within ``every``
    before ``at`` (and not taken for unreachable): noting it at ``at`` would change nothing
    (``MarketingRepository.note_inbound``'s UPDATE matches no row). Remembered for the
    session only; were the INSERT rolled back, the UPDATE would find no row either."""
    inserted: datetime | None = session.info.get(_NOTED, {}).get((channel, user_id))
    return inserted is not None and not inserted < at - every


def forget_noted(session: AsyncSession, channel: str, user_id: str) -> None:
    """The chat account's times were changed past the INSERT: ``noted`` no longer knows."""
    session.info.get(_NOTED, {}).pop((channel, user_id), None)


ACCOUNT = (
    select(CUSTOMERS.c.id, CUSTOMERS.c.lang, WORKERS.c.id, WORKERS.c.lang)
    .select_from(
        IDENTITIES.outerjoin(CUSTOMERS, CUSTOMERS.c.id == IDENTITIES.c.customer_id).outerjoin(
            WORKERS, WORKERS.c.id == IDENTITIES.c.worker_id
        )
    )
    .where(
        IDENTITIES.c.channel == bindparam("channel"),
        IDENTITIES.c.channel_user_id == bindparam("user"),
    )
)
"""A chat account's customer and worker with their languages (``IdentityRepository.account``)."""
