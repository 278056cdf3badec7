"""The benchmarks' own PostgreSQL database: created when missing, emptied, and migrated
unless the server under test migrates it itself."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.engine import make_url


async def fresh_database(url: str, *, migrated: bool = True) -> None:
    """Create the database of ``url`` (or empty it: its public schema dropped), then migrate
    it when ``migrated``. The store is imported here, once the bench has put the checkout it
    runs (``--root``) on the path."""
    from store import migrate
    from store.db import create_engine

    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres").render_as_string(False))
    async with admin.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        query = text("SELECT 1 FROM pg_database WHERE datname = :n")
        if not await conn.scalar(query, {"n": name}):
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    if migrated:
        await asyncio.to_thread(migrate.upgrade, url)
