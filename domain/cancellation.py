"""The cancellation policy: how much of what was paid is kept as a fee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.lifecycle import Action, ActorKind, OrderStatus, next_status
from domain.money import apply_rate, format_yuan
from domain.rules import CancellationRules
from domain.text import N_, Text

AFTER_ARRIVAL = frozenset({OrderStatus.ARRIVED})
NOT_TAKEN = frozenset({OrderStatus.PAID, OrderStatus.DISPATCHING})
"""Paid, and no worker has taken the order yet."""


@dataclass(frozen=True, slots=True)
class CancellationTerms:
    fee_cents: int
    refund_cents: int
    reason: Text


def cancellation_terms(
    *,
    status: OrderStatus,
    paid_cents: int,
    deposit_cents: int,
    start_at: datetime,
    now: datetime,
    rules: CancellationRules,
    actor: ActorKind = ActorKind.CUSTOMER,
) -> CancellationTerms:
    """What cancelling now would cost. Raises if the order cannot be cancelled by ``actor``.

    The fee is a share of what was paid: nothing while no worker has taken the order
    (``free_until_accepted``) or ≥ ``free_before_hours`` before the start, ``fee_bp`` down to
    ``late_before_hours``, ``late_fee_bp`` after that; once the worker has arrived the deposit
    is kept in any case.
    """
    next_status(status, Action.CANCEL, actor)
    if paid_cents <= 0:
        return CancellationTerms(0, 0, N_("未支付,直接取消"))
    if status in NOT_TAKEN and rules.free_until_accepted:
        return CancellationTerms(0, paid_cents, N_("还没有师傅接单,全额退款"))
    before = start_at - now
    if before >= timedelta(hours=rules.free_before_hours):
        fee = 0
        reason = N_(
            "距开始 ≥ {free_before_hours} 小时,全额退款", free_before_hours=rules.free_before_hours
        )
    elif before >= timedelta(hours=rules.late_before_hours):
        fee = apply_rate(paid_cents, rules.fee_bp)
        reason = N_(
            "距开始不足 {free_before_hours} 小时,收取 {fee_bp}% 费用",
            free_before_hours=rules.free_before_hours,
            fee_bp=rules.fee_bp // 100,
        )
    else:
        fee = apply_rate(paid_cents, rules.late_fee_bp)
        reason = N_(
            "距开始不足 {late_before_hours} 小时,收取 {late_fee_bp}% 费用",
            late_before_hours=rules.late_before_hours,
            late_fee_bp=rules.late_fee_bp // 100,
        )
    if status in AFTER_ARRIVAL and rules.keep_deposit_after_arrival and deposit_cents > fee:
        fee = deposit_cents
        reason = N_(
            "师傅已上门,定金 {deposit_cents} 不退", deposit_cents=format_yuan(deposit_cents)
        )
    fee = min(fee, paid_cents)
    return CancellationTerms(fee, paid_cents - fee, reason)
