"""Insurers (``domain.gateways.InsurerGateway``): one accident / liability policy per paid order.

``HttpInsurer`` talks JSON to ``DAOJIA_INSURER_API_BASE`` with ``DAOJIA_INSURER_KEY``; it sends
only what an insurer needs to cover a visit (no name, phone or address of the customer):

    POST {base}/policies
    Authorization: Bearer {key}
    Idempotency-Key: daojia-policy-{id}
    {"request_id": "daojia-policy-{id}", "order": "240117", "item": "日常保洁",
     "starts_at": "2026-12-06T02:00:00+00:00", "ends_at": "2026-12-06T05:00:00+00:00",
     "insured_fen": 50000000, "currency": "CNY"}

    200/201 {"status": "issued", "policy_no": "…"}
            {"status": "pending"}            (asked again later, with the same key)
    4xx/5xx {"error": "…"}                   (asked again later; ops are told after the rules'
                                              attempts)

    POST {base}/policies/daojia-policy-{id}/void      (same headers, body {"order": "240117"})
    200 {"status": "voided"}                 (a policy already voided answers the same)

``SandboxInsurer`` (the demo, the sandbox test mode) issues at once, numbered ``SANDBOX-…``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp

from domain.gateways import PolicyOutcome
from domain.insurance import Policy

TIMEOUT_S = 20


def request_id(policy: Policy) -> str:
    return f"daojia-policy-{policy.id}"


def request_body(policy: Policy) -> dict[str, Any]:
    """What is sent to the insurer to issue (documented above)."""
    return {
        "request_id": request_id(policy),
        "order": str(policy.number),
        "item": policy.item,
        "starts_at": policy.starts_at.isoformat(),
        "ends_at": policy.ends_at.isoformat(),
        "insured_fen": policy.insured_cents,
        "currency": "CNY",
    }


def issue_outcome(status: int, body: object) -> PolicyOutcome:
    """The insurer's answer to an issue request, read."""
    data = body if isinstance(body, dict) else {}
    if status >= 300:
        return PolicyOutcome(False, note=f"insurer {status}: {str(data.get('error', ''))[:200]}")
    if data.get("status") != "issued":
        return PolicyOutcome(False, note=f"insurer: {str(data.get('status', '?'))[:50]}")
    number = str(data.get("policy_no", "")).strip()
    if not number or len(number) > 64:
        return PolicyOutcome(False, note="insurer: issued without a policy number")
    return PolicyOutcome(True, number)


def void_outcome(status: int, body: object) -> PolicyOutcome:
    """The insurer's answer to a void request, read."""
    data = body if isinstance(body, dict) else {}
    if status >= 300:
        return PolicyOutcome(False, note=f"insurer {status}: {str(data.get('error', ''))[:200]}")
    if data.get("status") != "voided":
        return PolicyOutcome(False, note=f"insurer: {str(data.get('status', '?'))[:50]}")
    return PolicyOutcome(True)


class HttpInsurer:
    name = "http"

    def __init__(self, base_url: str, key: str, timeout_s: float = TIMEOUT_S) -> None:
        self.base = base_url.rstrip("/") + "/policies"
        self.key = key
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def issue(self, policy: Policy) -> PolicyOutcome:
        return await self._post(policy, self.base, request_body(policy), issue_outcome)

    async def void(self, policy: Policy) -> PolicyOutcome:
        url = f"{self.base}/{request_id(policy)}/void"
        return await self._post(policy, url, {"order": str(policy.number)}, void_outcome)

    async def _post(
        self,
        policy: Policy,
        url: str,
        body: dict[str, Any],
        read: Callable[[int, object], PolicyOutcome],
    ) -> PolicyOutcome:
        headers = {"Authorization": f"Bearer {self.key}", "Idempotency-Key": request_id(policy)}
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(url, json=body, headers=headers) as resp,
            ):
                status = resp.status
                answer = await resp.json(content_type=None) if status < 500 else {}
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            return PolicyOutcome(False, note=f"insurer unreachable: {type(exc).__name__}")
        return read(status, answer)


class SandboxInsurer:
    """Issues and voids at once; policies numbered ``SANDBOX-…``."""

    name = "sandbox"

    async def issue(self, policy: Policy) -> PolicyOutcome:
        assert policy.id is not None
        return PolicyOutcome(True, f"SANDBOX-{policy.id:08d}")

    async def void(self, policy: Policy) -> PolicyOutcome:
        return PolicyOutcome(True)
