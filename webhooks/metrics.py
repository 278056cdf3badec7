"""Prometheus metrics, one registry per application (no module-level singletons).

Under ``daojia serve --workers N`` any of the N processes may answer a scrape: there each
process keeps its counts in files of a directory the supervisor made for the run
(prometheus_client's multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``, set before the workers
start), and ``GET /metrics`` adds up every process's — those of a worker that died and was
restarted included, so the counters never go back."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
"""prometheus_client's setting: where the processes of one server keep their counts."""

CONTENT_TYPE = CONTENT_TYPE_LATEST
RESULTS = ("handled", "duplicate", "rejected")
"""``daojia_messages_total``'s results (DESIGN §2): a message is handled, a platform's retry
of one already taken, or not processed — refused (a bad signature, malformed, over the rate
limit, a WeChat request replayed with other content) or failed."""


@contextmanager
def shared_between_processes() -> Iterator[str]:
    """The directory the processes started inside this block share their counts in: one of
    the operator's (``PROMETHEUS_MULTIPROC_DIR`` already set: theirs to wipe between runs),
    else a new one, removed at the end — a new run's counters start at 0."""
    given = os.environ.get(MULTIPROCESS_DIR)
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="daojia-metrics-") as path:
        os.environ[MULTIPROCESS_DIR] = path
        try:
            yield path
        finally:
            del os.environ[MULTIPROCESS_DIR]


class Metrics:
    """The counters and histograms daojia exports on ``GET /metrics``."""

    def __init__(self, channels: Iterable[str] = ()) -> None:
        """``channels``: whose message counts are exported at 0 from the start."""
        self.registry = CollectorRegistry()
        self._shared = os.environ.get(MULTIPROCESS_DIR)
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
        # labelled children, looked up once: ``labels()`` takes a lock and builds a key
        self._children: dict[tuple[Any, ...], Any] = {}
        for channel in channels:
            for result in RESULTS:
                self._child(self.messages, channel, result)  # exported at 0 from the start

    def message(self, channel: str, result: str) -> None:
        """Count an inbound webhook message: ``result`` one of ``RESULTS``, or the engine's
        status of a turn not processed (``replayed``), which is counted ``rejected``."""
        self._child(self.messages, channel, result if result in RESULTS else "rejected").inc()

    def replied(self, channel: str, seconds: float) -> None:
        self._child(self.reply_seconds, channel).observe(seconds)

    def http_request(self, route: str, status: int) -> None:
        self._child(self.http_requests, route, str(status)).inc()

    def _child(self, metric: Any, *labels: str) -> Any:
        key = (metric, *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def render(self) -> bytes:
        if self._shared:  # every process's counts, read from their files
            every = CollectorRegistry()
            MultiProcessCollector(every, path=self._shared)  # type: ignore[no-untyped-call]
            return generate_latest(every)
        return generate_latest(self.registry)
