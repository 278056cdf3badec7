"""A small async client for the WeChat official-account API.

wechatpy's client is synchronous and hard-codes some URLs (the token fetch among them), so the
few calls daojia makes go through aiohttp to ``DAOJIA_WECHAT_API_BASE``. The access token comes
from ``stable_token`` (the same token for every caller) and is cached in Redis when configured,
so every process shares one token and only one of them refreshes it at a time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
import redis.asyncio as aioredis

log = logging.getLogger(__name__)
TOKEN_ERRORS = {40001, 40014, 42001}
REFRESH_MARGIN_S = 300


class WeChatApiError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode


class TokenCache:
    """The shared access token: Redis when configured, else this process's memory."""

    def __init__(self, appid: str, client: aioredis.Redis | None) -> None:
        self._r = client
        self._key = f"daojia:wechat:{appid}:token"
        self._token: tuple[str, float] | None = None

    async def get(self) -> str | None:
        if self._r is None:
            if self._token and self._token[1] > time.time():
                return self._token[0]
            return None
        raw = await self._r.get(self._key)
        if isinstance(raw, bytes):  # the client does not decode responses
            raw = raw.decode()
        return raw or None

    async def put(self, token: str, ttl_s: int) -> None:
        if self._r is None:
            self._token = (token, time.time() + ttl_s)
        else:
            await self._r.set(self._key, token, ex=max(ttl_s, 1))

    async def drop(self, token: str) -> None:
        if self._r is None:
            if self._token and self._token[0] == token:
                self._token = None
        elif await self.get() == token:
            await self._r.delete(self._key)

    async def lock(self) -> bool:
        """Try to become the process that refreshes (a 10 s Redis lease)."""
        if self._r is None:
            return True
        return bool(await self._r.set(self._key + ":refresh", "1", nx=True, px=10_000))

    async def unlock(self) -> None:
        if self._r is not None:
            await self._r.delete(self._key + ":refresh")


class WeChatApi:
    def __init__(
        self,
        *,
        base: str,
        appid: str,
        secret: str,
        session: aiohttp.ClientSession,
        tokens: TokenCache,
    ) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.appid = appid
        self._secret = secret
        self._session = session
        self._tokens = tokens
        self._refreshing = asyncio.Lock()

    async def access_token(self) -> str:
        token = await self._tokens.get()
        if token:
            return token
        async with self._refreshing:
            for _ in range(50):
                token = await self._tokens.get()
                if token:
                    return token
                if await self._tokens.lock():
                    try:
                        return await self._fetch_token()
                    finally:
                        await self._tokens.unlock()
                await asyncio.sleep(0.1)  # another process is refreshing
        raise WeChatApiError(-1, "could not obtain an access token")

    async def _fetch_token(self) -> str:
        data = await self._post(
            "stable_token",
            {"grant_type": "client_credential", "appid": self.appid, "secret": self._secret},
            token=None,
        )
        token, expires = str(data["access_token"]), int(data.get("expires_in", 7200))
        await self._tokens.put(token, expires - REFRESH_MARGIN_S)
        return token

    async def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST ``payload`` to ``path`` with the access token; refetch it once if rejected."""
        token = await self.access_token()
        try:
            return await self._post(path, payload, token=token)
        except WeChatApiError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            await self._tokens.drop(token)
            return await self._post(path, payload, token=await self.access_token())

    async def _post(
        self, path: str, payload: dict[str, Any], *, token: str | None
    ) -> dict[str, Any]:
        params = {"access_token": token} if token else None
        async with self._session.post(
            self.base + path, params=params, json=payload, timeout=aiohttp.ClientTimeout(total=10)
        ) as resp:
            data = await resp.json(content_type=None)
        if not isinstance(data, dict):
            raise WeChatApiError(-1, "unexpected response")
        errcode = int(data.get("errcode", 0))
        if errcode:
            raise WeChatApiError(errcode, str(data.get("errmsg", "")))
        return data

    async def send_text(self, openid: str, text: str) -> None:
        await self.call(
            "message/custom/send", {"touser": openid, "msgtype": "text", "text": {"content": text}}
        )

    async def send_template(self, message: dict[str, Any]) -> None:
        """A template message (``touser``, ``template_id``, ``data``, optional ``url``)."""
        await self.call("message/template/send", message)

    async def create_menu(self, menu: dict[str, Any]) -> None:
        await self.call("menu/create", menu)

    async def create_qrcode(self, scene: str, expire_seconds: int) -> str:
        """A temporary parametric QR code (``qrcode/create``, ``QR_STR_SCENE``): following
        the account through it sends ``subscribe`` with ``qrscene_<scene>``, a follower's scan
        ``SCAN`` with ``<scene>``. Returns its ticket (``showqrcode?ticket=`` shows it)."""
        data = await self.call(
            "qrcode/create",
            {
                "expire_seconds": expire_seconds,
                "action_name": "QR_STR_SCENE",
                "action_info": {"scene": {"scene_str": scene}},
            },
        )
        ticket = data.get("ticket")
        if not isinstance(ticket, str) or not ticket:
            raise WeChatApiError(-1, "qrcode/create answered no ticket")
        return ticket

    async def download_media(self, media_id: str) -> bytes:
        token = await self.access_token()
        async with self._session.get(
            self.base + "media/get",
            params={"access_token": token, "media_id": media_id},
            timeout=aiohttp.ClientTimeout(total=30),
        ) as resp:
            if resp.content_type in ("application/json", "text/plain"):
                data = await resp.json(content_type=None)
                raise WeChatApiError(int(data.get("errcode", -1)), str(data.get("errmsg", "")))
            return await resp.read()
