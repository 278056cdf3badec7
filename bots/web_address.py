"""Limits on the web chat per client address.

A signed cookie names a web user, but a new cookie costs nothing (``GET /`` without one), so
limits kept per web user alone would reset with every dropped cookie. These count per client
address as well: messages a minute (``rules.risk.web_messages_per_address_per_minute``, on top
of each person's ``messages_per_minute``) and new web users an hour
(``rules.risk.web_chats_per_address_per_hour``).

The address is the connection's peer (aiohttp's ``request.remote``): behind a reverse proxy
every visitor has the proxy's address and shares its limits (the README says so). An IPv6
address counts by its /64 network, what one subscriber usually gets. Counters are keyed by a
keyed hash of the address, never the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Callable
from datetime import datetime

from domain.risk import RateVerdict, rate_verdict, rate_window
from domain.rules import RiskRules
from domain.turns import RateLimiter

MINUTE_KEEP_S = 120
"""How long a minute window's counter is kept in Redis (as each person's message counter)."""
HOUR_S = 3600
HOUR_KEEP_S = HOUR_S + 120
"""How long an hour window's counter is kept in Redis (the window, with room for clocks)."""
MESSAGES = "web-address"
NEW_CHATS = "web-address-new"


def network(remote: str | None) -> str:
    """What one client address counts as: the IPv4 address, or the IPv6 /64 network."""
    try:
        ip = ipaddress.ip_address(remote or "")
    except ValueError:
        return "unknown"  # not an IP peer (a Unix socket): one shared count
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


class AddressLimits:
    """Counts a client address's web chat messages and new web users.

    Args:
        secret: the key of the address hash.
        minute: counters for minute windows (the chat's ``RateLimiter``).
        hour: counters for hour windows (in Redis: kept ``HOUR_KEEP_S``).
        risk: the limits.
        clock: now.
    """

    def __init__(
        self,
        *,
        secret: bytes,
        minute: RateLimiter,
        hour: RateLimiter,
        risk: RiskRules,
        clock: Callable[[], datetime],
    ) -> None:
        self._secret = secret
        self._minute, self._hour = minute, hour
        self._risk = risk
        self._clock = clock

    def _key(self, remote: str | None) -> str:
        return hmac.new(self._secret, network(remote).encode(), hashlib.sha256).hexdigest()[:24]

    async def message(self, remote: str | None) -> RateVerdict:
        """Count a message from ``remote``: allowed, over the limit (warn once), or dropped."""
        window = rate_window(self._clock())
        count = await self._minute.hit(MESSAGES, self._key(remote), window)
        return rate_verdict(count, self._risk.web_messages_per_address_per_minute)

    async def new_chat(self, remote: str | None) -> int:
        """Count a new web user from ``remote``: 0 when allowed, else the seconds until the
        next hour window, when it may try again."""
        now = self._clock()
        count = await self._hour.hit(NEW_CHATS, self._key(remote), rate_window(now, HOUR_S))
        if count <= self._risk.web_chats_per_address_per_hour:
            return 0
        return HOUR_S - int(now.timestamp()) % HOUR_S
