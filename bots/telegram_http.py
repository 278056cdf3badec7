"""python-telegram-bot's HTTP layer on aiohttp (our server's own HTTP stack) instead of httpx,
and the PTB Application built on it as our Bot API client (``build_application``).

PTB's default ``HTTPXRequest`` costs several milliseconds of CPU per Bot API call; this one
sends the same requests (JSON, or multipart when files are attached) through one pooled
``aiohttp.ClientSession``.
"""

from __future__ import annotations

from typing import Any, cast

import aiohttp
import orjson
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, Application, BaseRateLimiter, ContextTypes, ExtBot
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


async def post_json_paced(
    request: AiohttpRequest,
    limiter: BaseRateLimiter[Any] | None,
    url: str,
    body: bytes,
    *,
    endpoint: str,
    chat_id: int,
) -> tuple[int, bytes]:
    """``post_json`` through PTB's rate limiter as PTB's own methods are (its documented
    ``BaseRateLimiter.process_request``): paced with the messages we send, and a 429 raised as
    ``RetryAfter`` so that the limiter waits it out and tries again. For calls whose answer
    only needs logging: PTB's method would also build a ``Message`` of the answer."""

    async def post() -> tuple[int, bytes]:
        status, answer = await request.post_json(url, body)
        if status == 429:
            raise RetryAfter(_retry_after(answer))
        return status, answer

    if limiter is None:
        return await post()
    paced = await limiter.process_request(
        callback=post,  # type: ignore[arg-type]  # typed for PTB's JSON; passed back as is
        args=(),
        kwargs={},
        endpoint=endpoint,
        data={"chat_id": chat_id},
        rate_limit_args=None,
    )
    return cast(tuple[int, bytes], paced)


def _retry_after(answer: bytes) -> int:
    """Telegram's ``parameters.retry_after`` (seconds) of a 429, 1 when it gives none."""
    try:
        parameters = orjson.loads(answer).get("parameters") or {}
        return max(1, int(parameters.get("retry_after", 1)))
    except (ValueError, TypeError, AttributeError):
        return 1


ClientApplication = Application[
    ExtBot[int], ContextTypes.DEFAULT_TYPE, dict[Any, Any], dict[Any, Any], dict[Any, Any], None
]
"""What ``build_application`` builds: PTB's default context types (no handlers use them), an
``AIORateLimiter`` (its per-call ``rate_limit_args`` is an int) and no job queue."""


def build_application(
    token: str, api_base: str, file_base: str, rate_per_second: int = 30
) -> ClientApplication:
    """A PTB Application used only as a Bot API client, within Telegram's sending limits
    (``rate_per_second`` overall — Telegram allows 30 — and 20 a minute per group; a
    RetryAfter is waited out and retried)."""
    limiter = AIORateLimiter(overall_max_rate=rate_per_second, max_retries=2)
    return (
        Application.builder()
        .token(token)
        .base_url(api_base)
        .base_file_url(file_base)
        .updater(None)
        .job_queue(None)
        .rate_limiter(limiter)
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(pool_size=1))
        .build()
    )
