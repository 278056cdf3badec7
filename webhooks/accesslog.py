"""A structured (one JSON object per line) access log."""

from __future__ import annotations

import orjson
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse


class JsonAccessLogger(AbstractAccessLogger):
    """Logs method, path (no query string: it carries signatures), status, size and time."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        if not self.logger.isEnabledFor(20):
            return
        self.logger.info(
            orjson.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status,
                    "bytes": response.body_length,
                    "ms": round(time * 1000, 2),
                    "remote": request.remote,
                }
            ).decode()
        )
