"""Photos and documents on disk under ``DAOJIA_MEDIA_DIR``, named so they cannot be guessed."""

from __future__ import annotations

import contextlib
import secrets
from datetime import datetime
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
        tmp.replace(target)
        return rel.as_posix()

    def discard(self, rel: str) -> bool:
        """Delete the stored file (False: none, or a path leaving the root); its month's
        folder goes with it when that leaves it empty."""
        target = self.path(rel)
        if target is None:
            return False
        target.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # only when empty
            target.parent.rmdir()
        return True

    def path(self, rel: str) -> Path | None:
        """The file for a stored relative path, or None (also for paths leaving the root)."""
        target = (self.root / rel).resolve()
        if self.root.resolve() not in target.parents or not target.is_file():
            return None
        return target
