"""SQLite's fast path: everything daojia does only on SQLite, for speed, kept in one place.

The default set-up (``daojia demo``, a small company's ``serve``) is one process on a SQLite
file. There the cost of a chat message was mostly the layers between our code and SQLite, not
SQLite, and this package removes three of them and one stall (figures from the webhook
benchmark, ``bench/webhook.py``, at the commit that brought each in):

- ``inline``: aiosqlite's connection with its calls run on the event loop's own thread instead
  of a worker thread and back (a statement in WAL mode takes tens of microseconds, less than
  the hand-off); a busy database is waited for without blocking the loop. The server answered
  1.7 times the messages.
- ``direct``: statements compiled once (``store.plans``, from ``store.prepared``) run straight
  on the sqlite3 connection with SQLAlchemy's own SQL, type processors and error classes, but
  without its per-call execution context: CPU per WeChat message 0.93 -> 0.60 ms.
- ``connection``: the engine's one connection kept checked out, units of work taking turns on
  it instead of checking it out of the pool each time: CPU per message 0.55 -> 0.45 ms
  (WeChat), 0.64 -> 0.52 ms (Telegram).
- ``wal``: WAL checkpoints from a thread every 0.5 s instead of inside whichever commit crosses
  SQLite's 1000-page mark, which stopped the event loop for the few milliseconds of the copy
  and its syncs.

What it depends on. PostgreSQL never enters here: ``store.db`` gives only SQLite engines the
inline connection (a pool of one), ``store.uow.Database`` takes turns only on SQLite, and
``direct.prepare`` answers None elsewhere, so ``store.prepared`` goes on to PostgreSQL's plans
(``store.pg_direct``) or the session.
``store.prepared`` itself stays outside: it builds table-level statements once for both
dialects with SQLAlchemy's public API, and ``direct.prepare`` is its one door in here. The
package leans on library internals, each listed below; ``pyproject.toml`` bounds those
libraries below their next release that may change them, and
``tests/unit/test_library_internals.py`` fails when one of them is gone.

Private (or undocumented) attributes of libraries used here:

aiosqlite (``inline.InlineConnection`` subclasses ``aiosqlite.Connection``):
    ``Connection.__init__(connector, iter_chunk_size)`` and the attributes it sets,
    ``_connection`` (the sqlite3 connection), ``_connector`` and ``_running``, read and set
    here; ``_execute`` (every public method and ``Cursor`` call goes through it) and
    ``_connect`` (run by ``__await__``) are overridden to call sqlite3 inline; ``_conn``
    (aiosqlite's methods read the connection through it) is inherited as it is; ``stop`` and
    ``__await__`` are overridden so that the worker thread (``_thread``) never starts.
SQLAlchemy's aiosqlite adapter, on that connection:
    reads ``_connection`` and ``_conn``; it would put an isolation-level change on ``_tx``,
    a queue no thread reads here, so daojia never sets an isolation level on SQLite.
SQLAlchemy (``direct``):
    ``DBAPIError.instance(statement, params, orig, dbapi_base_err)`` to wrap sqlite3's errors.
    The plans it runs (``store.plans``) are made with SQLAlchemy's documented API, as
    PostgreSQL's (``store.pg_direct``) are; ``tests/unit/test_library_internals.py`` checks
    the compiler attributes they rest on all the same.
``connection`` and ``wal`` use public APIs only (``wal`` speaks sqlite3 alone).
"""
