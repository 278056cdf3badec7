"""Settling confirmed orders (the split by level, lateness deduction, transfer compensation,
platform-funded discounts; the customer's points for what they paid, and their level),
workers' withdrawals, and the daily settlement report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from conversations.services import deposits, payout_holds, points, refunds
from conversations.services.notices import Notice, to_admins, to_worker
from domain.card_ledger import card_applied
from domain.errors import DomainError
from domain.execution import is_late
from domain.ledger import (
    PLATFORM_REVENUE,
    SUBSIDY_EXPENSE,
    points_applied,
    settlement,
    split,
    withdrawal_held,
    withdrawal_paid,
    withdrawal_released,
    worker_payable,
)
from domain.lifecycle import Action, OrderStatus
from domain.moments import When
from domain.money import format_yuan
from domain.orders import SYSTEM, Order
from domain.payments import PaymentKind, PaymentStatus
from domain.placement_billing import settled_by_periods
from domain.ports import Reads, UnitOfWork
from domain.rules import Rules
from domain.settlement import PLATFORM_FUNDED, commission_bp
from domain.text import N_, Text
from domain.timeline_notes import settled_note
from domain.withdrawals import (
    AUTO,
    Withdrawal,
    WithdrawalStatus,
    available,
    check_rejectable,
    check_request,
)
from domain.withdrawals import STATUS_TEXT as WITHDRAWAL_STATUS

HELD = WithdrawalStatus.HELD


async def settle(uow: UnitOfWork, rules: Rules, order: Order, now: datetime) -> list[Notice]:
    """Split a confirmed order's money and mark it settled (once: the journal key)."""
    if order.status != OrderStatus.CONFIRMED or order.worker_id is None or order.id is None:
        return []
    if await uow.ledger.has_journal(f"settle:{order.number}"):
        return []
    if await uow.complaints.open_for_order(order.id):
        return []  # a complaint freezes the settlement until it is resolved
    payments = await uow.payments.for_order(order.id)
    pending = sum(
        p.amount_cents
        for p in payments
        if p.kind == PaymentKind.REFUND and p.status == PaymentStatus.PENDING
    )
    fees = await refunds.fees_kept(uow, order.id)  # revenue when they were paid
    paid = order.paid_cents - order.refunded_cents - pending - fees
    if order.paid_cents > 0 and paid <= 0:
        return []  # refunded in full: nothing to share
    if not order.lines:
        full = await uow.orders.get(order.id)
        assert full is not None
        order.lines = full.lines
    worker = await uow.workers.get(order.worker_id)
    assert worker is not None
    subsidy = -sum(line.amount_cents for line in order.lines if line.kind in PLATFORM_FUNDED)
    late = is_late(order.late_minutes, rules.lateness)
    entries = await uow.ledger.for_order(order.id)
    paid -= settled_by_periods(order.number, entries)  # a placement's periods, settled before
    share = split(
        paid=paid,
        subsidy=subsidy,
        commission_bp=commission_bp(worker.level, rules.settlement),
        late_deduction_bp=rules.lateness.deduction_bp if late else 0,
        compensation=order.transfer_compensation_cents if order.transfer_from_worker_id else 0,
        points=points_applied(entries),
        card=card_applied(entries),
    )
    await uow.ledger.post(
        settlement(
            order.number, order.id, order.worker_id, share, now, order.transfer_from_worker_id
        )
    )
    order.apply(Action.SETTLE, SYSTEM, now, settled_note(share.worker, share.platform))
    await uow.orders.save(order, now)
    return [
        to_worker(order.worker_id, "settled", number=order.number, earn=share.worker),
        *await deposits.hold(uow, rules, order, worker, share.worker, now),
        *await points.credit_order(uow, rules, order, paid, now),
        *await points.check_level(uow, rules, order.customer_id, now),
    ]


async def withdrawable(uow: Reads, rules: Rules, worker_id: int, now: datetime) -> int:
    """Owed to the worker, less what settlements credited too recently (T+N) and did not
    withhold for the deposit; money given back by a refused withdrawal is available again
    at once."""
    owed = -await uow.ledger.balance(worker_payable(worker_id))
    since = now - timedelta(days=rules.settlement.withdraw_after_days)
    recent = -await uow.ledger.balance(
        worker_payable(worker_id), since=since, credits_only=True, journal_prefix="settle:"
    ) - await deposits.recently_held(uow, worker_id, since)
    frozen = 0  # older settlements of orders with a complaint open wait for its outcome
    for complaint in await uow.complaints.open_for_worker(worker_id):
        frozen -= sum(
            e.amount_cents
            for e in await uow.ledger.for_order(complaint.order_id)
            if e.account == worker_payable(worker_id)
            and e.journal.startswith("settle:")
            and e.at < since
        )
    return max(available(owed, recent) - frozen, 0)


