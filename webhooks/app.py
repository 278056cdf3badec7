"""The application factory: ``create_app(settings, catalog, rules) -> web.Application``.

Each resource (database, Redis, the chat engine) is a ``cleanup_ctx`` generator, opened at
start-up and closed at shutdown; routes find them on the app under typed keys.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

from bots.telegram import TelegramBot, build_application
from bots.web import WebChannel, WebOutbox
from bots.web_address import HOUR_KEEP_S, AddressLimits
from bots.wechat import WeChatBot
from bots.wechat_api import TokenCache, WeChatApi
from bots.wechat_replay import ReplayGuard
from conversations.engine import Engine, Handled
from conversations.events import Failed, Inbound
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.services.bus import Services
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.staff import AdminDirectory
from domain.catalog import Catalog
from domain.commands import CheckCheckout
from domain.rules import Rules
from scheduler.sweeps import build_scheduler
from store.conversations_local import LocalConversationStore
from store.conversations_redis import RedisConversationStore
from store.crypto import PiiCipher
from store.db import create_engine, sqlite_path
from store.media import MediaStore
from store.nonces import LocalNonceMemory, RedisNonceMemory
from store.rate_limits import LocalRateLimiter, RedisRateLimiter
from store.sqlite.wal import CHECKPOINT_EVERY_S, Checkpointer
from store.turns import Turns
from store.uow import Database
from webhooks import dashboard, finance, health, media, pay_sandbox, pay_wechat, payments
from webhooks.chat import Chat, Messenger
from webhooks.keys import (
    CATALOG,
    CHAT,
    CLOCK,
    CONVERSATIONS,
    DATABASE,
    DEMO,
    LINKS,
    MEDIA,
    MESSENGER,
    METRICS,
    PAYMENTS,
    REDIS,
    RULES,
    SERVICES,
    SETTINGS,
    TELEGRAM,
    WEB,
    WECHAT,
    WECHAT_PAY,
)
from webhooks.media import ChannelMedia, MediaLinks
from webhooks.metrics import Metrics
from webhooks.middleware import error_middleware
from webhooks.settings import Settings, wechat_templates

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
    register_webhooks: bool = False,
    demo: bool = False,
    scheduler: bool = False,
) -> web.Application:
    """Build the application; nothing connects until it starts.

    ``register_webhooks`` (``daojia serve``) also tells Telegram where to deliver updates.
    ``demo`` (``daojia demo``) turns on what only the demo has unless settings say otherwise:
    the sandbox payment provider and the web chat (``Settings.sandbox_on``, ``web_chat_on``).
    """
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
    if scheduler:
        app.cleanup_ctx.append(_scheduler)
    app.on_shutdown.append(_finish_turns)

    async def handle(event: Inbound) -> Handled:  # app[CHAT] is resolved at call time
        return await app[CHAT].handle(event)

    app[DEMO] = demo
    media_store = MediaStore(settings.media_dir)
    links = MediaLinks(
        _secret(settings, "media-link"), settings.public_url, lambda: clock().timestamp()
    )
    app[MEDIA] = ChannelMedia(media_store, rules.execution.max_photo_bytes)
    app[LINKS] = links
    app.router.add_get("/media/{path:.+}", media.route(media_store, links))
    sandbox, web_chat = settings.sandbox_on(demo), settings.web_chat_on(demo)
    if web_chat:
        app[WEB] = WebChannel(
            secret=_secret(settings, "web-cookie"),
            handle=handle,
            clock=clock,
            outbox=WebOutbox(),
            rejected=_rejected(app),
        )
        app[WEB].keep_upload = app[MEDIA].keep_upload
        app[WEB].setup(app)
    if settings.telegram_enabled:
        app[TELEGRAM] = _telegram_bot(app, settings, handle, clock)
        app[TELEGRAM].setup(app)
        app[MEDIA].register("telegram", app[TELEGRAM].download)
        app.cleanup_ctx.append(_telegram(register_webhooks))
    if settings.wechat_enabled:
        app[WECHAT] = _wechat_bot(app, settings, handle, clock)
        app[WECHAT].setup(app)
        app[MEDIA].register("wechat", app[WECHAT].download)
        app.cleanup_ctx.append(_wechat)
    if settings.wechat_pay_enabled:
        app[WECHAT_PAY] = payments.wechat_pay(settings, _secret(settings, "wechat-pay-page"))
        pay_wechat.setup(app, app[WECHAT_PAY])
    app[PAYMENTS] = payments.payments(
        settings, wechat=app.get(WECHAT_PAY), sandbox=sandbox, web_chat=web_chat, demo=demo
    )
    health.setup(app)
    if sandbox:
        pay_sandbox.setup(app)
    finance.setup(app)
    dashboard.setup(app)
    return app


def _secret(settings: Settings, purpose: str) -> bytes:
    """A key for one purpose, derived from the PII key (one secret to keep)."""
    return hashlib.sha256(f"daojia-{purpose}\x00".encode() + settings.pii_key_bytes()).digest()


def _rejected(app: web.Application) -> Callable[[str], None]:
    return lambda channel: app[METRICS].messages.labels(channel, "rejected").inc()


def _wechat_bot(
    app: web.Application,
    settings: Settings,
    handle: Callable[[Inbound], Awaitable[Handled]],
    clock: Callable[[], datetime],
) -> WeChatBot:
    assert settings.wechat_appid and settings.wechat_token and settings.wechat_secret
    aes = settings.wechat_aes_key.get_secret_value() if settings.wechat_aes_key else None
    return WeChatBot(
        token=settings.wechat_token.get_secret_value(),
        appid=settings.wechat_appid,
        aes_key=aes,
        api=None,
        handle=handle,
        rejected=_rejected(app),
        clock=clock,
    )


async def _wechat(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    assert settings.wechat_appid and settings.wechat_secret
    async with aiohttp.ClientSession() as session:
        bot = app[WECHAT]
        bot.api = WeChatApi(
            base=settings.wechat_api_base,
            appid=settings.wechat_appid,
            secret=settings.wechat_secret.get_secret_value(),
            session=session,
            tokens=TokenCache(settings.wechat_appid, app.get(REDIS)),
        )
        redis_client = app.get(REDIS)
        bot.replay = ReplayGuard(
            RedisNonceMemory(redis_client) if redis_client is not None else LocalNonceMemory(),
            window_s=settings.wechat_replay_window_s,
            clock=app[CLOCK],
        )
        app[MESSENGER].register("wechat", bot.send)
        try:
            yield
        finally:
            await bot.drain()


def _telegram_bot(
    app: web.Application,
    settings: Settings,
    handle: Callable[[Inbound], Awaitable[Handled]],
    clock: Callable[[], datetime],
) -> TelegramBot:
    assert settings.telegram_token is not None and settings.telegram_secret is not None
    application = build_application(
        settings.telegram_token.get_secret_value(),
        settings.telegram_api_base,
        settings.telegram_file_base,
        settings.telegram_rate_per_second,
    )

    async def check_checkout(reference: str, amount: int) -> str | None:
        results = await app[SERVICES].run(CheckCheckout(reference, amount))
        return results[0].message if results and isinstance(results[0], Failed) else None

    token = settings.telegram_payment_token
    return TelegramBot(
        application=application,
        secret=settings.telegram_secret.get_secret_value(),
        handle=handle,
        rejected=_rejected(app),
        clock=clock,
        payment_token=token.get_secret_value() if token else "",
        currency=app[CATALOG].currency,
        check_checkout=check_checkout,
    )


def _telegram(register_webhooks: bool) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        bot = app[TELEGRAM]
        await bot.start(public_url=app[SETTINGS].public_url if register_webhooks else None)
        app[MESSENGER].register("telegram", bot.send)
        try:
            yield
        finally:
            await bot.stop()

    return ctx


async def _finish_turns(app: web.Application) -> None:
    """At shutdown (the listening sockets are closed by then), before any resource closes:
    turns in flight finish within their grace time or are cancelled, which hands their
    messages back to the platform's retry."""
    if CHAT in app:
        await app[CHAT].turns.finish()


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    engine = create_engine(settings.database_url, autocheckpoint=False)
    app[DATABASE] = Database(engine, PiiCipher(settings.pii_key_bytes()))
    path = sqlite_path(settings.database_url)
    with Checkpointer(path) if path else nullcontext():
        try:
            yield
        finally:
            await app[DATABASE].dispose()


