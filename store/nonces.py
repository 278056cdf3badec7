"""Signed webhook requests seen within the replay window (``domain.ports.NonceMemory``): in
Redis, shared by every process, or in memory for the single process of the no-Redis mode.

Redis key: ``daojia:{channel}:nonce:{key}`` holding the request's fingerprint, expiring when
its timestamp leaves the window (after that the window alone refuses it).
"""

from __future__ import annotations

from datetime import datetime

import redis.asyncio as aioredis

from store.redis_batch import ScriptBatch

# one round trip: the first request under a key stores its fingerprint; a later one is let
# through only with the same fingerprint (the identical request again)
_ADMIT = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
"""

MAX_LOCAL = 100_000


def nonce_key(channel: str, key: str) -> str:
    """The Redis key of a signed request seen (``store.conversations_redis`` admits one with
    a message's claim, under the same key)."""
    return f"daojia:{channel}:nonce:{key}"


class RedisNonceMemory:
    """``NonceMemory`` on Redis; a key expires by Redis's clock, ``keep_s`` after it was
    first seen."""

    def __init__(self, client: aioredis.Redis) -> None:
        self._admit = client.register_script(_ADMIT)
        # the checks of the requests that arrive in one pass of the event loop: one pipeline
        self._batch = ScriptBatch(client)

    async def admit(
        self, channel: str, key: str, fingerprint: str, keep_s: int, now: datetime
    ) -> bool:
        found = await self._batch.run(
            self._admit, [nonce_key(channel, key)], [fingerprint, max(1, keep_s)]
        )
        return bool(found)


class LocalNonceMemory:
    """``NonceMemory`` for one process: a dict in first-seen order, expired by the ``now``
    the caller passes (the app's clock).

    Args:
        max_entries: the most requests kept. Each one needs a valid signature, so only the
            platform (or whoever holds the token) can fill it; when full the oldest goes first.
    """

    def __init__(self, *, max_entries: int = MAX_LOCAL) -> None:
        self.max_entries = max_entries
        self._seen: dict[tuple[str, str], tuple[str, float]] = {}

    def __len__(self) -> int:
        return len(self._seen)

    async def admit(
        self, channel: str, key: str, fingerprint: str, keep_s: int, now: datetime
    ) -> bool:
        # no await in here: each admission is atomic on the event loop
        at = now.timestamp()
        self._forget_expired(at)
        seen = self._seen.get((channel, key))
        if seen is not None and seen[1] > at:
            return seen[0] == fingerprint
        self._seen.pop((channel, key), None)
        while len(self._seen) >= self.max_entries:
            del self._seen[next(iter(self._seen))]
        self._seen[(channel, key)] = (fingerprint, at + keep_s)
        return True

    def _forget_expired(self, at: float) -> None:
        """Drop expired entries from the oldest on; one that lives longer than the ones after
        it holds them until it expires (bounded by ``max_entries`` all the same)."""
        while self._seen:
            oldest = next(iter(self._seen))
            if self._seen[oldest][1] > at:
                return
            del self._seen[oldest]
