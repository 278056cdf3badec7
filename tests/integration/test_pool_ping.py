"""PostgreSQL connections are checked on checkout (``store.db``): a pooled connection that
answers is reused, one the server dropped is replaced before a unit of work gets it."""

from sqlalchemy import text

from store.db import create_engine


async def test_a_connection_the_server_dropped_is_replaced_before_it_is_used(postgres_url):
    engine = create_engine(postgres_url)
    admin = create_engine(postgres_url)
    try:
        async with engine.connect() as conn:
            first = await conn.scalar(text("SELECT pg_backend_pid()"))
        async with engine.connect() as conn:  # the check passed: the same connection
            assert await conn.scalar(text("SELECT pg_backend_pid()")) == first
        async with admin.connect() as conn:  # waits (5 s at most) until it has gone
            dropped = await conn.scalar(
                text("SELECT pg_terminate_backend(:p, 5000)"), {"p": first}
            )
        assert dropped
        async with engine.connect() as conn:
            again = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert again is not None and again != first
    finally:
        await engine.dispose()
        await admin.dispose()
