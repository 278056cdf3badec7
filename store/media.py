"""Photos and documents on disk under ``DAOJIA_MEDIA_DIR``, named so they cannot be guessed."""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, folder: str, data: bytes, ext: str, now: datetime) -> str:
        """Write ``data``; return its path relative to the media root."""
        rel = Path(folder) / f"{now:%Y%m}" / f"{secrets.token_hex(12)}.{ext}"
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        stamp = now.timestamp()  # the file's time is the app's clock: sweeps compare with it
        os.utime(tmp, (stamp, stamp))
        tmp.replace(target)
        return rel.as_posix()

    def discard(self, rel: str) -> bool:
        """Delete the stored file (False: none, or a path leaving the root); its month's
        folder goes with it when that leaves it empty (not ``uploads/`` itself)."""
        target = self.path(rel)
        if target is None:
            return False
        target.unlink(missing_ok=True)
        if target.parent.name.isdigit():  # a month's (``YYYYMM``), never a folder a write
            with contextlib.suppress(OSError):  # outside them may be making: only when empty
                target.parent.rmdir()
        return True

    def path(self, rel: str) -> Path | None:
        """The file for a stored relative path, or None (also for paths leaving the root)."""
        target = (self.root / rel).resolve()
        if self.root.resolve() not in target.parents or not target.is_file():
            return None
        return target

    def saved_at(self, rel: str) -> datetime | None:
        """When ``save`` wrote the file (the ``now`` it was given), or None: no such file."""
        target = self.path(rel)
        if target is None:
            return None
        try:
            return datetime.fromtimestamp(target.stat().st_mtime, UTC)
        except OSError:  # deleted meanwhile
            return None

    def saved_before(self, folder: str, before: datetime, since: datetime) -> list[str]:
        """The files ``save`` wrote into ``folder`` or one of its subfolders (``workers``;
        ``orders/N``) before ``before``, looking only in the month folders from ``since``'s
        to ``before``'s (a sweep need not read every month ever kept) — and those directly
        in ``folder``, whatever their month (the web chat's ``uploads/<token>``). A
        half-written one (``.part``) is listed too once as old: a write cut short (a crash)
        left it, never to be finished; one being written now is newer than any ``before`` a
        sweep asks."""
        root = self.root.resolve()
        top = (root / folder).resolve()
        if root not in top.parents or not top.is_dir():
            return []
        limit = before.timestamp()
        found = set()
        candidates = [*top.glob("*")]  # directly in the folder (whatever their month)
        for month in _months(since, before):
            candidates += [*top.glob(f"{month}/*"), *top.glob(f"*/{month}/*")]
        for path in candidates:
            try:
                if not path.is_file():
                    continue
                if path.stat().st_mtime >= limit:
                    continue
            except OSError:  # deleted meanwhile
                continue
            found.add(path.relative_to(root).as_posix())
        return sorted(found)


def _months(since: datetime, until: datetime) -> list[str]:
    """The ``YYYYMM`` folder names ``save`` gives from ``since``'s month to ``until``'s."""
    year, month = since.year, since.month
    names = []
    while (year, month) <= (until.year, until.month):
        names.append(f"{year:04d}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return names
