"""Risk rules that need no I/O (DESIGN §4 Risk): the per-person message rate limit, the
confirmation code for big orders, and the windows that cap codes to join a chat account.

The rate limit counts messages in fixed windows: window ``n`` holds the instants
``[n × length, (n + 1) × length)`` seconds since the epoch. A burst across a window edge can
reach twice the limit; for stopping floods that is as good as a rolling window, and a fixed
window is one counter per person (one ``INCR``) wherever it is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum

from domain.rules import RiskRules
from domain.text import Bilingual, StoredNotes, bilingual, counting, stored_phrase

RATE_WINDOW_S = 60
"""``RiskRules.messages_per_minute`` counts messages in windows of this many seconds."""
CONFIRM_CODE_DIGITS = 6
CONFIRM_CODE_TRIES = 3
"""Wrong codes before the customer is sent back to the quote."""


class RateVerdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"
    """The first message over the limit in a window: not processed, the person is told once."""
    DROP = "drop"
    """Every later message in that window: not processed and not answered."""


def rate_window(now: datetime, length_s: int = RATE_WINDOW_S) -> int:
    """The number of the fixed window ``now`` falls in."""
    return int(now.timestamp()) // length_s


def rate_verdict(count: int, limit: int) -> RateVerdict:
    """What to do with a person's ``count``-th message of a window (this one included)."""
    if count <= limit:
        return RateVerdict.ALLOW
    return RateVerdict.WARN if count == limit + 1 else RateVerdict.DROP


def needs_confirm_code(total_cents: int, rules: RiskRules) -> bool:
    """Whether confirming an order of ``total_cents`` takes typing back a code."""
    return total_cents > rules.confirm_code_above_cents


@dataclass(frozen=True, slots=True)
class LinkWindow:
    """A cap on codes to join a chat account ("绑定"): at most ``cap`` under ``key`` in the
    fixed window that ends at ``until`` (the asker's clock hour, the number's hour and day)."""

    key: str
    until: datetime
    cap: int


def link_windows(
    asker: str, target: str, now: datetime, tz: tzinfo, rules: RiskRules
) -> tuple[LinkWindow, ...]:
    """The windows a new code for ``target`` (the number, hashed) asked by ``asker`` (a chat
    account, ``channel:user_id``) counts in at ``now``. Like the message rate limit, fixed
    windows: a burst across an edge can reach twice a cap, and an asker is told the edge."""
    hour = datetime.fromtimestamp((int(now.timestamp()) // 3600 + 1) * 3600, UTC)
    local = now.astimezone(tz)
    day = datetime.combine(local.date() + timedelta(days=1), time(), tz).astimezone(UTC)
    return (
        LinkWindow(f"asker-h:{asker}", hour, rules.link_codes_per_asker_per_hour),
        LinkWindow(f"target-h:{target}", hour, rules.link_codes_per_target_per_hour),
        LinkWindow(f"target-d:{target}", day, rules.link_codes_per_target_per_day),
    )


def link_locks(asker: str, target: str) -> tuple[str, ...]:
    """The keys a lockout (``link_code_tries`` wrong codes) holds for
    ``link_lockout_minutes``: the asking chat account's and the number's (if known)."""
    return (f"lock-asker:{asker}",) + ((f"lock-target:{target}",) if target else ())


_HOLDS: StoredNotes = (
    (
        re.compile(r"(?P<count>\d+) cancellations in (?P<hours>\d+) h"),
        lambda m: counting(
            "{hours} 小时内取消了 {count} 单",
            "{hours} 小时内取消了 {count} 单",
            int(m["count"]),
            count=int(m["count"]),
            hours=int(m["hours"]),
        ),
    ),
)
"""Why an order is held, as ``order_steps.hold_reason`` stores it, and how it reads."""


def hold_text(reason: str) -> Bilingual:
    """A stored hold reason in both languages (an admin's own words as they wrote them)."""
    return bilingual(stored_phrase(reason, _HOLDS))
