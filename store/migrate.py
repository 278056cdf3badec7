"""The database's fitness to serve: apply the Alembic migrations (``daojia db upgrade``;
``demo`` runs it at start), tell whether it is behind them (``pending``) and whether the PII
key reads what it holds (``key_opens``) — the checks ``serve`` and ``demo`` make at start."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class DatabaseProblem(Exception):
    """The database cannot be reached or used as asked; the message says why in one line."""


@contextmanager
def reporting() -> Iterator[None]:
    """Turn a database that is down, refuses us or lacks a table, and a migration revision
    Alembic does not know, into a ``DatabaseProblem`` of one line (a command's answer, not a
    traceback). The line never quotes SQL or its values."""
    try:
        yield
    except CommandError as exc:
        raise DatabaseProblem(f"DAOJIA_DATABASE_URL: {_first_line(exc)}") from None
    except (OSError, SQLAlchemyError) as exc:
        reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        raise DatabaseProblem(
            f"DAOJIA_DATABASE_URL: cannot use the database: {_first_line(reason)}"
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


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
    chatter = logging.getLogger("alembic.runtime.migration")  # "Context impl …": a look, no step
    level = chatter.level
    chatter.setLevel(logging.WARNING)
    try:
        async with engine.connect() as conn:
            current = await conn.run_sync(
                lambda c: set(MigrationContext.configure(c).get_current_heads())
            )
    finally:
        chatter.setLevel(level)
        await engine.dispose()
    return current != heads


_SEALED = (  # (field, table, column): values every running daojia has, the first one found read
    ("customer.phone", "customers", "phone_enc"),
    ("worker.phone", "workers", "phone_enc"),
    ("address.text", "addresses", "text_enc"),
)


async def key_opens(url: str, key: bytes) -> bool:
    """Whether ``key`` (``DAOJIA_PII_KEY``) decrypts the phones and addresses already in the
    database at ``url`` — one value of the first of them that holds any; True for a database
    that holds none yet. Started with another key, daojia could read no phone or address: a
    start-up check says so in one line instead of every turn failing."""
    from sqlalchemy import text

    from store.crypto import PiiCipher
    from store.db import create_engine

    cipher, engine = PiiCipher(key), create_engine(url)
    try:
        async with engine.connect() as conn:
            for field, table, column in _SEALED:
                sql = f"SELECT {column} FROM {table} WHERE length({column}) > 0 LIMIT 1"
                blob = await conn.scalar(text(sql))
                if blob:
                    try:
                        cipher.decrypt(field, bytes(blob))
                    except ValueError:
                        return False
                    return True
    finally:
        await engine.dispose()
    return True
