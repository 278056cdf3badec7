"""Request middleware: business errors become 4xx, never 5xx (platforms would retry); so does
a path holding a NUL or another control character (a path parameter would take it to the
database); an unexpected error is a 500 whose log line carries no personal data."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from domain.errors import DomainError
from domain.privacy import loggable_traceback
from domain.text import clean
from webhooks.keys import METRICS

log = logging.getLogger(__name__)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route.resource
    name = route.canonical if route is not None else "unmatched"
    try:
        if clean(request.path) != request.path:  # e.g. %00 in /pay/sandbox/{reference}
            raise web.HTTPBadRequest(text="control characters in the path")
        response = await handler(request)
    except web.HTTPException as exc:
        request.app[METRICS].http_request(name, exc.status)
        raise
    except DomainError as exc:
        request.app[METRICS].http_request(name, 422)
        return web.json_response(
            {"error": exc.text.get("en"), "error_zh": exc.text.get("zh")}, status=422
        )
    except Exception as exc:  # its message may hold a row's values: logged redacted
        log.error(
            "unhandled error on %s %s\n%s", request.method, request.path, loggable_traceback(exc)
        )
        request.app[METRICS].http_request(name, 500)
        return web.json_response({"error": "internal error"}, status=500)
    request.app[METRICS].http_request(name, response.status)
    return response
