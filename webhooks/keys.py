"""Typed keys for what the application holds (aiohttp: "No Singletons Please")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import redis.asyncio as aioredis
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog import Catalog
from domain.rules import Rules
from store.uow import Database
from webhooks.metrics import Metrics
from webhooks.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
CATALOG = web.AppKey("catalog", Catalog)
RULES = web.AppKey("rules", Rules)
CLOCK = web.AppKey("clock", Callable[[], datetime])
ENGINE = web.AppKey("engine", AsyncEngine)
DATABASE = web.AppKey("database", Database)
REDIS = web.AppKey("redis", aioredis.Redis)
METRICS = web.AppKey("metrics", Metrics)
