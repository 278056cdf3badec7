"""Conversation state, message dedupe and the per-person lock in Redis — one round trip to
begin a turn and one to end it (Lua scripts; those of turns running at the same moment go
out together, `store.redis_batch`), shared by every process.

Keys (``daojia:{channel}:{user_id}:…``): ``conv`` the state, sealed with the PII key (it holds
what the person typed: phone, address); ``lock`` the turn's token, a lease of ``lease_s`` that
the engine renews while the turn runs, so a dead process's lock is free again within it;
``turn`` the message of the turn in progress, left behind only by a turn that never ended
(``Claim.recovering``); ``seen:{message_id}`` answered messages (a day), its value one more
than the number of the answer's parts the channel pushed (``commit``'s ``sent``, written by
the commit script itself: no round trip of its own; ``delivered`` for a retry's pushes);
``ans:{message_id}`` the sealed answer, for a platform retry of a message whose answer was
lost (ten minutes).
"""

from __future__ import annotations

import logging
import secrets

import redis.asyncio as aioredis

from domain.turns import CONVERSATION_KEEP, Claim, Nonce
from store.crypto import REPLIES_FIELD as REPLIES
from store.crypto import STATE_FIELD as STATE
from store.crypto import PiiCipher
from store.nonces import nonce_key
from store.rate_limits import KEEP_S, rate_key
from store.redis_batch import ScriptBatch

log = logging.getLogger(__name__)

# The store's durations are written into the scripts' text (one script per set of them), so
# that a turn sends only its keys and values: every argument costs client-side CPU to encode.
# With a signed request's nonce (KEYS[6], ARGV[3] its fingerprint, ARGV[4] how long to keep
# it: store.nonces' admission) the claim checks it first; the rate counter's key comes last.
_BEGIN = """
local rate = 6
if ARGV[3] then
  rate = 7
  if not redis.call('SET', KEYS[6], ARGV[3], 'NX', 'EX', ARGV[4])
     and redis.call('GET', KEYS[6]) ~= ARGV[3] then
    return {{'replayed', false}}
  end
end
local seen = redis.call('GET', KEYS[4])
if seen then return {{'duplicate', redis.call('GET', KEYS[5]), seen}} end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', {lease_ms}) then
  return {{'busy', false}}
end
local stale = redis.call('GET', KEYS[3])
redis.call('SET', KEYS[3], ARGV[2], 'EX', {state_ttl_s})
local count = false
if KEYS[rate] then
  count = redis.call('INCR', KEYS[rate])
  if count == 1 then redis.call('EXPIRE', KEYS[rate], {rate_keep_s}) end
end
return {{'ok', redis.call('GET', KEYS[1]), count, stale and 1 or 0}}
"""
_COMMIT = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', {state_ttl_s})
redis.call('SET', KEYS[4], ARGV[4], 'EX', {seen_ttl_s})
redis.call('SET', KEYS[5], ARGV[3], 'EX', {answer_ttl_s})
redis.call('DEL', KEYS[3], KEYS[2])
return 1
"""
_ABORT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1
"""
_RELEASE = """
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""
_RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"""


