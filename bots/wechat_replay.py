"""Replay protection for WeChat's signed requests (``GET``/``POST /wechat``, plain and AES).

WeChat's ``signature`` is SHA-1 over token, ``timestamp`` and ``nonce`` only — not the body —
so in plaintext mode one captured query string would otherwise let anyone post any body, at
any later time. Two checks close that:

- **Window**: ``timestamp`` must be an integer (else 400) within
  ``DAOJIA_WECHAT_REPLAY_WINDOW_S`` of the app's clock, past or future (else 403).
- **Nonce memory**: the first request under a (``timestamp``, ``nonce``, ``signature``) is
  remembered with a hash of its content (method and body; ``echostr`` for ``GET``) until its
  timestamp leaves the window, in Redis when configured (every process sees it). The same
  triple with other content is refused 403: the signature was lifted from another request,
  including a ``GET`` verification reused for a ``POST``.

How WeChat retries, and why the identical request is let through: WeChat re-sends a message
it got no answer to within 5 s, three tries in all, and its docs ask for dedupe by MsgId
(events: FromUserName + CreateTime), i.e. a retry carries the same message. What is known of
the retry's query string says it is the same HTTP request again: an nginx access log published
with a 2021 bug report (m.bai1xia.com/news/post/14481.html) shows the retries of one message,
a second apart, each with the same ``signature``, ``timestamp=1627954885`` and
``nonce=1832145745``, and SDK write-ups (Senparc.Weixin) say everything in a retry, MsgId
included, is identical. WeChat's docs say nothing either way, so both cases work here: an
identical request again (same triple, same content hash) is let through to the conversation
store's MsgId claim, which answers a retry ``success`` once the first is handled (and answers
a captured identical request the same way, which changes nothing); a retry signed with a
fresh nonce is simply a new triple. Retries come within seconds, far inside the window.

Where the check runs: a request that carries a message is admitted in the same step that
claims the message (``nonce`` handed to ``ConversationStore.begin``: on Redis one script, one
round trip for both; a refused one claims nothing); a verification or a message that starts
no turn is admitted on its own (``replayed``).

Why ``signature`` and not ``msg_signature`` in the key: ``signature`` is checked on every
request in both modes; ``msg_signature`` is only checked in AES mode (by decryption), so in
plaintext mode it would be a free field an attacker could vary to dodge the memory. In AES
mode it covers the body, which the content hash covers too.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from domain.turns import Nonce, NonceMemory

TIMESTAMP = re.compile(r"[0-9]{1,12}")
"""Unix seconds in ASCII digits (``int()`` would also take signs, spaces, ``_`` and other
scripts' digits)."""


class ReplayGuard:
    """Refuses WeChat requests outside the time window, and other content under a signature
    already seen within it.

    Args:
        memory: where seen requests are kept (``store.nonces``).
        window_s: how far ``timestamp`` may be from the app's clock, either way.
        clock: the app's clock.
    """

    def __init__(
        self, memory: NonceMemory, *, window_s: int, clock: Callable[[], datetime]
    ) -> None:
        self.memory = memory
        self.window_s = window_s
        self._clock = clock

    def stale(self, request: web.Request) -> web.HTTPClientError | None:
        """The refusal for a malformed timestamp or one outside the window, else None."""
        raw = request.query.get("timestamp", "")
        if not TIMESTAMP.fullmatch(raw):
            return web.HTTPBadRequest(text="malformed timestamp")
        if abs(int(raw) - self._clock().timestamp()) > self.window_s:
            return web.HTTPForbidden(text="timestamp outside the replay window")
        return None

    def nonce(self, request: web.Request, body: bytes) -> Nonce:
        """What to remember of the request (call after ``stale`` let it through, once it is
        authenticated): admitted by ``replayed``, or with the claim of the message it carries
        (``ConversationStore.begin``: the same round trip)."""
        q = request.query
        raw = q.get("timestamp", "")
        now = self._clock()
        key = _digest("\0".join((raw, q.get("nonce", ""), q.get("signature", ""))).encode())
        content = body if request.method == "POST" else q.get("echostr", "").encode()
        fingerprint = _digest(request.method.encode() + b"\0" + content)
        ahead = max(0.0, int(raw) - now.timestamp())
        keep_s = self.window_s + math.ceil(ahead)  # until the timestamp leaves the window
        return Nonce("wechat", key, fingerprint, keep_s, now)

    async def replayed(self, request: web.Request, body: bytes) -> web.HTTPClientError | None:
        """The refusal for a signed triple seen with other content, else None (the request
        that carries no message to claim: a verification, an event nobody answers)."""
        n = self.nonce(request, body)
        if await self.memory.admit(n.channel, n.key, n.fingerprint, n.keep_s, n.at):
            return None
        return web.HTTPForbidden(text=REPLAYED)


REPLAYED = "replayed signature"
"""The 403's text for a signed triple seen with other content."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
