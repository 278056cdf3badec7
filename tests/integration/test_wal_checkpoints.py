"""WAL checkpoints from a worker thread (store.sqlite.wal) instead of inside commits on the
event loop."""

import sqlite3
from contextlib import closing

from sqlalchemy import text

from store.conversations_local import LocalConversationStore
from store.crypto import PiiCipher, decode_key, new_key
from store.db import create_engine, sqlite_path

CIPHER = PiiCipher(decode_key(new_key()))


def checkpoint(path) -> tuple[int, int, int]:
    """One PASSIVE checkpoint: (busy, pages in the WAL, pages checkpointed)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        return conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


def _wal_pages(path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size // 4096 if wal.exists() else 0


def _fill(conn: sqlite3.Connection, rows: int) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB)")
    for _ in range(rows):  # one commit each, as the chat path writes
        conn.execute("INSERT INTO t (v) VALUES (?)", (bytes(3000),))


def test_commits_leave_the_wal_to_the_checkpointer(tmp_path):
    path = tmp_path / "c.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    _fill(conn, 1500)
    assert _wal_pages(path) > 1000  # SQLite's own checkpoint would have run at 1000 pages
    busy, pages, done = checkpoint(path)
    assert busy == 0 and pages == done > 1000
    assert path.stat().st_size > 1500 * 3000  # the rows are in the database file now
    conn.close()
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT count(*) FROM t").fetchone() == (1500,)


async def _write_states(store: LocalConversationStore, people: int) -> None:
    for i in range(people):  # one commit each, as the chat path writes
        await store.begin("wechat", f"u{i}", "m1")
        await store.commit("wechat", f"u{i}", "m1", "", b"x" * 3000, b"")


async def test_the_local_stores_commits_leave_the_wal_to_its_checkpointer(tmp_path):
    store = LocalConversationStore(tmp_path / "conv.db", CIPHER, checkpoint_every_s=3600)
    try:  # its thread waits an hour: what is in the database file was copied by the commits
        await _write_states(store, 400)
        assert _wal_pages(store.path) > 1000  # SQLite's own checkpoint would have run at 1000
        assert store.path.stat().st_size < 100 * 4096  # nothing copied back: all in the WAL
    finally:
        store.close()


async def test_the_local_stores_checkpointer_copies_the_states_into_the_database_file(tmp_path):
    store = LocalConversationStore(tmp_path / "conv.db", CIPHER, checkpoint_every_s=0.01)
    try:
        await _write_states(store, 300)
        checkpointer = store._checkpointer
        assert checkpointer is not None
        for _ in range(2):  # the second checkpoint began after the last commit
            checkpointer.checkpointed.clear()
            assert checkpointer.checkpointed.wait(5), "no checkpoint within 5 s"
        # the states were copied into the database file by the thread, not by the commits
        assert store.path.stat().st_size > 300 * 3000
    finally:
        store.close()


async def test_the_server_engine_turns_sqlite_autocheckpoint_off(sqlite_url):
    for autocheckpoint, expected in ((True, 1000), (False, 0)):
        engine = create_engine(sqlite_url, autocheckpoint=autocheckpoint)
        async with engine.connect() as conn:
            value = (await conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar()
        await engine.dispose()
        assert value == expected
    assert sqlite_path(sqlite_url) and sqlite_path("postgresql://x/y") is None
