"""The application factory: ``create_app(settings, catalog, rules) -> web.Application``.

Each resource (database, Redis, the chat engine) is a ``cleanup_ctx`` generator, opened at
start-up and closed at shutdown; routes find them on the app under typed keys.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import redis.asyncio as aioredis
from aiohttp import web

from bots.web import WebChannel, WebOutbox
from conversations.engine import Engine
from conversations.events import Inbound
from conversations.flows import CUSTOMER_FLOWS
from conversations.service import Services
from domain.catalog import Catalog
from domain.rules import Rules
from store.conversations_local import LocalConversationStore
from store.conversations_redis import RedisConversationStore
from store.crypto import PiiCipher
from store.db import create_engine, session_factory
from store.uow import Database
from webhooks import health, pay_sandbox
from webhooks.chat import Chat, Messenger
from webhooks.keys import (
    CATALOG,
    CHAT,
    CLOCK,
    CONVERSATIONS,
    DATABASE,
    ENGINE,
    MESSENGER,
    METRICS,
    REDIS,
    RULES,
    SERVICES,
    SETTINGS,
    WEB,
)
from webhooks.metrics import Metrics
from webhooks.middleware import error_middleware
from webhooks.settings import Settings

log = logging.getLogger(__name__)
SUPPORT_ROLES = ("owner", "support")


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
    app[MESSENGER] = Messenger()
    app.cleanup_ctx.append(_database)
    if settings.redis_url:
        app.cleanup_ctx.append(_redis)
    app.cleanup_ctx.append(_chat)

    async def handle(event: Inbound):  # noqa: ANN202 - resolved at call time
        return await app[CHAT].handle(event)

    secret = hashlib.sha256(b"daojia-web-cookie\x00" + settings.pii_key_bytes()).digest()
    app[WEB] = WebChannel(secret=secret, handle=handle, clock=clock, outbox=WebOutbox())
    app[WEB].setup(app)
    health.setup(app)
    pay_sandbox.setup(app)
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


async def _chat(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    redis_client = app.get(REDIS)
    local: LocalConversationStore | None = None
    if redis_client is not None:
        store: RedisConversationStore | LocalConversationStore = RedisConversationStore(
            redis_client
        )
        app[WEB].outbox = WebOutbox(redis_client)
    else:
        store = local = LocalConversationStore(settings.data_dir / "conversations.db")
    app[CONVERSATIONS] = store
    messenger = app[MESSENGER]
    messenger.register("web", app[WEB].push)
    services = Services(
        uow=app[DATABASE].uow,
        catalog=app[CATALOG],
        rules=app[RULES],
        clock=app[CLOCK],
        public_url=settings.public_url,
        notify=messenger.send,
        support=[(g.channel, g.user_id) for g in settings.admins if g.role in SUPPORT_ROLES],
    )
    app[SERVICES] = services
    engine = Engine(
        flows=CUSTOMER_FLOWS,
        run=services.run,
        store=store,
        catalog=app[CATALOG],
        rules=app[RULES],
        clock=app[CLOCK],
        public_url=settings.public_url,
    )
    app[CHAT] = Chat(engine, app[METRICS])
    try:
        yield
    finally:
        if local is not None:
            local.close()
