"""``GET /healthz`` and ``GET /metrics``."""

from __future__ import annotations

import asyncio
import logging
import os

from aiohttp import web

from webhooks import __version__
from webhooks.keys import DATABASE, METRICS, PAYMENTS, REDIS
from webhooks.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)
PROBE_TIMEOUT_S = 2.0


async def healthz(request: web.Request) -> web.Response:
    """200 when the database (and Redis, if configured) answer; 503 otherwise. Also says
    which payment providers run, ``test_mode`` when the sandbox runs under ``serve``, and
    ``pid``, the process that answered (``daojia serve --workers N`` runs several)."""
    app = request.app
    body: dict[str, str | bool | int] = {"version": __version__, "pid": os.getpid()}
    try:
        await asyncio.wait_for(app[DATABASE].ping(), PROBE_TIMEOUT_S)
        body["database"] = "ok"
    except Exception as exc:  # any failure is reported, not raised
        log.warning("health: database: %s", exc)
        body["database"] = f"error: {type(exc).__name__}"
    if REDIS in app:
        try:
            await asyncio.wait_for(app[REDIS].ping(), PROBE_TIMEOUT_S)
            body["redis"] = "ok"
        except Exception as exc:
            log.warning("health: redis: %s", exc)
            body["redis"] = f"error: {type(exc).__name__}"
    else:
        body["redis"] = "not configured"
    healthy = body["database"] == "ok" and body["redis"] in ("ok", "not configured")
    body["status"] = "ok" if healthy else "degraded"
    body["payments"] = app[PAYMENTS].describe()
    body["test_mode"] = app[PAYMENTS].test_mode
    return web.json_response(body, status=200 if healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    return web.Response(body=request.app[METRICS].render(), headers={"Content-Type": CONTENT_TYPE})


def setup(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
