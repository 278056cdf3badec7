"""SQLite WAL checkpoints from a worker thread instead of inside a commit on the event loop.

In WAL mode a commit appends pages to the ``-wal`` file. By default, when that file passes
1000 pages, the committing call copies them back into the database and syncs it: a few
milliseconds in which the event loop (which runs SQLite inline, ``store.sqlite_inline``)
answers nobody. The server's connections turn that off (``wal_autocheckpoint=0``) and
``checkpoints`` runs a PASSIVE checkpoint from a worker thread every ``every_s`` instead:
sqlite3 releases the GIL while it copies and syncs, and a PASSIVE checkpoint never waits for
readers or writers. Durability is unchanged (a commit is in the WAL either way), and the last
connection to close still checkpoints the whole file.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from contextlib import closing
from pathlib import Path

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_S = 0.5
"""How often the worker thread copies the WAL back; the WAL holds about this long of writes."""

NO_AUTOCHECKPOINT = "PRAGMA wal_autocheckpoint=0"


def checkpoint(path: str | Path) -> tuple[int, int, int]:
    """One PASSIVE checkpoint of ``path``: (busy, pages in the WAL, pages checkpointed)."""
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as conn:
        busy, pages, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(busy), int(pages), int(done)


async def checkpoints(path: str | Path, every_s: float = CHECKPOINT_EVERY_S) -> None:
    """Checkpoint ``path`` every ``every_s`` seconds until cancelled (a failed checkpoint is
    logged and tried again: the WAL only grows meanwhile)."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await asyncio.to_thread(checkpoint, path)
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint of %s failed: %s", path, exc)
