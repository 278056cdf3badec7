"""Apply the Alembic migrations (``daojia db upgrade``; ``demo`` runs it at start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision``. Blocking: call it off the event loop."""
    command.upgrade(alembic_config(url), revision)


async def pending(url: str) -> bool:
    """True when the database at ``url`` is not at the latest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from store.db import create_engine

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            current = await conn.run_sync(
                lambda c: set(MigrationContext.configure(c).get_current_heads())
            )
    finally:
        await engine.dispose()
    return current != heads
