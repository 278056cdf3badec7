"""The worker deposit (保证金, DESIGN §4b): how much a worker should hold, what a settlement
withholds towards it, what a penalty takes from it, and its journals.

The deposit is the ``worker_deposit:{id}`` account of the ledger (a credit: what the platform
holds for the worker). Every movement is one balanced journal against the worker's balance
(``worker_payable:{id}``) or, for a penalty the rules charge to the deposit, against the
platform's revenue (which paid the refund).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.ledger import PLATFORM_REVENUE, LedgerEntry, journal, worker_payable
from domain.money import apply_rate
from domain.rules import DepositRules, WorkerLevel

HOLD = "deposit:"
COVER = "deposit-cover:"
PENALTY = "deposit-penalty:"
RELEASE = "deposit-release:"


def worker_deposit(worker_id: int | str) -> str:
    """The account holding one worker's deposit."""
    return f"worker_deposit:{worker_id}"


def target(level: WorkerLevel, complaint_rate_bp: int, rules: DepositRules) -> int:
    """What the worker should hold: their level's amount, raised when their complaint rate
    is over the rule's."""
    base = rules.amount_cents.get(level, 0)
    if complaint_rate_bp > rules.complaint_rate_above_bp:
        return apply_rate(base, rules.raised_bp)
    return base


def to_hold(earned: int, held: int, goal: int, rules: DepositRules) -> int:
    """What a settlement that earned the worker ``earned`` withholds: the rule's share of
    it, no more than the deposit still lacks, never negative."""
    return max(0, min(apply_rate(max(earned, 0), rules.hold_bp), goal - held))


@dataclass(frozen=True, slots=True)
class Charge:
    """How a penalty on a worker is paid (fen)."""

    cover: int
    """From the deposit to the worker's balance, so the balance can bear the penalty."""
    penalty: int
    """From the deposit straight to the platform (beyond the worker's share of the order)."""


def charge(owed: int, share: int, beyond: int, held: int) -> Charge:
    """A penalty of ``share`` charged to a balance of ``owed`` (what the worker may still be
    paid) and ``beyond`` the rules charge to the deposit: the deposit tops the balance up
    when it is short, then pays what it can of ``beyond``; it never goes below zero."""
    cover = min(max(share - max(owed, 0), 0), held)
    penalty = min(max(beyond, 0), held - cover)
    return Charge(cover, penalty)


def held_journal(
    ref: int | str, order_id: int, worker_id: int, amount: int, at: datetime
) -> list[LedgerEntry]:
    """Part of a settlement withheld into the deposit (``ref``: the order's number, or a
    placement period's ``number:pK:worker``)."""
    return journal(
        f"{HOLD}{ref}",
        at,
        [(worker_payable(worker_id), amount), (worker_deposit(worker_id), -amount)],
        order_id=order_id,
        memo="deposit held",
    )


def charge_journals(
    key: str, order_id: int, worker_id: int, c: Charge, at: datetime
) -> list[LedgerEntry]:
    """The deposit paying a penalty (``key``: the complaint's id)."""
    entries: list[LedgerEntry] = []
    if c.cover:
        entries += journal(
            f"{COVER}{key}",
            at,
            [(worker_deposit(worker_id), c.cover), (worker_payable(worker_id), -c.cover)],
            order_id=order_id,
            memo="deposit covers a penalty",
        )
    if c.penalty:
        entries += journal(
            f"{PENALTY}{key}",
            at,
            [(worker_deposit(worker_id), c.penalty), (PLATFORM_REVENUE, -c.penalty)],
            order_id=order_id,
            memo="deposit penalty",
        )
    return entries


def released_journal(key: str, worker_id: int, amount: int, at: datetime) -> list[LedgerEntry]:
    """The whole deposit back on the worker's balance (they left in good standing)."""
    return journal(
        f"{RELEASE}{key}",
        at,
        [(worker_deposit(worker_id), amount), (worker_payable(worker_id), -amount)],
        memo="deposit released",
    )
