"""Photos a browser uploads to the web chat, kept in ``DAOJIA_MEDIA_DIR/uploads/`` (shared by
every host like the rest of the media folder) until the conversation takes them."""

from __future__ import annotations

import secrets
from pathlib import Path

from domain.errors import DomainError
from domain.text import N_

UPLOADS = "uploads"
"""The media folder's subfolder for uploads; ``GET /media/…`` never serves it."""


class Uploads:
    def __init__(self, media_dir: Path) -> None:
        self.folder = media_dir / UPLOADS

    def keep(self, data: bytes) -> str:
        """Keep an upload until the conversation uses it; returns its reference."""
        token = secrets.token_hex(16)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / token).write_bytes(data)
        return f"upload:{token}"

    def take(self, ref: str) -> bytes:
        """The upload's bytes, once: it is removed as it is read."""
        token = ref.removeprefix("upload:")
        if not token.isalnum():
            raise DomainError("unknown upload")
        path = self.folder / token
        try:
            data = path.read_bytes()
        except OSError:
            raise DomainError(N_("上传已失效,请重新发送")) from None
        path.unlink(missing_ok=True)
        return data
