"""Double-entry ledger: every journal's entries sum to zero."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError

CUSTOMER_PAYMENTS = "customer_payments"
PLATFORM_REVENUE = "platform_revenue"
REFUNDS = "refunds"
SUBSIDY_EXPENSE = "subsidy_expense"
COMPENSATION_EXPENSE = "compensation_expense"
WITHDRAWALS = "withdrawals"


def worker_payable(worker_id: int) -> str:
    """The account holding what the platform owes one worker."""
    return f"worker_payable:{worker_id}"


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
