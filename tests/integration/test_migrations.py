"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and
the last one upgrades a database that already holds rows."""

from __future__ import annotations

import asyncio

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
