"""The web chat's outbox: messages sent to a web user outside a turn (a payment confirmed on
the pay page, later a worker's arrival) wait here for the page's next poll."""

from __future__ import annotations

import json
from collections import defaultdict, deque
from typing import Any

import redis.asyncio as aioredis

from domain.privacy import Sealer

OUTBOX_MAX = 50
OUTBOX_FIELD = "web.outbox"


class WebOutbox:
    """Messages waiting for a web user's next poll (a Redis list when configured, each item
    sealed with the PII key: a notice may name an address)."""

    def __init__(self, client: aioredis.Redis | None = None, cipher: Sealer | None = None) -> None:
        self._r = client
        self._cipher = cipher
        self._mem: defaultdict[str, deque[str]] = defaultdict(lambda: deque(maxlen=OUTBOX_MAX))

    async def push(self, user_id: str, items: list[dict[str, Any]]) -> None:
        data = [json.dumps(i, ensure_ascii=False) for i in items]
        if self._r is None:
            self._mem[user_id].extend(data)
            return
        key = f"daojia:web:{user_id}:outbox"
        sealed = [self._seal(d) for d in data]
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *sealed)
            pipe.ltrim(key, -OUTBOX_MAX, -1)
            pipe.expire(key, 86400)
            await pipe.execute()

    async def pop_all(self, user_id: str) -> list[dict[str, Any]]:
        if self._r is None:
            queue = self._mem.pop(user_id, None)
            return [json.loads(x) for x in queue or ()]
        key = f"daojia:web:{user_id}:outbox"
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            raw, _ = await pipe.execute()
        return [json.loads(x) for x in (self._unseal(r) for r in raw) if x is not None]

    def _seal(self, item: str) -> bytes:
        data = item.encode()
        return self._cipher.seal(OUTBOX_FIELD, data) if self._cipher is not None else data

    def _unseal(self, raw: bytes) -> bytes | None:
        if self._cipher is None:
            return raw
        try:
            return self._cipher.unseal(OUTBOX_FIELD, raw)
        except ValueError:  # another key: the message is lost, not shown garbled
            return None
