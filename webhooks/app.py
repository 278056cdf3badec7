"""The application factory: ``create_app(settings) -> web.Application``.

Each resource (database, Redis) is a ``cleanup_ctx`` generator, opened at start-up and closed
at shutdown. Later issues add the chat channels, payments and the scheduler here.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import redis.asyncio as aioredis
from aiohttp import web

from domain.catalog import Catalog
from domain.rules import Rules
from store.crypto import PiiCipher
from store.db import create_engine, session_factory
from store.uow import Database
from webhooks import health
from webhooks.keys import CATALOG, CLOCK, DATABASE, ENGINE, METRICS, REDIS, RULES, SETTINGS
from webhooks.metrics import Metrics
from webhooks.middleware import error_middleware
from webhooks.settings import Settings

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: Settings,
    catalog: Catalog,
    rules: Rules,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> web.Application:
    """Build the application; nothing connects until it starts."""
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[error_middleware])
    app[SETTINGS] = settings
    app[CATALOG] = catalog
    app[RULES] = rules
    app[CLOCK] = clock
    app[METRICS] = Metrics()
    app.cleanup_ctx.append(_database)
    if settings.redis_url:
        app.cleanup_ctx.append(_redis)
    health.setup(app)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    engine = create_engine(settings.database_url)
    app[ENGINE] = engine
    app[DATABASE] = Database(session_factory(engine), PiiCipher(settings.pii_key_bytes()))
    try:
        yield
    finally:
        await engine.dispose()


async def _redis(app: web.Application) -> AsyncIterator[None]:
    client = aioredis.from_url(
        app[SETTINGS].redis_url or "", decode_responses=False, health_check_interval=30
    )
    app[REDIS] = client
    try:
        yield
    finally:
        await client.aclose()
