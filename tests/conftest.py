"""Shared fixtures: real PostgreSQL and Redis on loopback, migrated databases, settings.

Without the servers the tests that need them are skipped locally and fail under ``CI=true``.
Under pytest-xdist (``pytest -n auto``) each worker is a test session of its own: its own
PostgreSQL databases (uuid-named), Redis database (``REDIS_URL``) and temporary directory.
"""

from __future__ import annotations

import asyncio
import os
import shutil
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
IN_CI = os.environ.get("CI", "").lower() == "true"
BENCH_REDIS_DBS = frozenset({12, 13, 14})
"""The Redis databases bench/*.py use by default (bench/one_step.py flushes its own)."""


def redis_url_of_this_process(base: str, worker: str) -> str:
    """``base`` for a serial run and pytest-xdist's first worker (``gw0``); each other worker
    a database of its own below it, skipping the benches' (a test that deletes keys by pattern
    must not reach another worker's keys)."""
    if not worker.startswith("gw") or worker == "gw0":
        return base
    url = make_url(base)
    below = [db for db in range(int(url.database or 0) - 1, -1, -1) if db not in BENCH_REDIS_DBS]
    n = int(worker[2:])
    if n > len(below):
        raise pytest.UsageError(f"no Redis database left for xdist worker {worker}: fewer -n")
    return url.set(database=str(below[n - 1])).render_as_string(hide_password=False)


REDIS_URL = redis_url_of_this_process(
    os.environ.get("DAOJIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
    os.environ.get("PYTEST_XDIST_WORKER", ""),
)


def unavailable(what: str, why: object) -> None:
    message = f"{what} is not reachable ({why})"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


async def _create_database(admin_url: str, name: str, template: str = "") -> None:
    engine = create_engine(admin_url)
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
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
    """The tests run on the event loop daojia serves on (``webhooks.server.run_server``)."""
    return {"uvloop": uvloop.new_event_loop}


def pg_url_of(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template():
    """A migrated PostgreSQL database of this test session (of this xdist worker) that the
    others copy (copying beats migrating); no test connects to it."""
    name = f"daojia_template_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_create_database(PG_URL, name))
    except Exception as exc:  # connection refused, auth, …
        unavailable("PostgreSQL at " + PG_URL, exc)
    migrate.upgrade(pg_url_of(name))
    yield name
    asyncio.run(_drop_database(PG_URL, name))


def copy_of_pg_template(template: str, prefix: str):
    """A new database copied from ``template``, dropped when the generator goes on."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_create_database(PG_URL, name, template))
    yield pg_url_of(name)
    asyncio.run(_drop_database(PG_URL, name))


@pytest.fixture(scope="session")
def postgres_url(pg_template):
    """A fresh, migrated PostgreSQL database for this test session (dropped afterwards)."""
    yield from copy_of_pg_template(pg_template, "daojia_test")


@pytest.fixture(scope="session")
def sqlite_url(sqlite_template, tmp_path_factory):
    """A migrated SQLite database for this test session (a copy of the template)."""
    path = tmp_path_factory.mktemp("db") / "daojia.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An empty, migrated SQLite file to copy (migrating costs more than copying)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def fresh_sqlite_url(sqlite_template, tmp_path):
    """A database of this test's own, for tests that must not see other tests' rows."""
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
