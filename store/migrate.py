"""The database's fitness to serve: apply the Alembic migrations (``daojia db upgrade``;
``demo`` runs it at start), tell whether it is behind them (``pending``) and whether the PII
key reads what it holds (``key_opens``) — the checks ``serve`` and ``demo`` make at start —
and the keyed hashes a migration could not compute without the key (``hash_card_numbers``)."""

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
log = logging.getLogger(__name__)


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


async def hash_card_numbers(url: str, key: bytes) -> list[tuple[int, int]]:
    """Give the bank-card payout accounts saved before cards were hashed (migration 0030)
    their ``number_hash``, which keeps one card to one worker. A card two workers already
    hold keeps the hash on the account saved first; the other is left without one and
    returned as (worker, worker who holds the card) — logged for finance to sort out (ids
    only: no card number reaches the log). Run by ``serve`` and ``demo`` at start."""
    from sqlalchemy import text

    from store.crypto import PiiCipher
    from store.db import create_engine
    from store.payouts_repo import CARD_FIELD

    cipher, engine = PiiCipher(key), create_engine(url)
    clashes: list[tuple[int, int]] = []
    try:
        async with engine.begin() as conn:
            held = {
                h: w
                for w, h in await conn.execute(
                    text(
                        "SELECT worker_id, number_hash FROM payout_accounts "
                        "WHERE number_hash <> ''"
                    )
                )
            }
            rows = await conn.execute(
                text(
                    "SELECT worker_id, number_enc FROM payout_accounts "
                    "WHERE kind = 'bank' AND number_hash = '' ORDER BY updated_at, worker_id"
                )
            )
            for worker_id, blob in rows.all():
                number_hash = cipher.lookup_hash(
                    CARD_FIELD, cipher.decrypt("payout.number", bytes(blob))
                )
                if number_hash in held:
                    clashes.append((worker_id, held[number_hash]))
                    continue
                held[number_hash] = worker_id
                await conn.execute(
                    text("UPDATE payout_accounts SET number_hash = :h WHERE worker_id = :w"),
                    {"h": number_hash, "w": worker_id},
                )
    finally:
        await engine.dispose()
    for worker_id, holder in clashes:
        log.warning(
            "payout account of worker %s: the same bank card as worker %s's; not indexed, "
            "check both before paying either",
            worker_id,
            holder,
        )
    return clashes