async def request_withdrawal(
    uow: UnitOfWork,
    rules: Rules,
    worker_id: int,
    amount: int,
    now: datetime,
    *,
    need_account: bool = False,
) -> tuple[Withdrawal, list[Notice]]:
    """Hold the amount; approved at once up to the threshold, otherwise finance decides.
    ``need_account``: a payout provider pays it, to the worker's payout account."""
    if need_account and await uow.payout_accounts.get(worker_id) is None:
        raise DomainError(N_("请先添加收款账户(发送「收款账户」),再申请提现。"))
    check_request(
        amount,
        await withdrawable(uow, rules, worker_id, now),
        rules.settlement.withdrawal_min_cents,
    )
    auto = amount <= rules.settlement.withdrawal_approval_above_cents
    w = await uow.withdrawals.add(
        Withdrawal(
            worker_id,
            amount,
            now,
            WithdrawalStatus.APPROVED if auto else WithdrawalStatus.REQUESTED,
            decided_by=AUTO if auto else "",
            decided_at=now if auto else None,
        )
    )
    assert w.id is not None
    await uow.ledger.post(withdrawal_held(w.id, worker_id, amount, now))
    if auto:
        await uow.withdrawals.decide(w, [WithdrawalStatus.APPROVED])
        card = await payout_holds.card_of_another(uow, worker_id)
        if card is None:
            return w, []
        # approved, not paid to a card in another's name: the worker reads why in their reply
        held = await payout_holds.hold(uow, w, [WithdrawalStatus.APPROVED], card, worker=False)
        return w, held or []
    worker = await uow.workers.get(worker_id)
    return w, [
        to_admins(
            "withdrawal_to_approve_admin",
            "owner",
            "finance",
            withdrawal_id=w.id,
            worker=worker.name if worker is not None else "",
            worker_id=worker_id,
            amount=amount,
        )
    ]


async def decide_withdrawal(
    uow: UnitOfWork,
    withdrawal_id: int,
    approve: bool,
    admin: str,
    reason: str,
    now: datetime,
    *,
    transfer: bool = False,
) -> tuple[Withdrawal, list[Notice]]:
    """Finance pays (approve) or refuses a withdrawal; refusing releases the held amount and
    tells the worker — not once the worker was told it is being paid or the sweep has it
    (``check_rejectable``; checked again by the conditional update, which loses to a sweep
    that claimed it meanwhile). ``transfer``: a payout provider runs — approving leaves the
    withdrawal to the payout sweep (``conversations.services.payouts``), which pays it and
    tells the worker. Approving one whose worker's payout card is in another's name holds it
    instead (``payout_holds``); a held one may be rejected, or approved again once the card is
    the worker's own."""
    w = await uow.withdrawals.get(withdrawal_id)
    if w is None:
        raise DomainError(N_("没有提现申请 #{withdrawal_id}", withdrawal_id=withdrawal_id))
    if not approve:
        check_rejectable(withdrawal_id, w.status, w.decided_by)
    if w.status not in (WithdrawalStatus.REQUESTED, WithdrawalStatus.APPROVED, HELD):
        raise DomainError(
            N_(
                "提现 #{withdrawal_id} 已处理({value})",
                withdrawal_id=withdrawal_id,
                value=WITHDRAWAL_STATUS[w.status],
            )
        )
    previous = w.status
    if approve and transfer and previous == WithdrawalStatus.APPROVED:
        raise DomainError(N_("提现 #{withdrawal_id} 已批准,正在打款", withdrawal_id=withdrawal_id))
    card = await payout_holds.card_of_another(uow, w.worker_id) if approve else None
    if card is not None:
        return await _held_at_approval(uow, w, card, admin, now)
    w.decided_by, w.decided_at, w.note = admin, now, reason
    if approve and transfer:
        w.status = WithdrawalStatus.APPROVED
    elif approve:
        w.status, w.paid_at = WithdrawalStatus.PAID, now
    else:
        if not reason:
            raise DomainError(N_("请写明原因"))
        w.status = WithdrawalStatus.REJECTED
    if not await uow.withdrawals.decide(w, [previous]):  # the payout sweep or finance, first
        raise await _decided_meanwhile(uow, withdrawal_id, approve)
    assert w.id is not None
    if approve and transfer:
        return w, []
    if approve:
        await uow.ledger.post(withdrawal_paid(w.id, w.amount_cents, now))
    else:
        await uow.ledger.post(withdrawal_released(w.id, w.worker_id, w.amount_cents, now))
    return w, [
        paid_notice(w)
        if approve
        else to_worker(w.worker_id, "withdrawal_refused", amount=w.amount_cents, reason=reason)
    ]


