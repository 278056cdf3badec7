"""python-telegram-bot's HTTP layer on aiohttp (our server's own HTTP stack) instead of httpx.

PTB's default ``HTTPXRequest`` costs several milliseconds of CPU per Bot API call; this one
sends the same requests (JSON, or multipart when files are attached) through one pooled
``aiohttp.ClientSession``.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT_S = 10.0
JSON_HEADERS = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` for ``ApplicationBuilder.request()``."""

    def __init__(self, *, pool_size: int = 100, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._pool_size = pool_size
        self._timeout_s = timeout_s
        self._timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=timeout_s, sock_read=timeout_s
        )
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeout_s

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post_json(self, url: str, body: bytes) -> tuple[int, bytes]:
        """POST a JSON body as it is, for calls whose answer only needs logging (raises
        ``TimedOut`` or ``NetworkError`` as ``do_request`` does)."""
        return await self._send("POST", url, self._timeout, data=body, headers=JSON_HEADERS)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        timeout = self._timeout
        if isinstance(read_timeout, int | float) and read_timeout != self._timeout_s:
            timeout = aiohttp.ClientTimeout(
                total=None, sock_connect=self._timeout_s, sock_read=read_timeout
            )
        kwargs: dict[str, Any] = {}
        if request_data is not None:
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mimetype) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                kwargs["data"] = form
            else:
                kwargs["data"] = request_data.json_payload
                kwargs["headers"] = JSON_HEADERS
        return await self._send(method, url, timeout, **kwargs)

    async def _send(
        self, method: str, url: str, limits: aiohttp.ClientTimeout, **kwargs: Any
    ) -> tuple[int, bytes]:
        """(status, body), aiohttp's errors as PTB's ``TimedOut`` and ``NetworkError``."""
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        try:
            async with self._session.request(method, url, timeout=limits, **kwargs) as resp:
                return resp.status, await resp.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp: {exc}") from exc
