"""Checking an uploaded photo or document before it is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.text import N_, Text

UPLOADS = "uploads"
"""The media folder's subfolder of the web chat's uploads (``bots.web_uploads``): kept only
for their message's turn, never served by ``GET /media/…``, swept when one is left."""


class PhotoKind(StrEnum):
    DOOR = "door"
    BEFORE = "before"
    AFTER = "after"
    SURCHARGE = "surcharge"
    """Why the worker asks for an on-site extra (``domain.surcharge``)."""


PHOTO_KIND_TEXT: dict[str, Text] = {
    PhotoKind.DOOR: N_("门口"),
    PhotoKind.BEFORE: N_("服务前"),
    PhotoKind.AFTER: N_("服务后"),
    PhotoKind.SURCHARGE: N_("加价"),
}
"""How the kinds of a job's photos read in staff screens."""


@dataclass(frozen=True, slots=True)
class JobPhoto:
    """A photo kept for an order (check-in door photo, before/after)."""

    order_id: int
    kind: str
    path: str
    content_type: str
    size_bytes: int
    created_at: datetime
    id: int | None = None


SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"RIFF", "image/webp", "webp"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)


class BadPhoto(DomainError):
    """The upload is not an image we accept, is too big, or could not be fetched: send
    another."""

    retry = True


NOT_A_PHOTO = N_("请发送照片(JPG/PNG/WebP)")


def photo_type(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an image we accept, by its bytes (not by its name or the
    type it was sent as); None: empty, or no such image."""
    for magic, content_type, ext in SIGNATURES:
        if data.startswith(magic) and (ext != "webp" or data[8:12] == b"WEBP"):
            return content_type, ext
    return None


def image_kind(data: bytes, max_bytes: int) -> tuple[str, str]:
    """(content type, extension) of an acceptable image; BadPhoto otherwise."""
    if len(data) > max_bytes:
        mb = max_bytes // (1024 * 1024)
        raise BadPhoto(N_("图片太大(最多 {mb} MB)", mb=mb))
    kind = photo_type(data)
    if kind is None:
        raise BadPhoto(NOT_A_PHOTO)
    return kind
