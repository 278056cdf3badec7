"""Paying workers out: their payout account (added and changed in chat, audited; a bank card
is one worker's only, and in that worker's registered name), and the payout sweep that
transfers approved withdrawals through the payout provider.

Each withdrawal is claimed by one process (a conditional update to ``sending`` committed
before the provider is called); a transfer whose answer was lost stays ``sending`` and is
asked about after ``rules.settlement.payout_query_after_minutes`` — sent again (with the same
withdrawal id, which the provider pays once) only when the provider has no record of it.
Paid: ``withdrawals_pending`` → ``cash:payouts`` and the worker told; refused for good: the
money back on the worker's balance, the worker told why and finance told (with the provider's
words). A withdrawal whose worker's bank card is in another's name (saved before holders were
checked) is not sent — nor sent again after a lost answer the provider has no record of — but
held (``payout_holds``) until the worker saves an account of their own, which releases it."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from typing import Any

from conversations.events import Result
from conversations.results.sweeps import PayoutsSent
from conversations.results.workers import PayoutAccountSaved
from conversations.services import payout_holds
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_admins, to_worker
from conversations.services.settlement import paid_notice
from domain import commands as c
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.gateways import PayoutGateway
from domain.ledger import withdrawal_paid, withdrawal_released
from domain.outbox import OutboxMessage
from domain.payouts import (
    BANKS,
    FailReason,
    PayoutAccount,
    PayoutKind,
    TransferOutcome,
    TransferStatus,
    card_number,
    holder_mismatch,
    holder_name,
    same_holder,
)
from domain.people import Channel
from domain.ports import UnitOfWork
from domain.text import N_
from domain.withdrawals import Withdrawal, WithdrawalStatus

log = logging.getLogger(__name__)

CARD_TAKEN = N_(
    "这张银行卡已是其他师傅的收款账户,不能再添加。请用您本人的银行卡;如有疑问请联系客服。"
)
"""A card another worker is paid to is refused: one worker's earnings are never sent to
another's card (who holds it is not said)."""


class PayoutDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.SavePayoutAccount: self.save_account, c.SendPayouts: self.send}

    # -- the account ------------------------------------------------------------------------

    async def save_account(self, cmd: c.SavePayoutAccount) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            account = await _account(uow, cmd)
            if await uow.withdrawals.with_status([WithdrawalStatus.SENDING], cmd.worker_id):
                raise DomainError(N_("有一笔提现正在打款,打款完成后再更换收款账户。"))
            if await uow.payout_accounts.card_held_by_another(account):
                raise DomainError(CARD_TAKEN)
            before = await uow.payout_accounts.get(cmd.worker_id)
            if not await uow.payout_accounts.put(account, now):  # saved by another meanwhile
                raise DomainError(CARD_TAKEN)
            released = await payout_holds.release(uow, cmd.worker_id)  # their own account now
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.actor or f"worker:{cmd.worker_id}",
                    "payout_account",
                    f"worker:{cmd.worker_id}",
                    "worker",
                    {"account": str(before.masked())} if before else {},
                    {"account": str(account.masked())},
                )
            )
            await uow.commit()
        return [PayoutAccountSaved(account.masked(), before is not None, released)]

    # -- the sweep --------------------------------------------------------------------------

    async def send(self, cmd: c.SendPayouts) -> list[Result]:
        gateway = self.s.payouts
        if gateway is None:
            return [PayoutsSent(0, 0, 0)]
        now = self.s.clock()
        retry_before = now - timedelta(minutes=self.s.rules.settlement.payout_query_after_minutes)
        async with self.s.uow() as uow:
            due = await uow.payout_claims.due(retry_before)
        counts = {TransferStatus.PAID: 0, TransferStatus.FAILED: 0, TransferStatus.UNKNOWN: 0}
        for w in due:
            status = await self._one(gateway, w)
            if status is not None:
                counts[status] += 1
        return [
            PayoutsSent(
                counts[TransferStatus.PAID],
                counts[TransferStatus.FAILED],
                counts[TransferStatus.UNKNOWN],
            )
        ]

    async def _one(self, gateway: PayoutGateway, w: Withdrawal) -> TransferStatus | None:
        """Claim ``w``, transfer it (or ask about it), record how it ended; None when
        another process has it, its worker has no account yet, or it is held (their card is
        in another's name)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            account = await uow.payout_accounts.get(w.worker_id)
            if account is None and w.status == WithdrawalStatus.APPROVED:
                return None  # paid once the worker adds an account
            card = await payout_holds.card_of_another(uow, w.worker_id, account)
            held = card is not None and w.status == WithdrawalStatus.APPROVED
            if card is not None and held:  # never sent to a card in another's name
                posted = await self._hold(uow, w, card)
            else:
                kind = account.kind.value if account else w.payout_kind
                paid_to = str(account.masked()) if account else w.paid_to
                if not await uow.payout_claims.claim(w, kind, paid_to, now):
                    return None
                await uow.commit()
        if held:
            await self.s.flush(posted)
            return None
        retry = w.status == WithdrawalStatus.SENDING
        claimed = dataclasses.replace(
            w,
            status=WithdrawalStatus.SENDING,
            sent_at=now,
            payout_kind=w.payout_kind if retry else kind,
            paid_to=w.paid_to if retry else paid_to,
        )
        outcome = await _transfer(gateway, claimed, account, retry, resend=card is None)
        if outcome.status == TransferStatus.ABSENT and card is not None:
            async with self.s.uow() as uow:  # never arrived: not sent again to another's card
                posted = await self._hold(uow, claimed, card)
            await self.s.flush(posted)
            return None
        if outcome.status in (TransferStatus.UNKNOWN, TransferStatus.ABSENT):
            log.info("payout %s: no answer yet (%s)", w.id, outcome.detail)
            return TransferStatus.UNKNOWN
        await self._record(claimed, outcome)
        return outcome.status

    async def _hold(
        self, uow: UnitOfWork, w: Withdrawal, card: payout_holds.HeldCard
    ) -> list[OutboxMessage]:
        """Hold ``w`` (approved, or sent before with no record of it at the provider) and
        commit: the worker and finance told (what to flush); nothing when another process
        moved it first."""
        notices = await payout_holds.hold(uow, w, [w.status], card)
        if notices is None:
            return []
        posted = await self.s.post(uow, notices)
        await uow.commit()
        return posted

    async def _record(self, w: Withdrawal, outcome: TransferOutcome) -> None:
        now = self.s.clock()
        assert w.id is not None
        paid = outcome.status == TransferStatus.PAID
        status = WithdrawalStatus.PAID if paid else WithdrawalStatus.FAILED
        async with self.s.uow() as uow:
            if not await uow.payout_claims.finish(
                w, status, now, outcome.provider_ref, "" if paid else outcome.detail
            ):
                return  # recorded by another process meanwhile
            notices: list[Notice]
            if paid:
                await uow.ledger.post(withdrawal_paid(w.id, w.amount_cents, now))
                notices = [paid_notice(w)]
            else:
                await uow.ledger.post(
                    withdrawal_released(
                        w.id, w.worker_id, w.amount_cents, now, memo="payout refused"
                    )
                )
                reason = (outcome.reason or FailReason.OTHER).value
                worker = await uow.workers.get(w.worker_id)
                notices = [
                    to_worker(
                        w.worker_id, "withdrawal_failed", amount=w.amount_cents, reason=reason
                    ),
                    to_admins(
                        "withdrawal_failed_admin",
                        "owner",
                        "finance",
                        withdrawal_id=w.id,
                        worker=worker.name if worker is not None else "",
                        worker_id=w.worker_id,
                        amount=w.amount_cents,
                        reason=reason,
                        detail=outcome.detail,
                    ),
                ]
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)


async def _transfer(
    gateway: PayoutGateway,
    w: Withdrawal,
    account: PayoutAccount | None,
    retry: bool,
    *,
    resend: bool = True,
) -> TransferOutcome:
    """Send the transfer; one sent before is asked about first and sent again only when the
    provider has no record of it (and ``resend``: the account is one it may go to). A
    provider that raises is an answer lost."""
    try:
        if retry:
            outcome = await gateway.query(w)
            if outcome.status != TransferStatus.ABSENT or account is None or not resend:
                return outcome
            if account.kind.value != w.payout_kind:
                return TransferOutcome(TransferStatus.FAILED, reason=FailReason.ACCOUNT)
        assert account is not None
        return await gateway.transfer(w, account)
    except Exception as exc:  # an adapter's bug or the network: asked about next time
        log.warning("payout %s: %s", w.id, type(exc).__name__)
        return TransferOutcome(TransferStatus.UNKNOWN, detail=type(exc).__name__)


async def _account(uow: UnitOfWork, cmd: c.SavePayoutAccount) -> PayoutAccount:
    """The account the command describes, checked; a ``DomainError`` to show otherwise."""
    if cmd.kind not in (PayoutKind.BANK, PayoutKind.WECHAT):
        raise DomainError(N_("请选择银行卡或微信零钱。"))
    worker = await uow.workers.get(cmd.worker_id)
    assert worker is not None
    if cmd.kind == PayoutKind.BANK:
        if cmd.bank not in BANKS:
            raise DomainError(N_("请选择开户银行。"))
        holder = holder_name(cmd.holder)
        if not same_holder(holder, worker.name):  # never a card in someone else's name
            raise DomainError(holder_mismatch(worker.name))
        return PayoutAccount(
            cmd.worker_id, PayoutKind.BANK, card_number(cmd.number), holder, cmd.bank
        )
    openids = [
        i.channel_user_id
        for i in await uow.identities.of_worker(cmd.worker_id)
        if i.channel == Channel.WECHAT
    ]
    openid = cmd.openid if cmd.openid in openids else (openids[0] if openids else "")
    if not openid:
        raise DomainError(
            N_("微信零钱只能打到您当师傅的微信账户:请在微信里添加;这里可以添加银行卡。")
        )
    return PayoutAccount(cmd.worker_id, PayoutKind.WECHAT, openid, worker.name)
