"""Withdrawals held for a payout card in someone else's name.

A card's holder has been checked against the worker's registered name since cards are added
in chat (``payouts.same_holder``), but a card saved before may be in another's name. Whenever
a withdrawal is about to be paid — approved automatically or by finance (``/payout``), the
payout sweep's transfer, the daily settlement's payment by hand — such a card is not paid to:
the withdrawal is held (``HELD``, the money still set aside), the admins told why (each in
their language) and the worker asked to add a card in their own name. Saving an account of
their own approves their held withdrawals again (``release``), and they are paid as any
approved one is."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.services.notices import Notice, in_both, to_admins, to_worker
from domain.payouts import PayoutAccount, paid_to_another
from domain.people import Worker
from domain.ports import UnitOfWork
from domain.withdrawals import Withdrawal, WithdrawalStatus

HeldCard = tuple[Worker, PayoutAccount]
"""The worker and their payout card in another's name."""


async def card_of_another(
    uow: UnitOfWork, worker_id: int, account: PayoutAccount | None = None
) -> HeldCard | None:
    """The worker and their payout account (``account``: read already, else read here) when
    paying it would pay someone else (``paid_to_another``); None when it is theirs, or they
    have none."""
    account = account or await uow.payout_accounts.get(worker_id)
    if account is None:
        return None
    worker = await uow.workers.get(worker_id)
    if worker is None or not paid_to_another(account, worker.name):
        return None
    return worker, account


async def hold(
    uow: UnitOfWork,
    w: Withdrawal,
    previous: Sequence[WithdrawalStatus],
    card: HeldCard,
    *,
    worker: bool = True,
    admins: bool = True,
) -> list[Notice] | None:
    """Hold ``w`` (a conditional update from one of ``previous``); the notices telling the
    worker and the owner and finance (``worker`` / ``admins``: when they are not told in
    their own reply). None when someone else moved it first."""
    w.status = WithdrawalStatus.HELD
    if not await uow.withdrawals.decide(w, previous):
        return None
    holder, account = card
    notices = []
    if worker:
        notices.append(
            to_worker(w.worker_id, "withdrawal_held", amount=w.amount_cents, name=holder.name)
        )
    if admins:
        notices.append(held_admin_notice(w, holder, account))
    return notices


def held_admin_notice(w: Withdrawal, worker: Worker, account: PayoutAccount) -> Notice:
    return to_admins(
        "withdrawal_held_admin",
        "owner",
        "finance",
        withdrawal_id=w.id or 0,
        worker=worker.name,
        worker_id=w.worker_id,
        amount=w.amount_cents,
        holder=account.holder,
        account=in_both(account.masked()),
    )


async def release(uow: UnitOfWork, worker_id: int) -> int:
    """The worker's held withdrawals approved again (they saved an account of their own):
    the fen released, paid as any approved withdrawal is."""
    released = 0
    for w in await uow.withdrawals.with_status([WithdrawalStatus.HELD], worker_id):
        w.status = WithdrawalStatus.APPROVED
        if await uow.withdrawals.decide(w, [WithdrawalStatus.HELD]):
            released += w.amount_cents
    return released
