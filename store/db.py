"""The async engine: SQLite (WAL) by default, PostgreSQL through asyncpg."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from store.sqlite.inline import inline_creator
from store.sqlite.wal import NO_AUTOCHECKPOINT

SQLITE_BUSY_TIMEOUT_S = 30
POOL_TIMEOUT_S = 60
PG_POOL_SIZE = 20
"""Connections a process keeps to PostgreSQL, and at most opens: all kept, none beyond
(SQLAlchemy's ``max_overflow=0``). With 10 kept and 10 more "overflow" ones, an overflow
connection given back while the 10 idle slots were full was closed, and the next burst opened
it again — 122 new connections in a run of ``bench/webhook.py --users 200 --pg --redis
--rounds 1`` (each a PostgreSQL backend started, its statements prepared again), where 20
kept open are 20 in all (the run's "connections opened")."""
PG_CACHED_SQL_BYTES = 64 * 1024
"""The longest statement asyncpg keeps prepared on a connection (its
``max_cacheable_statement_size``, 15 KiB by default): a longer one is parsed, planned and
described by PostgreSQL again at every call. The checkout's one stacked read
(``store.order_queries.checkout``) is about 22 KB: under the default it was prepared anew at
each quote and order, some 1.7 ms of the process's CPU each time."""
PING_IDLE_S = 0.5
"""A pooled PostgreSQL connection given back less than this long ago is not pinged on
checkout (HikariCP's ``aliveBypassWindowMs``, 500 ms): under load every unit of work would
otherwise pay a round trip for a connection that just answered. One the server dropped within
the window fails its first statement instead, and is dropped (by SQLAlchemy with the rest of
the pool; by ``store.pg_direct`` alone): after a server restart, up to one turn per recently
used connection fails, and the platform's retry gets a new connection."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(
    url: str, *, echo: bool = False, autocheckpoint: bool = True, ping_idle_s: float = PING_IDLE_S
) -> AsyncEngine:
    """An async engine for ``url``; SQLite connections get WAL and foreign keys, and with
    ``autocheckpoint=False`` leave WAL checkpoints to a ``store.sqlite.wal.Checkpointer``.

    Its errors and its echo never show the statement's parameters (``hide_parameters``):
    they hold names, complaint texts and keyed hashes of phones. A PostgreSQL connection is
    pinged on checkout when it has been idle ``ping_idle_s`` or longer (``PING_IDLE_S``)."""
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if is_sqlite(url):
        # one connection, called inline (store.sqlite.inline): SQLite has one writer anyway,
        # and taking turns (store.sqlite.connection) is fairer and cheaper than writers retrying
        path = make_url(url).database or ":memory:"
        kwargs.update(
            async_creator=inline_creator(path, SQLITE_BUSY_TIMEOUT_S),
            pool_size=1,
            max_overflow=0,
            pool_timeout=POOL_TIMEOUT_S,
        )
    else:
        kwargs.update(
            pool_size=PG_POOL_SIZE,
            max_overflow=0,
            connect_args={"max_cacheable_statement_size": PG_CACHED_SQL_BYTES},
        )
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        pragmas = _SQLITE_PRAGMAS if autocheckpoint else (*_SQLITE_PRAGMAS, NO_AUTOCHECKPOINT)
        event.listen(engine.sync_engine, "connect", partial(_sqlite_pragmas, pragmas))
    else:
        event.listen(engine.sync_engine, "connect", _fresh)
        event.listen(engine.sync_engine, "checkin", _returned)
        event.listen(engine.sync_engine, "checkout", partial(_ping, ping_idle_s))
    return engine


_FRESH = "daojia.fresh"  # connection record info: connected, not checked out since
_RETURNED = "daojia.returned"  # connection record info: when it was last checked in


def _fresh(_dbapi_conn: Any, record: Any) -> None:
    record.info[_FRESH] = True


def _returned(_dbapi_conn: Any, record: Any) -> None:
    if record is not None:  # None: the connection was invalidated and is gone
        record.info[_RETURNED] = time.monotonic()


def _ping(idle_s: float, dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """Check a pooled PostgreSQL connection on checkout, as ``pool_pre_ping`` would, in one
    round trip: SQLAlchemy's pre-ping on asyncpg is BEGIN, an empty prepared query and
    ROLLBACK (the transaction keeps PgBouncer's transaction mode on one server connection for
    the prepared query), three round trips on every unit of work; a simple-protocol query
    needs no transaction. A connection that fails it is dropped with the rest of the pool
    (the server restarted, say) and the checkout goes on with a new one
    (``InvalidatePoolError``); a new connection is not pinged, nor one given back within
    ``idle_s``. ``run_async`` is how
    SQLAlchemy lets a pool event await the driver."""
    if record.info.pop(_FRESH, False):
        return
    if time.monotonic() - record.info.get(_RETURNED, float("-inf")) < idle_s:
        return  # it answered a moment ago (``PING_IDLE_S``)
    try:
        dbapi_conn.run_async(_select_one)
    except Exception as exc:  # closed by the server, network gone: any failure means unusable
        raise InvalidatePoolError(f"ping failed: {exc!r}") from exc


async def _select_one(driver_conn: Any) -> None:
    await driver_conn.execute("SELECT 1")  # no arguments: the simple query protocol


_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
)


def _sqlite_pragmas(pragmas: tuple[str, ...], dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    for pragma in pragmas:
        cur.execute(pragma)
    cur.close()


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite ``url`` (None for other databases and in-memory ones)."""
    if not is_sqlite(url):
        return None
    path = make_url(url).database
    return path if path and path != ":memory:" else None
