"""SQLite WAL checkpoints from a worker thread instead of inside a commit on the event loop.

In WAL mode a commit appends pages to the ``-wal`` file. By default, when that file passes
1000 pages, the committing call copies them back into the database and syncs it: a few
milliseconds in which the event loop (which runs SQLite inline, ``store.sqlite.inline``)
answers nobody. The server's connections turn that off (``wal_autocheckpoint=0``) and
``Checkpointer`` runs a PASSIVE checkpoint from a thread of its own every 0.5 s instead:
sqlite3 releases the GIL while it copies and syncs, and a PASSIVE checkpoint never waits for
readers or writers. Durability is unchanged (a commit is in the WAL either way), and the last
connection to close still checkpoints the whole file.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_S = 0.5
"""How often the worker thread copies the WAL back; the WAL holds about this long of writes."""

NO_AUTOCHECKPOINT = "PRAGMA wal_autocheckpoint=0"
PASSIVE = "PRAGMA wal_checkpoint(PASSIVE)"


class Checkpointer:
    """``with Checkpointer(path):``, or ``start()`` then ``stop()``: a thread checkpoints
    ``path`` every ``every_s`` seconds over one connection of its own (a new connection would
    read the whole schema again). A failed checkpoint is logged and tried again: the WAL only
    grows meanwhile."""

    def __init__(self, path: str | Path, every_s: float = CHECKPOINT_EVERY_S) -> None:
        self.path = Path(path)
        self.every_s = every_s
        self._stop = threading.Event()
        self.checkpointed = threading.Event()
        """Set by the thread after each checkpoint it ran: a test clears it and waits for the
        next one instead of sleeping."""
        self._thread = threading.Thread(
            target=self._run, name=f"wal-checkpoint {self.path.name}", daemon=True
        )

    def start(self) -> Checkpointer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> Checkpointer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        with closing(sqlite3.connect(self.path, timeout=0, isolation_level=None)) as conn:
            while not self._stop.wait(self.every_s):
                try:
                    conn.execute(PASSIVE).fetchone()
                except sqlite3.Error as exc:
                    log.warning("WAL checkpoint of %s failed: %s", self.path, exc)
                else:
                    self.checkpointed.set()
