"""Photos: fetching what people send on each channel, signed links to what we keep, and the
``GET /media/{path}`` route that serves a file only with a valid, unexpired signature."""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import time
from collections.abc import Callable
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler

from domain.digits import BIGINT_MAX, whole
from domain.errors import DomainError
from domain.media import UPLOADS
from domain.text import N_
from store.media import MediaStore
from webhooks.channels import Channels

LINK_TTL_S = 3 * 86400


class MediaLinks:
    """Signed, expiring URLs for stored files."""

    def __init__(self, secret: bytes, public_url: str, clock: Callable[[], float] = time.time):
        self._secret = secret
        self._base = public_url.rstrip("/")
        self._clock = clock

    def _sig(self, path: str, expires: int) -> str:
        return hmac.new(self._secret, f"{path}:{expires}".encode(), hashlib.sha256).hexdigest()[
            :32
        ]

    def signed(self, path: str, ttl_s: int) -> tuple[int, str]:
        """The expiry and signature that make ``path`` valid for ``ttl_s`` seconds (for a
        signed value carried elsewhere than a URL, e.g. a cookie; check it with ``valid``)."""
        expires = int(self._clock()) + ttl_s
        return expires, self._sig(path, expires)

    def url(self, path: str, ttl_s: int = LINK_TTL_S) -> str:
        """A signed link to ``path`` (below the site root, e.g. ``media/orders/…``)."""
        expires, sig = self.signed(path, ttl_s)
        return f"{self._base}/{path}?e={expires}&s={sig}"

    def media_url(self, rel: str) -> str:
        """A signed link to a stored file."""
        return self.url(f"media/{rel}")

    def valid(self, path: str, expires: str, sig: str) -> bool:
        at = whole(expires, BIGINT_MAX, ascii_only=True)  # only ``signed`` writes it
        if at is None or at < self._clock():
            return False
        return sig.isascii() and hmac.compare_digest(sig, self._sig(path, at))  # str: ASCII


class ChannelMedia:
    """``MediaFetcher``: the bytes of a photo by its platform reference, from the channel it
    was sent on (``Channel.download``)."""

    def __init__(self, store: MediaStore, channels: Channels) -> None:
        self.store = store
        self.channels = channels

    async def __call__(self, channel: str, ref: str) -> bytes:
        serving = self.channels.get(channel)
        if serving is None:
            raise DomainError(N_("{channel} 暂不支持发送照片", channel=channel))
        return await serving.download(ref)


def route(store: MediaStore, links: MediaLinks) -> Handler:
    async def serve(request: web.Request) -> web.StreamResponse:
        rel = request.match_info["path"]
        if not links.valid(f"media/{rel}", request.query.get("e", ""), request.query.get("s", "")):
            raise web.HTTPForbidden(text="link expired or invalid")
        target: Path | None = store.path(rel)
        if target is None or rel.startswith(UPLOADS):
            raise web.HTTPNotFound()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return web.FileResponse(
            target,
            headers={
                "Content-Type": content_type,
                "Cache-Control": "private, max-age=3600",
                "X-Content-Type-Options": "nosniff",  # served as its name says, never sniffed
            },
        )

    return serve
