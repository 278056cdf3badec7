"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and
the last ones upgrade (and go down and up over) a database that already holds rows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import store.tables  # noqa: F401  (registers the tables)
from store import migrate
from store.db import create_engine


async def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), SQLModel.metadata)
            )
    finally:
        await engine.dispose()


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_migrated_schema_matches_the_models(db, request):
    url = request.getfixturevalue("sqlite_url" if db == "sqlite" else "postgres_url")
    assert asyncio.run(_diff(url)) == []


async def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            return [tuple(r) for r in (await conn.execute(text(sql))).all()]
    finally:
        await engine.dispose()


def test_the_after_sales_migration_keeps_existing_customers(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/old.db"
    migrate.upgrade(url, "0003")
    asyncio.run(
        _rows(
            url,
            "INSERT INTO customers (created_at, name, phone_enc, phone_hash, lang, points,"
            " referral_code) VALUES ('2026-01-01 00:00:00', 'A', x'00', '', 'zh', 0, 'R1')"
            " RETURNING id",
        )
    )
    migrate.upgrade(url)
    assert asyncio.run(_rows(url, "SELECT name, rating_x100 FROM customers")) == [("A", 500)]


def test_the_points_migration_keeps_the_points_customers_held_as_a_lot_owed_in_the_ledger(
    tmp_path,
):
    url = f"sqlite+aiosqlite:///{tmp_path}/points.db"
    migrate.upgrade(url, "0007")
    asyncio.run(
        _rows(
            url,
            "INSERT INTO customers (created_at, name, phone_enc, phone_hash, lang, points,"
            " referral_code, rating_x100) VALUES ('2026-01-01 00:00:00', 'A', x'00', '', 'zh',"
            " 120, 'R1', 500), ('2026-01-01 00:00:00', 'B', x'00', '', 'zh', 0, 'R2', 500)"
            " RETURNING id",
        )
    )
    migrate.upgrade(url)
    assert asyncio.run(_rows(url, "SELECT name, points, member_level FROM customers")) == [
        ("A", 120, "regular"),
        ("B", 0, "regular"),
    ]
    assert asyncio.run(
        _rows(url, "SELECT kind, points, balance, points_left, expires_at FROM points_movements")
    ) == [("granted", 120, 120, 120, None)]
    assert sorted(asyncio.run(_rows(url, "SELECT account, amount_cents FROM ledger_entries"))) == [
        ("points_expense", 120),
        ("points_liability", -120),
    ]


def test_the_prepaid_cards_migration_goes_down_and_up_and_a_payment_has_one_owner(tmp_path):
    from alembic import command

    url = f"sqlite+aiosqlite:///{tmp_path}/cards.db"
    migrate.upgrade(url)
    command.downgrade(migrate.alembic_config(url), "0009")
    assert (
        asyncio.run(_rows(url, "SELECT name FROM sqlite_master WHERE name = 'card_visits'")) == []
    )
    migrate.upgrade(url)
    insert = (
        "INSERT INTO payments (provider, kind, amount_cents, status, reference, note,"
        " created_at) VALUES ('sandbox', 'full', 100, 'pending', 'R1', '',"
        " '2026-01-01 00:00:00')"
    )
    with pytest.raises(Exception, match="CHECK constraint failed"):  # neither order nor card
        asyncio.run(_rows(url, insert + " RETURNING id"))


def test_the_reviews_migration_counts_each_workers_ratings_by_customers(tmp_path):
    """A worker rated before ``workers.reviews`` existed keeps their reviews; one nobody rated
    (or only rated by their own side, a worker's rating of a customer) has none."""
    import sqlite3

    path = tmp_path / "reviews.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}", "0033")
    worker = (
        "INSERT INTO workers (id, created_at, name, phone_enc, phone_hash, status, online, level,"
        " rating_x100, daily_cap, lang, skills, center_enc, radius_m, districts) VALUES"
        " (?, '2026-01-01 00:00:00', ?, x'00', '', 'approved', 1, 'B', ?, 4, 'zh', '[]', x'00',"
        " 0, '[]')"
    )
    rating = (
        "INSERT INTO ratings (order_id, rater, worker_id, customer_id, response, skill,"
        " attitude, care, overall_x100, tags, text, created_at) VALUES"
        " (?, ?, ?, 1, 5, 5, 4, 4, 450, '[]', '', '2026-01-02 00:00:00')"
    )
    with sqlite3.connect(path) as db:  # no order or customer rows: foreign keys are off here
        db.executemany(worker, [(1, "rated", 460), (2, "new", 500), (3, "rater", 500)])
        db.executemany(
            rating,
            [(1, "customer", 1), (2, "customer", 1), (2, "worker", 1), (3, "worker", 3)],
        )
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    rows = asyncio.run(_rows(f"sqlite+aiosqlite:///{path}", "SELECT name, reviews FROM workers"))
    assert sorted(rows) == [("new", 0), ("rated", 2), ("rater", 0)]


