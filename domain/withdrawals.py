"""Workers taking their money out: requests, approval above a threshold, payout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.money import format_yuan
from domain.text import N_


class WithdrawalStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


@dataclass
class Withdrawal:
    worker_id: int
    amount_cents: int
    requested_at: datetime
    status: WithdrawalStatus = WithdrawalStatus.REQUESTED
    decided_by: str = ""
    decided_at: datetime | None = None
    paid_at: datetime | None = None
    note: str = ""
    id: int | None = None


def check_request(amount: int, available: int, minimum: int = 100) -> None:
    """Refuse an amount that is not positive, below the minimum, or above what is available."""
    if amount < minimum:
        raise DomainError(N_("最少提现 {minimum}", minimum=format_yuan(minimum)))
    if amount > available:
        raise DomainError(N_("可提现余额为 {available}", available=format_yuan(available)))


def available(balance_owed: int, recent_credits: int) -> int:
    """What may be withdrawn now: owed to the worker, less what was credited too recently
    (T+N). Both in positive fen."""
    return max(0, balance_owed - recent_credits)
