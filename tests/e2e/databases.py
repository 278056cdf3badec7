"""A database of a test's own on SQLite and on PostgreSQL, for tests that dispatch (another
test's online workers must not get the offer) or count rows: ``own_db_url`` is a copy of a
migrated template (PostgreSQL copies a database faster than it migrates one)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from store import migrate
from store.db import create_engine
from tests.conftest import PG_URL, unavailable


async def _run(admin_url: str, statement: str) -> None:
    engine = create_engine(admin_url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def pg_template():
    """A migrated PostgreSQL database that each test copies (copying beats migrating)."""
    name = f"daojia_limits_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_run(PG_URL, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        unavailable("PostgreSQL at " + PG_URL, exc)
    migrate.upgrade(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    yield name
    asyncio.run(_run(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
def own_db_url(request):
    if request.param == "sqlite":
        yield request.getfixturevalue("fresh_sqlite_url")
        return
    yield from _own_postgres(request.getfixturevalue("pg_template"))


@pytest.fixture
def own_postgres_url(pg_template):
    """A PostgreSQL database of this test alone: no other test's workers are offered its
    orders (a copy of the migrated template)."""
    yield from _own_postgres(pg_template)


def _own_postgres(template: str):
    name = f"{template}_{uuid.uuid4().hex[:6]}"
    asyncio.run(_run(PG_URL, f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_run(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
