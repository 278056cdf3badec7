"""Shared fixtures: real PostgreSQL and Redis on loopback, migrated databases, settings.

Without the servers the tests that need them are skipped locally and fail under ``CI=true``.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
import redis
import uvloop
from sqlalchemy import text
from sqlalchemy.engine import make_url

import i18n  # noqa: F401 - installs the translations: a test of the domain alone reads English too
from store import migrate
from store.crypto import PiiCipher, new_key
from store.db import create_engine
from store.uow import Database

PG_URL = os.environ.get(
    "DAOJIA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("DAOJIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(what: str, why: object) -> None:
    message = f"{what} is not reachable ({why})"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


async def _create_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


async def _drop_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


def pytest_asyncio_loop_factories(config, item):
    """The tests run on the event loop daojia serves on (``webhooks.cli.run_server``)."""
    return {"uvloop": uvloop.new_event_loop}


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh, migrated PostgreSQL database for this test session (dropped afterwards)."""
    name = f"daojia_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_create_database(PG_URL, name))
    except Exception as exc:  # connection refused, auth, …
        unavailable("PostgreSQL at " + PG_URL, exc)
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    yield url
    asyncio.run(_drop_database(PG_URL, name))


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "daojia.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An empty, migrated SQLite file to copy (migrating costs more than copying)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def fresh_sqlite_url(sqlite_template, tmp_path):
    """A database of this test's own, for tests that must not see other tests' rows."""
    import shutil

    path = tmp_path / "own.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def redis_url():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis at " + REDIS_URL, exc)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request):
    """Run the test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(scope="session")
def pii_key() -> str:
    return new_key()


@pytest.fixture
async def database(db_url, pii_key):
    from store.crypto import decode_key

    db = Database(create_engine(db_url), PiiCipher(decode_key(pii_key)))
    yield db
    await db.dispose()


@pytest.fixture
def artifacts() -> Path:
    path = Path(os.environ.get("DAOJIA_TEST_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