async def _held_at_approval(
    uow: UnitOfWork, w: Withdrawal, card: payout_holds.HeldCard, admin: str, now: datetime
) -> tuple[Withdrawal, list[Notice]]:
    """``/payout`` of a withdrawal whose worker's card is in another's name: held, not paid
    (the admin reads why in their reply; the worker is told). Asked again while it is held
    (no card of the worker's own since): said so, nothing changes."""
    assert w.id is not None
    previous = w.status
    if previous == HELD:
        raise DomainError(still_held(w.id))
    w.decided_by, w.decided_at = admin, now
    held = await payout_holds.hold(uow, w, [previous], card, admins=False)
    if held is None:
        raise await _decided_meanwhile(uow, w.id, True)
    return w, held


async def _decided_meanwhile(uow: UnitOfWork, withdrawal_id: int, approve: bool) -> DomainError:
    """Why a decision lost to another (the payout sweep, or another admin): its status now."""
    status, decided_by = await uow.withdrawals.state(withdrawal_id)
    if not approve:
        check_rejectable(withdrawal_id, status, decided_by)
    return DomainError(
        N_(
            "提现 #{withdrawal_id} 刚被处理({value})",
            withdrawal_id=withdrawal_id,
            value=WITHDRAWAL_STATUS[status],
        )
    )


def still_held(withdrawal_id: int) -> Text:
    """``/payout`` of a withdrawal held for a card in another's name, none of the worker's
    own added since."""
    return N_(
        "提现 #{withdrawal_id} 仍暂缓打款:师傅的收款银行卡开户人仍不是本人。"
        "师傅添加本人银行卡后会自动继续打款;"
        "也可 /reject_withdrawal {withdrawal_id} 原因 退回余额。",
        withdrawal_id=withdrawal_id,
    )


def paid_notice(w: Withdrawal) -> Notice:
    return to_worker(w.worker_id, "withdrawal_paid", amount=w.amount_cents)


async def pay_approved(uow: UnitOfWork, now: datetime) -> tuple[list[Withdrawal], list[Notice]]:
    """The daily payout: every auto-approved withdrawal is paid and journaled — but one whose
    worker's card is in another's name, held (``payout_holds``)."""
    paid: list[Withdrawal] = []
    notices: list[Notice] = []
    for w in await uow.withdrawals.with_status([WithdrawalStatus.APPROVED]):
        card = await payout_holds.card_of_another(uow, w.worker_id)
        if card is not None:
            notices += await payout_holds.hold(uow, w, [WithdrawalStatus.APPROVED], card) or []
            continue
        w.status, w.paid_at = WithdrawalStatus.PAID, now
        if await uow.withdrawals.decide(w, [WithdrawalStatus.APPROVED]):
            assert w.id is not None
            await uow.ledger.post(withdrawal_paid(w.id, w.amount_cents, now))
            paid.append(w)
            notices.append(paid_notice(w))
    return paid, notices


def report_figures(day: str, totals: dict[str, int], payouts: list[Withdrawal]) -> dict[str, Any]:
    """The finance report of one business day, from the ledger's account totals: figures in
    fen, written out by the notice's template in each admin's language."""
    owed = -sum(v for k, v in totals.items() if k.startswith("worker_payable:") and v < 0)
    cash_in = sum(
        v for k, v in totals.items() if k.startswith("cash:") and k != "cash:payouts" and v > 0
    )
    return {
        "day": day,
        "cash_in": cash_in,
        "revenue": -totals.get(PLATFORM_REVENUE, 0),
        "subsidies": totals.get(SUBSIDY_EXPENSE, 0),
        "owed": owed,
        "paid": sum(w.amount_cents for w in payouts),
        "payouts": [
            {"id": w.id, "worker_id": w.worker_id, "amount": w.amount_cents} for w in payouts
        ],
    }


def report(figures: Mapping[str, Any]) -> str:
    """The report as kept with the day's settlement run (both languages: an archive, read by
    whoever audits it, not a message)."""
    lines = [
        f"日结 Daily settlement {figures['day']}",
        f"收款(净)cash in, net of refunds: {format_yuan(figures['cash_in'])}",
        f"平台收入 platform revenue: {format_yuan(figures['revenue'])}",
        f"补贴支出 subsidies: {format_yuan(figures['subsidies'])}",
        f"师傅应付新增 owed to workers: {format_yuan(figures['owed'])}",
        f"打款 payouts: {len(figures['payouts'])} 笔, {format_yuan(figures['paid'])}",
    ]
    lines += [
        f"  #{w['id']} worker {w['worker_id']} {format_yuan(w['amount'])}"
        for w in figures["payouts"]
    ]
    return "\n".join(lines)


def report_notice(figures: Mapping[str, Any], day: When) -> Notice:
    """The report told to the owner and finance, its ``day`` (kept ISO in the archived
    report) as their language writes a day."""
    return to_admins("daily_report_admin", "owner", "finance", **{**figures, "day": day})
