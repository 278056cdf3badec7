"""The cancellation policy: how much of what was paid is kept as a fee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.lifecycle import Action, ActorKind, OrderStatus, next_status
from domain.money import apply_rate
from domain.rules import CancellationRules
from domain.text import Phrase
from domain.timeline_notes import (
    cancel_deposit_note,
    cancel_fee_note,
    cancel_free_note,
    cancel_late_fee_note,
    cancel_not_taken_note,
    cancel_refunded_note,
    cancel_unpaid_note,
    note_phrase,
)

AFTER_ARRIVAL = frozenset({OrderStatus.ARRIVED})
NOT_TAKEN = frozenset({OrderStatus.PAID, OrderStatus.DISPATCHING})
"""Paid, and no worker has taken the order yet."""


@dataclass(frozen=True, slots=True)
class CancellationTerms:
    fee_cents: int
    refund_cents: int
    note: str
    """Why, as the order's timeline stores it (``domain.timeline_notes``: ``cancel_fee:24:20``)."""

    @property
    def reason(self) -> Phrase:
        """Why, as the customer and the admins read it."""
        return note_phrase(self.note, None)  # a cancellation's note holds no day


def cancellation_terms(
    *,
    status: OrderStatus,
    paid_cents: int,
    deposit_cents: int,
    start_at: datetime,
    now: datetime,
    rules: CancellationRules,
    actor: ActorKind = ActorKind.CUSTOMER,
    number: int | None = None,
    refunded_cents: int = 0,
) -> CancellationTerms:
    """What cancelling now would cost. Raises if the order cannot be cancelled by ``actor``
    (the refusal names order ``number`` when given).

    The fee is a share of what was paid: nothing while no worker has taken the order
    (``free_until_accepted``) or ≥ ``free_before_hours`` before the start, ``fee_bp`` down to
    ``late_before_hours``, ``late_fee_bp`` after that; once the worker has arrived the deposit
    is kept in any case. ``paid_cents`` is what is left of the payments (``refunded_cents``
    already returned): nothing left of money paid is "refunded already", not "not paid".
    """
    next_status(status, Action.CANCEL, actor, number)
    if paid_cents <= 0:
        note = cancel_refunded_note() if refunded_cents > 0 else cancel_unpaid_note()
        return CancellationTerms(0, 0, note)
    if status in NOT_TAKEN and rules.free_until_accepted:
        return CancellationTerms(0, paid_cents, cancel_not_taken_note())
    before = start_at - now
    if before >= timedelta(hours=rules.free_before_hours):
        fee = 0
        note = cancel_free_note(rules.free_before_hours)
    elif before >= timedelta(hours=rules.late_before_hours):
        fee = apply_rate(paid_cents, rules.fee_bp)
        note = cancel_fee_note(rules.free_before_hours, rules.fee_bp // 100)
    else:
        fee = apply_rate(paid_cents, rules.late_fee_bp)
        note = cancel_late_fee_note(rules.late_before_hours, rules.late_fee_bp // 100)
    if status in AFTER_ARRIVAL and rules.keep_deposit_after_arrival and deposit_cents > fee:
        fee = deposit_cents
        note = cancel_deposit_note(deposit_cents)
    fee = min(fee, paid_cents)
    return CancellationTerms(fee, paid_cents - fee, note)