async def _redis(app: web.Application) -> AsyncIterator[None]:
    # a blocking pool: a burst waits for a free connection instead of failing
    pool = aioredis.BlockingConnectionPool.from_url(
        app[SETTINGS].redis_url or "", max_connections=256, timeout=10, health_check_interval=30
    )
    client = aioredis.Redis(connection_pool=pool)
    app[REDIS] = client
    try:
        yield
    finally:
        await client.aclose()
        await pool.disconnect()


async def _scheduler(app: web.Application) -> AsyncIterator[None]:
    sweeps = build_scheduler(app[SERVICES].run)
    sweeps.start()
    try:
        yield
    finally:
        sweeps.shutdown(wait=False)


async def _chat(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    redis_client = app.get(REDIS)
    local: LocalConversationStore | None = None
    cipher = app[DATABASE].cipher
    turns = Turns(app[DATABASE])
    if redis_client is not None:
        store: RedisConversationStore | LocalConversationStore = RedisConversationStore(
            redis_client, cipher
        )
        limiter: RedisRateLimiter | LocalRateLimiter = RedisRateLimiter(redis_client)
        if WEB in app:
            app[WEB].outbox = WebOutbox(redis_client, cipher)
    else:
        store = local = LocalConversationStore(
            settings.data_dir / "conversations.db", cipher, checkpoint_every_s=CHECKPOINT_EVERY_S
        )
        limiter = LocalRateLimiter()
    app[CONVERSATIONS] = store
    messenger = app[MESSENGER]
    if WEB in app:
        app[WEB].limits = AddressLimits(
            secret=_secret(settings, "web-address"),
            minute=limiter,
            hour=RedisRateLimiter(redis_client, keep_s=HOUR_KEEP_S)
            if redis_client is not None
            else LocalRateLimiter(),
            risk=app[RULES].risk,
            clock=app[CLOCK],
        )
        messenger.register("web", app[WEB].deliver)
    services = Services(
        uow=app[DATABASE].uow,
        catalog=app[CATALOG],
        rules=app[RULES],
        clock=app[CLOCK],
        public_url=settings.public_url,
        sender=messenger,
        templates=NoticeTemplates(
            ZoneInfo(app[RULES].timezone), wechat_templates(settings.wechat_templates)
        ),
        admins=AdminDirectory(
            bootstrap=[(g.channel, g.user_id, g.role) for g in settings.admins],
            uow=app[DATABASE].uow,
            clock=app[CLOCK],
            demo_web_admin=app[DEMO],
        ),
        media=app[MEDIA].store,
        fetch_media=app[MEDIA],
        media_url=app[LINKS].media_url,
        gateways=app[PAYMENTS].gateways,
        channel_gateways=app[PAYMENTS].channels,
        ledger_url=lambda a, b: app[LINKS].url(finance.ledger_path(a, b), finance.LINK_TTL_S),
        dashboard_url=lambda admin, role: dashboard.dashboard_link(app[LINKS], admin, role),
        after_commit=turns.after_commit,
    )
    app[SERVICES] = services
    engine = Engine(
        flows=CUSTOMER_FLOWS,
        run=services.run,
        store=store,
        turns=turns,
        catalog=app[CATALOG],
        rules=app[RULES],
        clock=app[CLOCK],
        public_url=settings.public_url,
        admins=services.admins,  # one directory: the chat and the notices see the same admins
        demo_admin_pane=app[DEMO],
        limiter=limiter,
        prices=services.prices,
    )
    app[CHAT] = Chat(engine, app[METRICS], messenger)
    try:
        yield
    finally:
        if local is not None:
            local.close()
