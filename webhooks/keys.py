"""Typed keys for what the application holds (aiohttp: "No Singletons Please")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import redis.asyncio as aioredis
from aiohttp import web

from bots.wechat_pay import WeChatPayGateway
from conversations.services.bus import Services
from domain.catalog import Catalog
from domain.gateways import InsurerGateway, InvoiceProvider
from domain.rules import Rules
from domain.turns import ConversationStore
from store.nonces import LocalNonceMemory
from store.uow import Database
from webhooks.channels import Channels
from webhooks.chat import Chat, Messenger
from webhooks.media import ChannelMedia, MediaLinks
from webhooks.metrics import Metrics
from webhooks.payments import Payments
from webhooks.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
CATALOG = web.AppKey("catalog", Catalog)
RULES = web.AppKey("rules", Rules)
CLOCK = web.AppKey[Callable[[], datetime]]("clock")  # a callable type is no class to pass
DATABASE = web.AppKey("database", Database)
REDIS = web.AppKey("redis", aioredis.Redis)
METRICS = web.AppKey("metrics", Metrics)
CHAT = web.AppKey("chat", Chat)
MESSENGER = web.AppKey("messenger", Messenger)
SERVICES = web.AppKey("services", Services)
CONVERSATIONS = web.AppKey("conversations", ConversationStore)
NONCES = web.AppKey("nonces", LocalNonceMemory)
"""Without Redis: the signed requests seen (the replay guard's and the claims' memory)."""
CHANNELS = web.AppKey("channels", Channels)
DEMO = web.AppKey("demo", bool)
MEDIA = web.AppKey("media", ChannelMedia)
LINKS = web.AppKey("links", MediaLinks)
WECHAT_PAY = web.AppKey("wechat_pay", WeChatPayGateway)
PAYMENTS = web.AppKey("payments", Payments)
INVOICING = web.AppKey[InvoiceProvider | None]("invoicing")
INSURER = web.AppKey[InsurerGateway | None]("insurer")
