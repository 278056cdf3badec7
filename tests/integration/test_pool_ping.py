"""PostgreSQL connections are checked on checkout (``store.db``): a pooled connection that
answers is reused, one the server dropped is replaced before a unit of work gets it — unless
it was given back within ``ping_idle_s`` (it answered a moment ago): then its first statement
fails, and the next checkout gets a new connection."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store.db import create_engine


async def _pid(engine) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(text("SELECT pg_backend_pid()"))


async def _drop(postgres_url: str, pid: int) -> None:
    admin = create_engine(postgres_url)
    try:
        async with admin.connect() as conn:  # waits (5 s at most) until it has gone
            dropped = await conn.scalar(text("SELECT pg_terminate_backend(:p, 5000)"), {"p": pid})
        assert dropped
    finally:
        await admin.dispose()


async def test_a_connection_the_server_dropped_is_replaced_before_it_is_used(postgres_url):
    engine = create_engine(postgres_url, ping_idle_s=0.0)  # every checkout pings
    try:
        first = await _pid(engine)
        assert await _pid(engine) == first  # the check passed: the same connection
        await _drop(postgres_url, first)
        again = await _pid(engine)
        assert again is not None and again != first
    finally:
        await engine.dispose()


async def test_a_connection_given_back_within_the_window_is_not_pinged(postgres_url):
    engine = create_engine(postgres_url, ping_idle_s=3600.0)
    try:
        first = await _pid(engine)
        await _drop(postgres_url, first)
        with pytest.raises(DBAPIError) as failed:  # handed out unchecked: it fails once
            await _pid(engine)
        assert failed.value.connection_invalidated
        again = await _pid(engine)  # a new one: the dead one was dropped from the pool
        assert again is not None and again != first
    finally:
        await engine.dispose()


async def test_the_pool_keeps_every_connection_it_opens_and_opens_no_more(postgres_url):
    """A burst of PG_POOL_SIZE units of work at once, twice: the second burst reuses the
    first's connections (none closed on the way back, none opened), and none of them is an
    "overflow" connection, which the pool would close when given back."""
    from sqlalchemy import event

    from store.db import PG_POOL_SIZE

    engine = create_engine(postgres_url)
    opened: list[object] = []
    event.listen(engine.sync_engine, "connect", lambda *_: opened.append(1))
    try:
        overflow = []
        for _ in range(2):
            held = [await engine.connect() for _ in range(PG_POOL_SIZE)]
            overflow.append(engine.pool.overflow())  # type: ignore[attr-defined]
            for conn in held:
                await conn.close()
        assert max(overflow) <= 0
        assert len(opened) == PG_POOL_SIZE
    finally:
        await engine.dispose()