class RedisConversationStore:
    """``ConversationStore`` on Redis.

    Args:
        client: a ``redis.asyncio`` client (bytes responses).
        cipher: seals states and answers (the PII key).
        state_ttl_s: how long an idle conversation is remembered.
        seen_ttl_s: how long an answered message id is remembered (platform retry horizon).
        answer_ttl_s: how long an answer is kept to answer a retry of its message again.
        lease_s: how long a turn's lock lasts unless renewed (the longest a dead process
            keeps a person waiting).
        rate_keep_s: how long a rate window's counter is kept (``store.rate_limits``).
    """

    def __init__(
        self,
        client: aioredis.Redis,
        cipher: PiiCipher,
        *,
        state_ttl_s: int = int(CONVERSATION_KEEP.total_seconds()),
        seen_ttl_s: int = 86400,
        answer_ttl_s: int = 600,
        lease_s: float = 5.0,
        rate_keep_s: int = KEEP_S,
    ) -> None:
        self._r = client
        self._batch = ScriptBatch(client)  # a turn's begin and commit: batched under load
        self._cipher = cipher
        durations = {
            "lease_ms": int(lease_s * 1000),
            "state_ttl_s": int(state_ttl_s),
            "rate_keep_s": int(rate_keep_s),
            "seen_ttl_s": int(seen_ttl_s),
            "answer_ttl_s": int(answer_ttl_s),
        }
        self._begin = client.register_script(_BEGIN.format(**durations))
        self._commit = client.register_script(_COMMIT.format(**durations))
        self._abort = client.register_script(_ABORT)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self.state_ttl_s = state_ttl_s
        self.seen_ttl_s = seen_ttl_s
        self.answer_ttl_s = answer_ttl_s
        self.lease_s = lease_s
        self.rate_keep_s = rate_keep_s

    @staticmethod
    def _keys(channel: str, user_id: str, message_id: str) -> list[str]:
        base = f"daojia:{channel}:{user_id}"
        return [
            f"{base}:conv",
            f"{base}:lock",
            f"{base}:turn",
            f"{base}:seen:{message_id}",
            f"{base}:ans:{message_id}",
        ]

    async def begin(
        self,
        channel: str,
        user_id: str,
        message_id: str,
        rate_window: int | None = None,
        nonce: Nonce | None = None,
    ) -> Claim:
        """Claim the message and take the lock; with ``rate_window``, a claimed message is
        also counted against the sender's rate limit (same counter as ``RedisRateLimiter``),
        and with ``nonce`` its signed request is admitted first (the same key as
        ``RedisNonceMemory``'s), so a turn's start is one round trip."""
        token = secrets.token_hex(8)
        keys = self._keys(channel, user_id, message_id)
        args: list[str | int] = [token, message_id]
        if nonce is not None:
            keys.append(nonce_key(nonce.channel, nonce.key))
            args += [nonce.fingerprint, max(1, nonce.keep_s)]
        if rate_window is not None:
            keys.append(rate_key(channel, user_id, rate_window))
        status, raw, *rest = await self._batch.run(self._begin, keys, args)
        status = status.decode() if isinstance(status, bytes) else str(status)
        if status == "duplicate":
            sent = max(0, int(rest[0]) - 1) if rest and rest[0] else 0
            return Claim(status, replies=self._open(REPLIES, raw), sent=sent)
        if status != "ok":
            return Claim(status)
        count = int(rest[0]) if rest and rest[0] is not None else None
        stale = bool(rest[1]) if len(rest) > 1 else False
        return Claim("ok", self._open(STATE, raw), token, count, recovering=stale)

    async def renew(self, channel: str, user_id: str, token: str) -> bool:
        lock = f"daojia:{channel}:{user_id}:lock"
        return bool(await self._renew(keys=[lock], args=[token, int(self.lease_s * 1000)]))

    async def commit(
        self,
        channel: str,
        user_id: str,
        message_id: str,
        token: str,
        state: bytes,
        replies: bytes,
        sent: int = 0,
    ) -> bool:
        sealed = self._cipher.seal(STATE, state), self._cipher.seal(REPLIES, replies)
        keys = self._keys(channel, user_id, message_id)
        saved = await self._batch.run(self._commit, keys, [token, *sealed, sent + 1])
        if not saved:
            log.error("lock of %s:%s lost before its turn ended; not saved", channel, user_id)
        return bool(saved)

    async def remember(self, channel: str, user_id: str, message_id: str, replies: bytes) -> None:
        _, _, _, seen, answer = self._keys(channel, user_id, message_id)
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.set(seen, b"1", ex=self.seen_ttl_s)
            pipe.set(answer, self._cipher.seal(REPLIES, replies), ex=self.answer_ttl_s)
            await pipe.execute()

    async def delivered(self, channel: str, user_id: str, message_id: str, sent: int) -> None:
        """One command (a retry's pushes; a turn's own ride on its commit): the count rides on
        the message's ``seen`` mark (read by ``begin``'s duplicate branch for free), only while
        there is one, its expiry kept."""
        seen = self._keys(channel, user_id, message_id)[3]
        await self._r.set(seen, str(sent + 1), xx=True, keepttl=True)

    async def abort(self, channel: str, user_id: str, message_id: str, token: str) -> None:
        _, lock, turn, _, _ = self._keys(channel, user_id, message_id)
        await self._abort(keys=[lock, turn], args=[token])

    async def release(self, channel: str, user_id: str, token: str) -> None:
        """Free the lock (if still ours) and leave the turn marker, so that the next turn
        recovers from the checkpoint even when the marker was lost with Redis's memory."""
        base = f"daojia:{channel}:{user_id}"
        await self._release(
            keys=[f"{base}:lock", f"{base}:turn"], args=[token, "released", self.state_ttl_s]
        )

    async def get(self, channel: str, user_id: str) -> bytes | None:
        raw = await self._r.get(f"daojia:{channel}:{user_id}:conv")
        assert not isinstance(raw, str)  # the client does not decode responses
        return self._open(STATE, raw)

    def _open(self, field: str, raw: bytes | None) -> bytes | None:
        if not raw:
            return None
        if field == STATE:
            opened = self._cipher.unseal_state(raw)
        else:
            try:
                opened = self._cipher.unseal(field, raw)
            except ValueError:
                opened = None
        if opened is None:  # another key: start afresh
            log.warning("a stored %s could not be unsealed; ignored", field)
        return opened
