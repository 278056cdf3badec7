"""Fixtures for integration tests: a database of a test's own on SQLite and PostgreSQL."""

from tests.e2e.databases import own_db_url  # noqa: F401 (fixtures)
