"""Accident / liability insurance (保险): every paid order gets a policy from an insurer,
requested in the transaction that makes the order paid and issued out of the chat path by a
sweep (``IssuePolicies``); a cancelled or refunded order's policy is voided. Pure: the policy,
its statuses and the retry schedule of an insurer that failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.rules import PaymentRules


class PolicyStatus(StrEnum):
    REQUESTED = "requested"
    """Waiting for the sweep (new, or to be tried again at ``next_attempt_at``)."""
    ISSUING = "issuing"
    """Held by one process while it asks the insurer (until ``claimed_until``)."""
    ISSUED = "issued"
    FAILED = "failed"
    """The insurer failed every attempt: ops were told once."""
    VOIDING = "voiding"
    """Held by one process while it asks the insurer to void it."""
    VOIDED = "voided"
    VOID_FAILED = "void_failed"


@dataclass
class Policy:
    """One policy for one paid order; ``id`` is the insurer's idempotency key."""

    order_id: int
    number: int
    """The order's number (what the customer and ops see)."""
    item: str
    """The service item's name, as the insurer sees it."""
    starts_at: datetime
    ends_at: datetime
    insured_cents: int
    created_at: datetime
    next_attempt_at: datetime
    status: PolicyStatus = PolicyStatus.REQUESTED
    attempts: int = 0
    claimed_until: datetime | None = None
    policy_no: str = ""
    note: str = ""
    id: int | None = None


def retry_at(attempts: int, now: datetime, rules: PaymentRules) -> datetime:
    """When to ask the insurer again after the ``attempts``-th failure (backoff, capped)."""
    seconds = min(
        rules.insurance_retry_base_s * 2 ** max(attempts - 1, 0), rules.insurance_retry_cap_s
    )
    return now + timedelta(seconds=seconds)


def after_failure(policy: Policy, note: str, now: datetime, rules: PaymentRules) -> bool:
    """An issuing attempt failed: back to ``requested`` for a later try, or ``failed`` once
    the attempts are spent. True when it just became failed (ops are told, once)."""
    policy.attempts += 1
    policy.note = note[:300]
    policy.claimed_until = None
    if policy.attempts >= rules.insurance_max_attempts:
        policy.status = PolicyStatus.FAILED
        return True
    policy.status = PolicyStatus.REQUESTED
    policy.next_attempt_at = retry_at(policy.attempts, now, rules)
    return False


def after_void_failure(policy: Policy, note: str, now: datetime, rules: PaymentRules) -> bool:
    """A void attempt failed: kept ``issued`` for a later try (the sweep asks again), or
    ``void_failed`` once the attempts are spent. True when it just gave up."""
    policy.attempts += 1
    policy.note = note[:300]
    policy.claimed_until = None
    if policy.attempts >= rules.insurance_max_attempts:
        policy.status = PolicyStatus.VOID_FAILED
        return True
    policy.status = PolicyStatus.ISSUED
    policy.next_attempt_at = retry_at(policy.attempts, now, rules)
    return False
