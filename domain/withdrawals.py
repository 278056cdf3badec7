"""Workers taking their money out: requests, approval above a threshold, payout.

With a payout provider running, an approved withdrawal is claimed by the payout sweep
(``SENDING``, once across processes), transferred, and ends ``PAID`` or ``FAILED`` (the money
back on the balance); without one, finance pays by hand and approving marks it paid. One
approved automatically (the worker told it is being paid) or handed to the provider is no
longer rejected by finance (``check_rejectable``)."""

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
    HELD = "held"
    """Approved, not paid: the worker's payout card is in another's name (a card saved before
    holders were checked: ``payouts.paid_to_another``). Paid once they add an account of their
    own (back to ``APPROVED``); finance may reject it meanwhile (the money back)."""


STATUS_TEXT: dict[str, Text] = {
    WithdrawalStatus.REQUESTED: N_("待审核"),
    WithdrawalStatus.APPROVED: N_("已通过"),
    WithdrawalStatus.REJECTED: N_("未通过"),
    WithdrawalStatus.PAID: N_("已支付"),
    WithdrawalStatus.SENDING: N_("打款中"),
    WithdrawalStatus.FAILED: N_("失败"),
    WithdrawalStatus.HELD: N_("暂缓打款:待师傅换本人银行卡"),
}
"""A withdrawal's status by name, as finance reads it (``/withdrawals``, ``/payout``)."""

AUTO = "auto"
"""``decided_by`` of a withdrawal approved without an admin (at or under the threshold): the
worker was told at once that it is being paid."""


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


def check_rejectable(withdrawal_id: int, status: WithdrawalStatus, decided_by: str) -> None:
    """Refuse to reject (``/reject_withdrawal``) a withdrawal the worker was told is being
    paid — approved automatically — or that the payout sweep handed to the provider (sending)
    or that ended: a ``DomainError`` saying why, with its status in words. One waiting for
    finance may be rejected, and so may one an admin approved that the sweep has not taken
    yet (the worker was told nothing; the money goes back to the balance and they are told),
    and so may one held for a card in another's name."""
    if status in (WithdrawalStatus.REQUESTED, WithdrawalStatus.HELD):
        return
    if status == WithdrawalStatus.APPROVED and decided_by != AUTO:
        return
    value = STATUS_TEXT[status]
    if status == WithdrawalStatus.APPROVED:
        raise DomainError(
            N_(
                "提现 #{withdrawal_id} 不能再拒绝:已自动批准,师傅已被告知会打款(状态:{value})。",
                withdrawal_id=withdrawal_id,
                value=value,
            )
        )
    if status == WithdrawalStatus.SENDING:
        raise DomainError(
            N_(
                "提现 #{withdrawal_id} 不能再拒绝:已交给支付渠道打款,无法撤回(状态:{value})。",
                withdrawal_id=withdrawal_id,
                value=value,
            )
        )
    raise DomainError(
        N_("提现 #{withdrawal_id} 已处理({value})", withdrawal_id=withdrawal_id, value=value)
    )


def available(balance_owed: int, recent_credits: int) -> int:
    """What may be withdrawn now: owed to the worker, less what was credited too recently
    (T+N). Both in positive fen."""
    return max(0, balance_owed - recent_credits)