async def _worker_with_a_subscriber(url: str) -> None:
    """A worker with the identity they write from, a customer's subscription whose visit
    failed, and an order of that customer's served by that worker with its timeline: rows
    that refer to the workers, customers and orders the migrations from 0023 on add a column
    to, and the columns those add holding values."""
    from sqlmodel.ext.asyncio.session import AsyncSession

    from store.tables import (
        CustomerRow,
        IdentityRow,
        OrderEventRow,
        OrderRow,
        SubscriptionRow,
        WorkerRow,
    )

    at = datetime(2026, 12, 1, tzinfo=UTC)
    engine = create_engine(url)
    try:
        async with AsyncSession(engine) as s:
            worker = WorkerRow(
                created_at=at,
                name="W",
                phone_enc=b"\0",
                center_enc=b"\0",
                left_at=at,
                deposit_released_at=at,
            )
            customer = CustomerRow(
                created_at=at,
                name="C",
                phone_enc=b"\0",
                referral_code="R1",
                member_level_until=at,
            )
            s.add_all([worker, customer])
            await s.flush()
            assert customer.id is not None
            s.add(IdentityRow(channel="telegram", channel_user_id="1", worker_id=worker.id))
            s.add(
                SubscriptionRow(
                    customer_id=customer.id,
                    channel="telegram",
                    lang="zh",
                    weekday=5,
                    at_time="09:00",
                    notes_enc=b"\0",
                    active=True,
                    next_start_at=at,
                    created_at=at,
                    visit_failed_at=at,
                    first_order_id=7,
                )
            )
            order = OrderRow(
                number=24011701,
                customer_id=customer.id,
                worker_id=worker.id,
                item_id="cleaning",
                status="settled",
                start_at=at,
                notes_enc=b"\0",
                channel="telegram",
                created_at=at,
                updated_at=at,
                checkin_enc=b"\0",
                renewal_of=7,
            )
            s.add(order)
            await s.flush()
            assert order.id is not None
            s.add(
                OrderEventRow(
                    order_id=order.id,
                    to_status="settled",
                    action="settle",
                    actor_kind="system",
                    at=at,
                )
            )
            await s.commit()
    finally:
        await engine.dispose()


def test_the_reviews_visit_failed_and_first_order_migrations_go_down_and_up_over_rows(
    own_db_url,
):
    """0036, 0035 and 0034 go down and up again on a database that holds a worker someone
    refers to (on SQLite a table copied and dropped in a batch failed on such rows) and a
    subscription, and keep them."""
    from alembic import command

    asyncio.run(_worker_with_a_subscriber(own_db_url))
    command.downgrade(migrate.alembic_config(own_db_url), "0033")
    assert asyncio.run(_rows(own_db_url, "SELECT name FROM workers")) == [("W",)]
    migrate.upgrade(own_db_url)
    assert asyncio.run(_rows(own_db_url, "SELECT name, reviews FROM workers")) == [("W", 0)]
    assert asyncio.run(
        _rows(own_db_url, "SELECT w.name FROM identities i JOIN workers w ON w.id = i.worker_id")
    ) == [("W",)]
    assert asyncio.run(
        _rows(own_db_url, "SELECT weekday, visit_failed_at, first_order_id FROM subscriptions")
    ) == [(5, None, None)]


def test_the_migrations_from_0023_go_down_and_up_over_rows_that_refer_to_their_tables(
    own_db_url,
):
    """Down to 0022 and up again over a worker, a customer and an order that other rows refer
    to: 0023 (workers), 0031 (orders) and 0032 (customers) drop their columns in place, as 0034
    does — on SQLite a batch that copied the table and dropped the old one failed on the
    identities, orders and events that refer to it — and every row is kept."""
    from alembic import command

    asyncio.run(_worker_with_a_subscriber(own_db_url))
    command.downgrade(migrate.alembic_config(own_db_url), "0022")
    assert asyncio.run(_rows(own_db_url, "SELECT name FROM workers")) == [("W",)]
    assert asyncio.run(_rows(own_db_url, "SELECT name FROM customers")) == [("C",)]
    assert asyncio.run(_rows(own_db_url, "SELECT number, status FROM orders")) == [
        (24011701, "settled")
    ]
    migrate.upgrade(own_db_url)
    assert asyncio.run(
        _rows(own_db_url, "SELECT name, left_at, deposit_released_at, reviews FROM workers")
    ) == [("W", None, None, 0)]
    assert asyncio.run(_rows(own_db_url, "SELECT name, member_level_until FROM customers")) == [
        ("C", None)
    ]
    assert asyncio.run(
        _rows(
            own_db_url,
            "SELECT o.number, o.renewal_of, c.name, w.name, e.action FROM orders o"
            " JOIN customers c ON c.id = o.customer_id JOIN workers w ON w.id = o.worker_id"
            " JOIN order_events e ON e.order_id = o.id",
        )
    ) == [(24011701, None, "C", "W", "settle")]
    assert asyncio.run(
        _rows(own_db_url, "SELECT w.name FROM identities i JOIN workers w ON w.id = i.worker_id")
    ) == [("W",)]
    assert asyncio.run(_diff(own_db_url)) == []  # the schema the models describe, again
