"""Reads are queries answered by views, apart from the commands (issue 16)."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

from conversations.services.bus import Services
from domain import commands, queries
from domain.commands import Command, Query
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
QUERIES = {
    cls
    for cls in vars(queries).values()
    if inspect.isclass(cls) and issubclass(cls, Query) and cls is not Query
}


def _services() -> Services:
    return Services(
        uow=lambda: None,  # type: ignore[arg-type,return-value]
        catalog=CATALOG,
        rules=RULES,
        clock=lambda: datetime(2026, 11, 23, 1, tzinfo=UTC),
        public_url="https://daojia.example",
        sender=None,  # type: ignore[arg-type]
    )


def test_a_query_is_not_a_command_and_no_query_is_exported_as_one():
    assert QUERIES and not any(issubclass(q, Command) for q in QUERIES)
    exported = {getattr(commands, name) for name in commands.__all__}
    assert not QUERIES & exported


def test_every_query_has_a_view_and_the_command_table_holds_no_query():
    services = _services()
    assert set(services._views) == QUERIES
    assert not any(issubclass(t, Query) for t in services._handlers)
