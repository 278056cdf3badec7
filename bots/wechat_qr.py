"""Invitations on WeChat: a parametric QR code per scene (``ref_<code>``), whose image is
WeChat's ``showqrcode?ticket=`` page. A code is made once and kept (in Redis when configured,
so every process shows the same one) until shortly before WeChat lets it expire."""

from __future__ import annotations

import time
from urllib.parse import quote

import redis.asyncio as aioredis

from bots.wechat_api import WeChatApi

QR_EXPIRE_S = 30 * 86400
"""How long a temporary QR code lives: WeChat's longest (30 days)."""
KEEP_S = QR_EXPIRE_S - 2 * 86400
"""How long a code is shown: two days less, so a friend who scans it late still can."""


class QrInvitations:
    """The QR code of each invitation scene, made through ``api`` and kept ``KEEP_S``."""

    def __init__(self, api: WeChatApi, qr_base: str, client: aioredis.Redis | None) -> None:
        self._api = api
        self._base = qr_base if qr_base.endswith("/") else qr_base + "/"
        self._r = client
        self._prefix = f"daojia:wechat:{api.appid}:qr:"
        self._local: dict[str, tuple[str, float]] = {}

    async def url(self, scene: str) -> str:
        """The address of ``scene``'s QR code image (made when there is none kept)."""
        kept = await self._kept(scene)
        if kept:
            return kept
        ticket = await self._api.create_qrcode(scene, QR_EXPIRE_S)
        made = f"{self._base}showqrcode?ticket={quote(ticket, safe='')}"
        await self._keep(scene, made)
        return made

    async def _kept(self, scene: str) -> str | None:
        if self._r is None:
            found = self._local.get(scene)
            return found[0] if found and found[1] > time.time() else None
        raw = await self._r.get(self._prefix + scene)
        if isinstance(raw, bytes):
            raw = raw.decode()
        return raw or None

    async def _keep(self, scene: str, url: str) -> None:
        if self._r is None:
            self._local[scene] = (url, time.time() + KEEP_S)
        else:
            await self._r.set(self._prefix + scene, url, ex=KEEP_S)
