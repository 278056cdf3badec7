"""The ledger movements of prepaid cards (``domain.cards``): what a card's buyer paid is
deferred revenue (``card_deferred``) until its visits are used or it ends.

- bought: cash in, ``card_deferred`` credited;
- a visit used by an order: its value moves to ``card_applied`` for the order (settlement
  then pays the card's line with it, like points), given back when the order is cancelled or
  refunded (after settlement the platform pays it back: ``subsidy_expense``);
- refunded: the pro-rata part goes back through the provider, the rest is revenue;
- expired: what is left is revenue (breakage).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.ledger import (
    CARD_APPLIED,
    CARD_DEFERRED,
    PLATFORM_REVENUE,
    SUBSIDY_EXPENSE,
    LedgerEntry,
    cash,
    journal,
)


def card_paid(
    reference: str, provider: str, amount: int, card_id: int, at: datetime
) -> list[LedgerEntry]:
    return journal(
        f"card-pay:{reference}",
        at,
        [(cash(provider), amount), (CARD_DEFERRED, -amount)],
        memo=f"card {card_id} bought",
    )


def visit_used(
    card_id: int, order_id: int, number: int, value: int, at: datetime
) -> list[LedgerEntry]:
    return journal(
        f"card-use:{card_id}:{number}",
        at,
        [(CARD_DEFERRED, value), (CARD_APPLIED, -value)],
        order_id=order_id,
        memo=f"card {card_id} visit used",
    )


def visit_returned(
    card_id: int, order_id: int, number: int, applied: int, value: int, at: datetime
) -> list[LedgerEntry]:
    """The visit back on the card, worth ``value``: what the order still held of it
    (``applied``) is released; the rest (the order had settled) the platform pays."""
    return journal(
        f"card-back:{card_id}:{number}",
        at,
        [(CARD_APPLIED, applied), (SUBSIDY_EXPENSE, value - applied), (CARD_DEFERRED, -value)],
        order_id=order_id,
        memo=f"card {card_id} visit returned",
    )


def visit_lapsed(
    card_id: int, order_id: int, number: int, applied: int, at: datetime
) -> list[LedgerEntry]:
    """An order's visit comes back to a card that ended since (expired or refunded): what
    the order held of it is revenue, like the rest of that card's value."""
    return journal(
        f"card-back:{card_id}:{number}",
        at,
        [(CARD_APPLIED, applied), (PLATFORM_REVENUE, -applied)],
        order_id=order_id,
        memo=f"card {card_id} visit back on an ended card",
    )


def card_breakage(card_id: int, amount: int, at: datetime, why: str) -> list[LedgerEntry]:
    """Deferred value that no visit will use (expired, or the part of a refund kept)."""
    return journal(
        f"card-{why}:{card_id}",
        at,
        [(CARD_DEFERRED, amount), (PLATFORM_REVENUE, -amount)],
        memo=f"card {card_id} {why}",
    )


def card_refunded(
    reference: str, provider: str, amount: int, card_id: int, at: datetime
) -> list[LedgerEntry]:
    """The provider paid the refund back: it leaves ``card_deferred``."""
    return journal(
        f"card-refund:{reference}",
        at,
        [(CARD_DEFERRED, amount), (cash(provider), -amount)],
        memo=f"card {card_id} refunded",
    )


def card_applied(entries: Iterable[LedgerEntry]) -> int:
    """What ``card_applied`` holds for the order in ``entries`` (one order's)."""
    return -sum(e.amount_cents for e in entries if e.account == CARD_APPLIED)
