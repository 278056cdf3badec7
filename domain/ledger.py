"""Double-entry ledger: every journal's entries sum to zero.

Sign convention: positive = debit, negative = credit. Accounts:
``cash:{provider}`` (money held at a payment provider), ``customer_prepaid`` (what customers
paid for work not yet settled), ``platform_revenue``, ``subsidy_expense`` (coupons, first-order
discounts and free hours beyond their points' worth, which the platform pays for),
``compensation_expense``, ``worker_payable:{id}`` (what the platform owes a worker),
``withdrawals_pending`` and ``cash:payouts``; and for points (``domain.points``):
``points_liability`` (what the points customers hold are worth), ``points_applied`` (points
spent on orders not yet settled) and ``points_expense`` (the cost of the points given, less
those taken back, expired or forfeited); and for prepaid cards (``domain.cards``):
``card_deferred`` (what customers paid for card visits not used yet) and ``card_applied``
(the value of visits used on orders not yet settled).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError
from domain.money import apply_rate

CUSTOMER_PREPAID = "customer_prepaid"
PLATFORM_REVENUE = "platform_revenue"
SUBSIDY_EXPENSE = "subsidy_expense"
COMPENSATION_EXPENSE = "compensation_expense"
WITHDRAWALS_PENDING = "withdrawals_pending"
PAYOUTS = "cash:payouts"
POINTS_LIABILITY = "points_liability"
POINTS_APPLIED = "points_applied"
POINTS_EXPENSE = "points_expense"
CARD_DEFERRED = "card_deferred"
CARD_APPLIED = "card_applied"


def worker_payable(worker_id: int | str) -> str:
    """The account holding what the platform owes one worker."""
    return f"worker_payable:{worker_id}"


def cash(provider: str) -> str:
    return f"cash:{provider}"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    journal: str
    account: str
    amount_cents: int
    at: datetime
    order_id: int | None = None
    memo: str = ""


def journal(
    key: str,
    at: datetime,
    postings: Iterable[tuple[str, int]],
    *,
    order_id: int | None = None,
    memo: str = "",
) -> list[LedgerEntry]:
    """Build one balanced journal; raises DomainError if the postings do not sum to zero."""
    entries = [
        LedgerEntry(key, account, amount, at, order_id, memo)
        for account, amount in postings
        if amount
    ]
    if sum(e.amount_cents for e in entries) != 0:
        raise DomainError(f"journal {key} does not balance")
    return entries


def payment_received(
    reference: str, provider: str, amount: int, order_id: int, at: datetime
) -> list[LedgerEntry]:
    return journal(
        f"pay:{reference}",
        at,
        [(cash(provider), amount), (CUSTOMER_PREPAID, -amount)],
        order_id=order_id,
        memo="payment",
    )


def refund_paid(
    reference: str, provider: str, amount: int, order_id: int, at: datetime, *, held: int
) -> list[LedgerEntry]:
    """Money back to the customer. ``held`` is what ``customer_prepaid`` still holds for the
    order and no other pending refund is waiting for: the refund takes that first, and the
    rest comes out of ``platform_revenue`` (a cancellation fee or a settled order already
    became revenue), so the order's prepaid balance never goes below zero."""
    from_prepaid = max(0, min(amount, held))
    return journal(
        f"refund:{reference}",
        at,
        [
            (CUSTOMER_PREPAID, from_prepaid),
            (PLATFORM_REVENUE, amount - from_prepaid),
            (cash(provider), -amount),
        ],
        order_id=order_id,
        memo="refund",
    )


def prepaid_held(entries: Iterable[LedgerEntry]) -> int:
    """What ``customer_prepaid`` holds for the customer in ``entries`` (one order's)."""
    return -sum(e.amount_cents for e in entries if e.account == CUSTOMER_PREPAID)


def fee_kept(order_id: int, number: int, fee: int, at: datetime) -> list[LedgerEntry]:
    """A cancellation fee: part of what the customer paid becomes platform revenue."""
    return journal(
        f"fee:{number}",
        at,
        [(CUSTOMER_PREPAID, fee), (PLATFORM_REVENUE, -fee)],
        order_id=order_id,
        memo="cancellation fee",
    )


def reschedule_fee_kept(
    reference: str, order_id: int, fee: int, at: datetime
) -> list[LedgerEntry]:
    """A reschedule fee the customer paid: revenue at once, as a cancellation fee is."""
    return journal(
        f"resched:{reference}",
        at,
        [(CUSTOMER_PREPAID, fee), (PLATFORM_REVENUE, -fee)],
        order_id=order_id,
        memo="reschedule fee",
    )


@dataclass(frozen=True, slots=True)
class Split:
    """How a confirmed order's money is shared (all fen)."""

    paid: int
    subsidy: int
    worker: int
    deduction: int
    compensation: int
    platform: int
    points: int = 0
    """The part of ``subsidy`` that points spent on the order pay (from ``points_applied``)."""
    card: int = 0
    """The value of the prepaid card's visit the order used (from ``card_applied``): it pays
    the card's line, and the platform pays (or keeps) the difference."""

    @property
    def value(self) -> int:
        return self.paid + self.subsidy


