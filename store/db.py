"""The async engine: SQLite (WAL) by default, PostgreSQL through asyncpg."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from store.sqlite_inline import inline_creator

SQLITE_BUSY_TIMEOUT_S = 30
POOL_TIMEOUT_S = 60


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for ``url``; SQLite connections get WAL and foreign keys."""
    kwargs: dict[str, Any] = {"echo": echo}
    if is_sqlite(url):
        # one connection, called inline (store.sqlite_inline): SQLite has one writer anyway,
        # and a queue in the pool is fairer and cheaper than writers retrying for the lock
        path = make_url(url).database or ":memory:"
        kwargs.update(
            async_creator=inline_creator(path, SQLITE_BUSY_TIMEOUT_S),
            pool_size=1,
            max_overflow=0,
            pool_timeout=POOL_TIMEOUT_S,
        )
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database does not answer."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
