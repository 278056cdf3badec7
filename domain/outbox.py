"""Messages waiting to be sent: rendered when the change they report is committed, in the same
transaction, and delivered afterwards with retries (a platform outage delays, never loses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.rules import NotificationRules


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


@dataclass
class OutboxMessage:
    """``replies`` are serialised replies (conversations.replies); ``template`` a WeChat
    template message to try first (with the replies as the customer-service fallback)."""

    channel: str
    user_id: str
    event: str
    replies: list[dict[str, Any]]
    created_at: datetime
    next_attempt_at: datetime
    lang: str = "zh"
    claimed_until: datetime | None = None
    """Leased to a process until then (the one that wrote it sends it at once)."""
    template: dict[str, Any] | None = None
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    progress: int = 0
    sent_at: datetime | None = None
    last_error: str = ""
    id: int | None = None


def retry_delay(attempts: int, rules: NotificationRules, retry_after: float | None) -> timedelta:
    """Exponential backoff after the ``attempts``-th failure, capped; a platform's own
    ``retry_after`` wins when it asks for longer."""
    seconds = min(rules.retry_base_s * 2 ** max(attempts - 1, 0), rules.retry_cap_s)
    if retry_after is not None:
        seconds = max(seconds, int(retry_after + 0.999))
    return timedelta(seconds=seconds)


def after_failure(
    msg: OutboxMessage,
    *,
    reason: str,
    sent: int,
    permanent: bool,
    retry_after: float | None,
    now: datetime,
    rules: NotificationRules,
) -> None:
    """Record a failed attempt: back off and try again, or give up (dead) when retrying
    cannot help or the attempts are spent."""
    msg.attempts += 1
    msg.progress = max(msg.progress, sent)
    msg.last_error = reason[:300]
    if permanent or msg.attempts >= rules.max_attempts:
        msg.status = OutboxStatus.DEAD
        return
    msg.next_attempt_at = now + retry_delay(msg.attempts, rules, retry_after)
