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
