"""Photos a browser uploads to the web chat, kept in ``DAOJIA_MEDIA_DIR/uploads/`` (shared by
every host like the rest of the media folder) only for the turn of the message that brought
them: the conversation takes (copies into the folder of what it belongs to, e.g. ``workers``
or ``complaints/N``, and deletes) the one it uses, and the channel discards it once the turn
is over, used or not, refused or failed. Nothing names a file here after that turn; one left
behind (the process died mid-turn) is deleted by the unsent uploads' sweep
(``conversations.services.unsent_uploads``)."""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

from domain.errors import DomainError
from domain.media import UPLOADS
from domain.text import N_

PREFIX = "upload:"


class Uploads:
    def __init__(self, media_dir: Path) -> None:
        self.folder = media_dir / UPLOADS

    def keep(self, data: bytes, now: datetime) -> str:
        """Keep an upload for its message's turn; returns its reference. The file's time is
        the app's clock (``now``), as ``MediaStore.save`` gives: the sweep compares with it."""
        token = secrets.token_hex(16)
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / token
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        stamp = now.timestamp()
        os.utime(tmp, (stamp, stamp))
        tmp.replace(target)
        return f"{PREFIX}{token}"

    def _path(self, ref: str) -> Path | None:
        token = ref.removeprefix(PREFIX)
        if not ref.startswith(PREFIX) or not token.isascii() or not token.isalnum():
            return None
        return self.folder / token

    def take(self, ref: str) -> bytes:
        """The upload's bytes, once: it is removed as it is read."""
        path = self._path(ref)
        if path is None:
            raise DomainError("unknown upload")
        try:
            data = path.read_bytes()
        except OSError:
            raise DomainError(N_("上传已失效,请重新发送")) from None
        path.unlink(missing_ok=True)
        return data

    def discard(self, ref: str) -> None:
        """Delete the upload if the turn left it (refused, failed, or a photo the conversation
        had no use for)."""
        path = self._path(ref)
        if path is not None:
            path.unlink(missing_ok=True)
