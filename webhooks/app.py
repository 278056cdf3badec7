"""The application factory: ``create_app(settings, catalog, rules) -> web.Application``.

Each resource (database, Redis, the chat engine) is a ``cleanup_ctx`` generator, opened at
start-up and closed at shutdown; routes find them on the app under typed keys.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

import redis.asyncio as aioredis
from aiohttp import web

from bots import geocoding
from bots.channel import Channel, Host, Resources
from bots.geocode_cache import CachedGeocoder
from bots.insurer import HttpInsurer, SandboxInsurer
from conversations.engine import Deliver, Engine, Handled
from conversations.events import Failed, Inbound
from conversations.flows.registry import CUSTOMER_FLOWS
from conversations.services.bus import Services
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.staff import AdminDirectory
from conversations.state import Conversation
from domain.catalog import Catalog
from domain.gateways import InsurerGateway
from domain.queries import CheckCheckout
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
from webhooks import (
    dashboard,
    finance,
    health,
    invoicing,
    media,
    pay_sandbox,
    pay_wechat,
    payments,
    sms,
)
from webhooks.channels import ADAPTERS, Channels
from webhooks.chat import Chat, Messenger
from webhooks.keys import (
    CATALOG,
    CHANNELS,
    CHAT,
    CLOCK,
    CONVERSATIONS,
    DATABASE,
    DEMO,
    INSURER,
    INVOICING,
    LINKS,
    MEDIA,
    MESSENGER,
    METRICS,
    NONCES,
    PAYMENTS,
    REDIS,
    RULES,
    SERVICES,
    SETTINGS,
    WECHAT_PAY,
)
from webhooks.media import ChannelMedia, MediaLinks
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
    register_webhooks: bool = False,
    demo: bool = False,
    scheduler: bool = False,
    adapters: Sequence[type[Channel]] = ADAPTERS,
) -> web.Application:
    """Build the application; nothing connects until it starts.

    ``register_webhooks`` (``daojia serve``) also tells Telegram where to deliver updates.
    ``demo`` (``daojia demo``) turns on what only the demo has unless settings say otherwise:
    the sandbox payment provider and the web chat (``Settings.sandbox_on``, ``web_chat_on``).
    ``adapters``: the chat channels that may serve (``webhooks.channels.ADAPTERS``).
    """
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[error_middleware])
    app[SETTINGS] = settings
    app[CATALOG] = catalog
    app[RULES] = rules
    app[CLOCK] = clock
    app[METRICS] = Metrics(adapter.name for adapter in adapters)
    app.cleanup_ctx.append(_database)
    if settings.redis_url:
        app.cleanup_ctx.append(_redis)
    app.cleanup_ctx.append(_chat)
    app.cleanup_ctx.append(_channels)  # started before the sweeps send, stopped after them
    if scheduler:
        app.cleanup_ctx.append(_scheduler)
    app.on_shutdown.append(_finish_turns)
    app[DEMO] = demo
    app[CHANNELS] = channels = Channels(
        adapters, settings, _host(app, register_webhooks=register_webhooks, demo=demo)
    )
    app[MESSENGER] = Messenger(channels)
    media_store = MediaStore(settings.media_dir)
    links = MediaLinks(
        _secret(settings, "media-link"), settings.public_url, lambda: clock().timestamp()
    )
    app[MEDIA] = ChannelMedia(media_store, channels)
    app[LINKS] = links
    app.router.add_get("/media/{path:.+}", media.route(media_store, links))
    channels.setup(app)
    sandbox = settings.sandbox_on(demo)
    if settings.wechat_pay_enabled:
        app[WECHAT_PAY] = payments.wechat_pay(settings, _secret(settings, "wechat-pay-page"))
        pay_wechat.setup(app, app[WECHAT_PAY])
    app[PAYMENTS] = payments.payments(
        settings, channels=channels, wechat=app.get(WECHAT_PAY), sandbox=sandbox, demo=demo
    )
    health.setup(app)
    if sandbox:
        pay_sandbox.setup(app)
    invoice_links = (
        invoicing.SandboxLinks(_secret(settings, "invoice-sandbox"), settings.public_url)
        if sandbox
        else None
    )
    if invoice_links is not None:
        invoicing.setup_sandbox(app, invoice_links)
    app[INVOICING] = invoicing.provider(settings, invoice_links)
    app[INSURER] = _insurer(settings, sandbox)
    mailer = invoicing.mailer(settings)
    if mailer is not None:
        app[MESSENGER].mail = invoicing.MailDelivery(mailer, lambda: app[DATABASE].uow())
    texts = sms.provider(settings, demo)
    if texts is not None:
        app[MESSENGER].sms = sms.SmsDelivery(texts, lambda: app[DATABASE].uow())
    finance.setup(app)
    dashboard.setup(app)
    return app


def _insurer(settings: Settings, sandbox: bool) -> InsurerGateway | None:
    """The insurer of ``DAOJIA_INSURER_API_BASE``, else the sandbox where it runs, else none
    (no policies are issued)."""
    if settings.insurer_api_base and settings.insurer_key is not None:
        return HttpInsurer(settings.insurer_api_base, settings.insurer_key.get_secret_value())
    return SandboxInsurer() if sandbox else None


def _secret(settings: Settings, purpose: str) -> bytes:
    """A key for one purpose, derived from the PII key (one secret to keep)."""
    return hashlib.sha256(f"daojia-{purpose}\x00".encode() + settings.pii_key_bytes()).digest()


def _host(app: web.Application, *, register_webhooks: bool, demo: bool) -> Host:
    """What the application lends each channel (``bots.channel.Host``)."""

    async def handle(event: Inbound, deliver: Deliver | None = None) -> Handled:
        return await app[CHAT].handle(event, deliver)  # app[CHAT] is resolved at call time

    async def check_payment(reference: str, amount: int) -> str | None:
        results = await app[SERVICES].run(CheckCheckout(reference, amount))
        if not results or not isinstance(results[0], Failed):
            return None
        return results[0].message.get(await pay_sandbox.payer_lang(app, reference))

    async def delivered(event: Inbound, sent: int) -> None:
        await app[CHAT].delivered(event, sent)

    def rejected(channel: str) -> None:
        app[METRICS].messages.labels(channel, "rejected").inc()

    async def language(channel: str, user_id: str) -> str:
        """The language of the person's conversation; Chinese when there is none or the
        store cannot say."""
        try:
            conv = Conversation.loads(await app[CONVERSATIONS].get(channel, user_id))
        except Exception:
            return "zh"
        return conv.lang if conv is not None else "zh"

    settings, rules = app[SETTINGS], app[RULES]
    return Host(
        handle=handle,
        rejected=rejected,
        check_payment=check_payment,
        clock=app[CLOCK],
        secret=partial(_secret, settings),
        timezone=rules.timezone,
        currency=app[CATALOG].currency,
        risk=rules.risk,
        public_url=settings.public_url,
        demo=demo,
        register_webhooks=register_webhooks,
        delivered=delivered,
        language=language,
    )


async def _channels(app: web.Application) -> AsyncIterator[None]:
    """Start the chat channels with the shared resources; stop them at the end."""
    client = app.get(REDIS)

    def rate_limiter(keep_s: int) -> RedisRateLimiter | LocalRateLimiter:
        return LocalRateLimiter() if client is None else RedisRateLimiter(client, keep_s=keep_s)

    def nonce_memory() -> RedisNonceMemory | LocalNonceMemory:
        # without Redis, the one the conversation store admits a claim's nonce with
        return app[NONCES] if client is None else RedisNonceMemory(client)

    resources = Resources(
        redis=client,
        sealer=app[DATABASE].cipher,
        rate_limiter=rate_limiter,
        nonce_memory=nonce_memory,
    )
    await app[CHANNELS].start(resources)
    try:
        yield
    finally:
        await app[CHANNELS].stop()


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
    # a plain pool: the blocking one's wait for a free connection (a condition and a timeout
    # around every command) cost a tenth of a Redis round trip's client CPU, and a process
    # never has this many commands in flight (a turn holds a connection only while waiting
    # for its answer)
    pool = aioredis.ConnectionPool.from_url(
        app[SETTINGS].redis_url or "", max_connections=1024, health_check_interval=30
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
    else:
        app[NONCES] = LocalNonceMemory()  # the replay guard's too (``_channels``)
        store = local = LocalConversationStore(
            settings.data_dir / "conversations.db",
            cipher,
            checkpoint_every_s=CHECKPOINT_EVERY_S,
            nonces=app[NONCES],
        )
        limiter = LocalRateLimiter()
    app[CONVERSATIONS] = store
    messenger = app[MESSENGER]
    key = settings.geocoder_key
    service = geocoding.build(
        settings.geocoder, key.get_secret_value() if key else None, settings.geocoder_api_base
    )
    cached = (
        CachedGeocoder(
            service, secret=_secret(settings, "geocode-cache"), sealer=cipher, redis=redis_client
        )
        if service is not None
        else None
    )
    geocoder = geocoding.WithFallback(cached)
    services = Services(
        uow=app[DATABASE].uow,
        reads=app[DATABASE].reads,
        catalog=app[CATALOG],
        rules=app[RULES],
        clock=app[CLOCK],
        public_url=settings.public_url,
        sender=messenger,
        templates=NoticeTemplates(
            ZoneInfo(app[RULES].timezone), app[CLOCK], app[CHANNELS].notice_overrides()
        ),
        admins=AdminDirectory(
            bootstrap=[(g.channel, g.user_id, g.role) for g in settings.admins],
            uow=app[DATABASE].reads,
            clock=app[CLOCK],
            demo_web_admin=app[DEMO],
        ),
        media=app[MEDIA].store,
        fetch_media=app[MEDIA],
        media_url=app[LINKS].media_url,
        gateways=app[PAYMENTS].gateways,
        channel_gateways=app[PAYMENTS].channels,
        payouts=app[PAYMENTS].payouts,
        ledger_url=lambda a, b: app[LINKS].url(finance.ledger_path(a, b), finance.LINK_TTL_S),
        dashboard_url=lambda admin, role: dashboard.dashboard_link(app[LINKS], admin, role),
        after_commit=turns.after_commit,
        channels=[a.name for a in app[CHANNELS].adapters],
        invite_link=app[CHANNELS].invite_link,
        invoicing=app.get(INVOICING),
        insurer=app.get(INSURER),
        mail=messenger.mail is not None,
        sms=messenger.sms is not None,
        geocoder=geocoder,
        city=settings.geocoder_city,
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
        await services.worker_index.close()  # a dispatch index rebuild under way
        if service is not None:
            await service.close()
        if local is not None:
            local.close()
