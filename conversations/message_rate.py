"""A person's message rate in a chat turn: which window their message counts in (if any), and
the verdict on their count in it (``domain.risk``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from conversations.events import Inbound, LocationReported, PaymentReceived
from domain.risk import RateVerdict, rate_verdict, rate_window
from domain.rules import Rules
from domain.turns import RateLimiter


class MessageRate:
    """The rate limit of chat messages, counted by ``limiter`` (none: not limited)."""

    def __init__(
        self, limiter: RateLimiter | None, rules: Rules, clock: Callable[[], datetime]
    ) -> None:
        self.limiter = limiter
        self.rules = rules
        self.clock = clock

    def window(self, event: Inbound, admin_role: str) -> int | None:
        """The rate window to count the message in, or None when it is not limited: admins
        are not, nor payments a platform reports (the money has moved; the order must hear
        of it), nor locations it reports by itself (WeChat's, every few seconds: the person's
        own messages would be refused for them)."""
        reported = isinstance(event, PaymentReceived | LocationReported)
        if self.limiter is None or reported or admin_role:
            return None
        return rate_window(self.clock())

    async def verdict(
        self, event: Inbound, window: int | None, counted: int | None
    ) -> RateVerdict:
        """The verdict on the sender's message count (``counted`` by the store, or here)."""
        if window is None or self.limiter is None:
            return RateVerdict.ALLOW
        count = (
            counted
            if counted is not None
            else await self.limiter.hit(event.channel, event.user_id, window)
        )
        return rate_verdict(count, self.rules.risk.messages_per_minute)
