"""A database of a test's own on SQLite and on PostgreSQL, for tests that dispatch (another
test's online workers must not get the offer) or count rows: ``own_db_url`` is a copy of a
migrated template (PostgreSQL copies a database faster than it migrates one; the template,
``pg_template`` in tests/conftest.py, is migrated once per test session)."""

from __future__ import annotations

import pytest

from tests.conftest import copy_of_pg_template


@pytest.fixture(params=["sqlite", "postgres"])
def own_db_url(request):
    if request.param == "sqlite":
        yield request.getfixturevalue("fresh_sqlite_url")
        return
    yield from copy_of_pg_template(request.getfixturevalue("pg_template"), "daojia_own")


@pytest.fixture
def own_postgres_url(pg_template):
    """A PostgreSQL database of this test alone: no other test's workers are offered its
    orders (a copy of the migrated template)."""
    yield from copy_of_pg_template(pg_template, "daojia_own")
