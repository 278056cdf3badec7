"""Prometheus metrics, one registry per application (no module-level singletons)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """The counters and histograms daojia exports on ``GET /metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "daojia_messages",
            "Inbound webhook messages by channel and result (handled, duplicate, rejected).",
            ["channel", "result"],
            registry=self.registry,
        )
        self.reply_seconds = Histogram(
            "daojia_reply_seconds",
            "Time from receiving a webhook message to answering it.",
            ["channel"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.http_requests = Counter(
            "daojia_http_requests",
            "HTTP requests by route and status.",
            ["route", "status"],
            registry=self.registry,
        )
        for channel in ("telegram", "wechat", "web"):
            for result in ("handled", "duplicate", "rejected"):
                self.messages.labels(channel, result)

    def render(self) -> bytes:
        return generate_latest(self.registry)