def split(
    *,
    paid: int,
    subsidy: int,
    commission_bp: int,
    late_deduction_bp: int,
    compensation: int,
    points: int = 0,
    card: int = 0,
) -> Split:
    """Share ``paid`` (net of refunds) plus the platform-funded ``subsidy`` (of which
    ``points`` is what the points spent on the order were worth).

    The worker earns the job's value less the commission, less a lateness deduction; the
    platform keeps the rest and pays any transfer compensation out of it.
    """
    value = paid + subsidy
    worker = value - apply_rate(value, commission_bp)
    deduction = apply_rate(worker, late_deduction_bp)
    platform = value - worker + deduction
    return Split(
        paid, subsidy, worker - deduction, deduction, compensation, platform, points, card
    )


def settlement(
    number: int,
    order_id: int,
    worker_id: int,
    s: Split,
    at: datetime,
    compensated_worker: int | None = None,
) -> list[LedgerEntry]:
    postings = [
        (CUSTOMER_PREPAID, s.paid),
        (SUBSIDY_EXPENSE, s.subsidy - s.points - s.card),
        (POINTS_APPLIED, s.points),
        (CARD_APPLIED, s.card),
        (worker_payable(worker_id), -s.worker),
        (PLATFORM_REVENUE, -s.platform),
    ]
    if s.compensation and compensated_worker is not None:
        postings += [
            (COMPENSATION_EXPENSE, s.compensation),
            (worker_payable(compensated_worker), -s.compensation),
        ]
    return journal(f"settle:{number}", at, postings, order_id=order_id, memo="settlement")


def complaint_clawback(
    complaint_id: int, order_id: int, worker_id: int, amount: int, at: datetime
) -> list[LedgerEntry]:
    """A refund after settlement: the worker gives back their share of it (the platform's
    revenue then pays the refund out)."""
    return journal(
        f"clawback:{complaint_id}",
        at,
        [(worker_payable(worker_id), amount), (PLATFORM_REVENUE, -amount)],
        order_id=order_id,
        memo="complaint refund, worker's share",
    )


def withdrawal_held(
    withdrawal_id: int, worker_id: int, amount: int, at: datetime
) -> list[LedgerEntry]:
    return journal(
        f"withdraw:{withdrawal_id}",
        at,
        [(worker_payable(worker_id), amount), (WITHDRAWALS_PENDING, -amount)],
        memo="withdrawal requested",
    )


def withdrawal_released(
    withdrawal_id: int, worker_id: int, amount: int, at: datetime, memo: str = ""
) -> list[LedgerEntry]:
    """The held amount back on the worker's balance: finance refused the withdrawal, or the
    provider refused its transfer."""
    return journal(
        f"withdraw-undo:{withdrawal_id}",
        at,
        [(WITHDRAWALS_PENDING, amount), (worker_payable(worker_id), -amount)],
        memo=memo or "withdrawal rejected",
    )


def withdrawal_paid(withdrawal_id: int, amount: int, at: datetime) -> list[LedgerEntry]:
    return journal(
        f"payout:{withdrawal_id}",
        at,
        [(WITHDRAWALS_PENDING, amount), (PAYOUTS, -amount)],
        memo="withdrawal paid",
    )


def points_awarded(
    key: str, value: int, at: datetime, *, order_id: int | None = None, memo: str = ""
) -> list[LedgerEntry]:
    """Points given to a customer: a cost now, owed until they are spent or lapse."""
    return journal(
        f"points:{key}",
        at,
        [(POINTS_EXPENSE, value), (POINTS_LIABILITY, -value)],
        order_id=order_id,
        memo=memo or "points awarded",
    )


def points_withdrawn(
    key: str, value: int, at: datetime, *, order_id: int | None = None, memo: str = ""
) -> list[LedgerEntry]:
    """Points taken back (a refund) or expired: no longer owed, no longer a cost."""
    return journal(
        f"points:{key}",
        at,
        [(POINTS_LIABILITY, value), (POINTS_EXPENSE, -value)],
        order_id=order_id,
        memo=memo or "points withdrawn",
    )


def points_redeemed(key: str, value: int, order_id: int, at: datetime) -> list[LedgerEntry]:
    """Points spent at checkout: no longer owed to the customer, held for the order until it
    settles (the settlement pays the job's value with them) or is cancelled."""
    return journal(
        f"points:{key}",
        at,
        [(POINTS_LIABILITY, value), (POINTS_APPLIED, -value)],
        order_id=order_id,
        memo="points redeemed",
    )


def points_returned(
    key: str, applied: int, value: int, order_id: int, at: datetime
) -> list[LedgerEntry]:
    """The points an order used, back to the customer (worth ``value`` to their balance):
    what the order still held of them (``applied``) is released, and any difference — the
    order had settled, or rounding — is a cost again."""
    return journal(
        f"points:{key}",
        at,
        [(POINTS_APPLIED, applied), (POINTS_LIABILITY, -value), (POINTS_EXPENSE, value - applied)],
        order_id=order_id,
        memo="points returned",
    )


def points_forfeited(key: str, applied: int, order_id: int, at: datetime) -> list[LedgerEntry]:
    """The points of an order cancelled with a fee are kept: what it held of them is no
    longer a cost."""
    return journal(
        f"points:{key}",
        at,
        [(POINTS_APPLIED, applied), (POINTS_EXPENSE, -applied)],
        order_id=order_id,
        memo="points forfeited",
    )


def points_applied(entries: Iterable[LedgerEntry]) -> int:
    """What ``points_applied`` holds for the order in ``entries`` (one order's)."""
    return -sum(e.amount_cents for e in entries if e.account == POINTS_APPLIED)
