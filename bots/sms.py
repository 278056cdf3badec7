"""SMS (``domain.gateways.SmsGateway``): an emergency contact told of an SOS.

``HttpSms`` posts JSON to ``DAOJIA_SMS_API_BASE``, signed with ``DAOJIA_SMS_KEY`` (HMAC-SHA256
of the timestamp and the body, so a request cannot be altered or replayed later) and
idempotent by the SOS (the provider sends one SMS per key, however often it is asked):

    POST {base}/messages
    X-Daojia-Timestamp: 1765000000
    X-Daojia-Signature: hex(HMAC-SHA256(key, "1765000000\\n" + body))
    Idempotency-Key: daojia-sos-12-customer-34
    {"to": "13812345678", "text": "…", "key": "daojia-sos-12-customer-34"}

    200/201/202 {"status": "sent" | "queued" | "duplicate"}
    4xx        {"error": "…"}     the number refused (400/422: not retried); 401/403/429 retried
    5xx, no answer               retried by the outbox

``SandboxSms`` (``daojia demo`` only) sends nothing and logs that it would have, without the
number."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable

import aiohttp

from domain.errors import DeliveryFailed
from domain.privacy import mask_phones

log = logging.getLogger(__name__)
TIMEOUT_S = 15
REFUSED = (400, 404, 422)
"""Answers that mean the number or the text is refused: sending again cannot help."""


def signature(key: str, timestamp: str, body: bytes) -> str:
    """The request's signature (documented above)."""
    message = timestamp.encode() + b"\n" + body
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


class HttpSms:
    name = "http"

    def __init__(
        self,
        base_url: str,
        key: str,
        timeout_s: float = TIMEOUT_S,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.url = base_url.rstrip("/") + "/messages"
        self.key = key
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.now = now

    async def send(self, phone: str, text: str, key: str) -> None:
        body = json.dumps({"to": phone, "text": text, "key": key}, ensure_ascii=False).encode()
        timestamp = str(int(self.now()))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "X-Daojia-Timestamp": timestamp,
            "X-Daojia-Signature": signature(self.key, timestamp, body),
        }
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(self.url, data=body, headers=headers) as resp,
            ):
                status = resp.status
                answer = await resp.json(content_type=None) if status < 500 else {}
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise DeliveryFailed(f"sms provider unreachable: {type(exc).__name__}") from exc
        if status < 300:
            return
        error = str(answer.get("error", "")) if isinstance(answer, dict) else ""
        error = mask_phones(error)  # kept with the message, and logged: however it is written
        raise DeliveryFailed(f"sms provider {status}: {error[:200]}", permanent=status in REFUSED)


class SandboxSms:
    """The demo's: sends nothing, logs that it would have (never the number)."""

    name = "sandbox"

    def __init__(self) -> None:
        self.sent: list[str] = []
        """The keys "sent", once each."""

    async def send(self, phone: str, text: str, key: str) -> None:
        if key in self.sent:
            return
        self.sent.append(key)
        log.info("sandbox SMS %s (%d characters) not sent: the demo sends no SMS", key, len(text))
