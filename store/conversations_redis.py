"""Conversation state, message dedupe and the per-person lock in Redis — one round trip to
begin a turn and one to end it (Lua scripts), shared by every process.

Keys: ``daojia:{channel}:{user_id}:conv`` (state), ``…:lock``, ``…:seen:{message_id}``.
"""

from __future__ import annotations

import logging
import secrets

import redis.asyncio as aioredis

from domain.ports import Claim
from store.rate_limits import KEEP_S, rate_key

log = logging.getLogger(__name__)

_BEGIN = """
if redis.call('EXISTS', KEYS[3]) == 1 then return {'duplicate', false} end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'busy', false} end
redis.call('SET', KEYS[3], 'processing', 'EX', ARGV[3])
local count = false
if KEYS[4] then
  count = redis.call('INCR', KEYS[4])
  if count == 1 then redis.call('EXPIRE', KEYS[4], ARGV[4]) end
end
return {'ok', redis.call('GET', KEYS[1]), count}
"""
_COMMIT = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[3], 'done', 'EX', ARGV[4])
redis.call('DEL', KEYS[2])
return 1
"""
_ABORT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('DEL', KEYS[2])
return 1
"""


class RedisConversationStore:
    """``ConversationStore`` on Redis.

    Args:
        client: a ``redis.asyncio`` client (bytes responses).
        state_ttl_s: how long an idle conversation is remembered.
        seen_ttl_s: how long a processed message id is remembered (platform retry horizon).
        lock_ttl_ms: the longest a turn may hold the person's lock.
        processing_ttl_s: how long a claimed-but-unfinished message blocks its retries (a
            crashed process's message is processed again after this).
        rate_keep_s: how long a rate window's counter is kept (``store.rate_limits``).
    """

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        state_ttl_s: int = 7 * 86400,
        seen_ttl_s: int = 86400,
        lock_ttl_ms: int = 30_000,
        processing_ttl_s: int = 60,
        rate_keep_s: int = KEEP_S,
    ) -> None:
        self._r = client
        self._begin = client.register_script(_BEGIN)
        self._commit = client.register_script(_COMMIT)
        self._abort = client.register_script(_ABORT)
        self.state_ttl_s = state_ttl_s
        self.seen_ttl_s = seen_ttl_s
        self.lock_ttl_ms = lock_ttl_ms
        self.processing_ttl_s = processing_ttl_s
        self.rate_keep_s = rate_keep_s

    @staticmethod
    def _keys(channel: str, user_id: str, message_id: str) -> list[str]:
        base = f"daojia:{channel}:{user_id}"
        return [f"{base}:conv", f"{base}:lock", f"{base}:seen:{message_id}"]

    async def begin(
        self, channel: str, user_id: str, message_id: str, rate_window: int | None = None
    ) -> Claim:
        """Claim the message and take the lock; with ``rate_window``, a claimed message is
        also counted against the sender's rate limit (same counter as ``RedisRateLimiter``),
        so a turn's start is one round trip."""
        token = secrets.token_hex(8)
        keys = self._keys(channel, user_id, message_id)
        args: list[str | int] = [token, self.lock_ttl_ms, self.processing_ttl_s]
        if rate_window is not None:
            keys.append(rate_key(channel, user_id, rate_window))
            args.append(self.rate_keep_s)
        status, raw, *counted = await self._begin(keys=keys, args=args)
        status = status.decode() if isinstance(status, bytes) else str(status)
        if status != "ok":
            return Claim(status)
        count = int(counted[0]) if counted and counted[0] is not None else None
        return Claim("ok", raw, token, count)

    async def commit(
        self, channel: str, user_id: str, message_id: str, token: str, state: bytes
    ) -> None:
        saved = await self._commit(
            keys=self._keys(channel, user_id, message_id),
            args=[token, state, self.state_ttl_s, self.seen_ttl_s],
        )
        if not saved:
            log.error(
                "lock for %s:%s expired before the turn ended; state not saved", channel, user_id
            )

    async def abort(self, channel: str, user_id: str, message_id: str, token: str) -> None:
        _, lock, seen = self._keys(channel, user_id, message_id)
        await self._abort(keys=[lock, seen], args=[token])

    async def get(self, channel: str, user_id: str) -> bytes | None:
        raw: bytes | None = await self._r.get(f"daojia:{channel}:{user_id}:conv")
        return raw
