"""Request middleware: business errors become 4xx, never 5xx (platforms would retry)."""

from __future__ import annotations

import logging

from aiohttp import web

from domain.errors import DomainError
from webhooks.keys import METRICS

log = logging.getLogger(__name__)


@web.middleware
async def error_middleware(request: web.Request, handler: web.Handler) -> web.StreamResponse:
    route = request.match_info.route.resource
    name = route.canonical if route is not None else "unmatched"
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        request.app[METRICS].http_request(name, exc.status)
        raise
    except DomainError as exc:
        request.app[METRICS].http_request(name, 422)
        return web.json_response({"error": str(exc)}, status=422)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        request.app[METRICS].http_request(name, 500)
        return web.json_response({"error": "internal error"}, status=500)
    request.app[METRICS].http_request(name, response.status)
    return response
