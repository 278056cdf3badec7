"""Workers taking their money out: requests, approval above a threshold, payout.

With a payout provider running, an approved withdrawal is claimed by the payout sweep
(``SENDING``, once across processes), transferred, and ends ``PAID`` or ``FAILED`` (the money
back on the balance); without one, finance pays by hand and approving marks it paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.money import format_yuan
from domain.text import N_, Text


class WithdrawalStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"
    SENDING = "sending"
    """Claimed by the payout sweep: the transfer is being made, or its answer was lost."""
    FAILED = "failed"
    """The provider refused the transfer for good; the money went back to the balance."""


STATUS_TEXT: dict[str, Text] = {
    WithdrawalStatus.REQUESTED: N_("待审核"),
    WithdrawalStatus.APPROVED: N_("已通过"),
    WithdrawalStatus.REJECTED: N_("未通过"),
    WithdrawalStatus.PAID: N_("已支付"),
    WithdrawalStatus.SENDING: N_("打款中"),
    WithdrawalStatus.FAILED: N_("失败"),
}
"""A withdrawal's status by name, as finance reads it (``/withdrawals``, ``/payout``)."""


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
    payout_kind: str = ""
    """Where the transfer went (``PayoutKind``), set when the sweep claims it."""
    paid_to: str = ""
    """The account masked as the worker was shown it (``招商银行 尾号 1234``)."""
    sent_at: datetime | None = None
    """When the transfer was last sent, or asked about."""
    payout_ref: str = ""
    """The provider's reference of the transfer."""


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
