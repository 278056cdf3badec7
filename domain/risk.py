"""Risk rules that need no I/O (DESIGN §4 Risk): the per-person message rate limit and the
confirmation code for big orders.

The rate limit counts messages in fixed windows: window ``n`` holds the instants
``[n × length, (n + 1) × length)`` seconds since the epoch. A burst across a window edge can
reach twice the limit; for stopping floods that is as good as a rolling window, and a fixed
window is one counter per person (one ``INCR``) wherever it is kept.
"""

from __future__ import annotations

import re
from datetime import datetime
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
