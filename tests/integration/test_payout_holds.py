"""Withdrawals held for a payout card in someone else's name where finance pays by hand (no
payout provider runs), through the service steps on SQLite and PostgreSQL: an automatic
approval, finance's /payout and the daily settlement's payment each hold one rather than mark
it paid — nothing journaled as paid out, the money still set aside, counted as approved and
unpaid — and tell who must know; a card of the worker's own releases them, and they are paid.
(The payout provider's side — the sweep, the transfer never sent — is end to end:
``tests/e2e/test_payout_holds.py``.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversations.services import payout_holds, settlement
from domain import ledger as L
from domain.errors import DomainError
from domain.payouts import PayoutAccount, PayoutKind
from domain.people import Worker, WorkerStatus
from domain.withdrawals import Withdrawal, WithdrawalStatus
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.money_reports_repo import MoneyReports
from store.uow import Database
from tests import random_refs
from tests.integration.test_repositories import NOW, RULES

CARD, OWN_CARD = "6225880137005576", "6214830100000000005"


@pytest.fixture
async def database(own_db_url, pii_key):
    """A database of the test's own: the daily payment pays every approved withdrawal."""
    db = Database(create_engine(own_db_url), PiiCipher(decode_key(pii_key)))
    yield db
    await db.dispose()


async def a_worker(database, holder: str) -> int:
    """张三, owed ¥3,000, paid to a bank card in ``holder``'s name (saved before holders
    were checked)."""
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker("张三", random_refs.phone(), NOW, status=WorkerStatus.APPROVED)
        )
        await uow.payout_accounts.put(
            PayoutAccount(worker.id, PayoutKind.BANK, CARD, holder, "cmb"), NOW
        )
        await uow.ledger.post(
            L.journal(
                f"settle:hold-{worker.id}",
                NOW - timedelta(days=2),
                [(L.CUSTOMER_PREPAID, 300_000), (L.worker_payable(worker.id), -300_000)],
            )
        )
        await uow.commit()
    return int(worker.id)


async def statuses(database, worker_id: int) -> list[WithdrawalStatus]:
    async with database.uow() as uow:
        return [
            w.status for w in await uow.withdrawals.with_status(list(WithdrawalStatus), worker_id)
        ]


def events(notices) -> list[tuple[str, str]]:
    return [(n.to, n.event) for n in notices]


async def test_by_hand_each_approval_holds_it_and_a_card_of_their_own_pays_it(database):
    worker_id = await a_worker(database, "王五")
    async with database.uow() as uow:
        paid_out = await uow.ledger.balance(L.PAYOUTS)
        auto, told = await settlement.request_withdrawal(uow, RULES, worker_id, 50_000, NOW)
        assert auto.status == WithdrawalStatus.HELD  # the worker reads why in their reply
        assert events(told) == [("admins", "withdrawal_held_admin")]
        assert told[0].data["holder"] == "王五" and told[0].data["worker"] == "张三"

        asked, _ = await settlement.request_withdrawal(uow, RULES, worker_id, 200_000, NOW)
        assert asked.status == WithdrawalStatus.REQUESTED  # finance decides first
        decided, told = await settlement.decide_withdrawal(
            uow, asked.id, True, "telegram:1", "", NOW, transfer=False
        )
        assert decided.status == WithdrawalStatus.HELD  # not marked paid
        assert events(told) == [("worker", "withdrawal_held")]  # finance reads why in reply
        with pytest.raises(DomainError, match="仍暂缓打款"):
            await settlement.decide_withdrawal(
                uow, asked.id, True, "telegram:1", "", NOW, transfer=False
            )

        before = await uow.withdrawals.add(  # approved before holders were checked
            Withdrawal(worker_id, 30_000, NOW, WithdrawalStatus.APPROVED, "auto", NOW)
        )
        await uow.ledger.post(L.withdrawal_held(before.id, worker_id, 30_000, NOW))
        paid, told = await settlement.pay_approved(uow, NOW)
        assert paid == []
        assert ("worker", "withdrawal_held") in events(told)
        assert ("admins", "withdrawal_held_admin") in events(told)
        assert await uow.ledger.balance(L.PAYOUTS) == paid_out  # nothing paid out
        outstanding = await MoneyReports(uow.session).outstanding()
        await uow.commit()
    assert await statuses(database, worker_id) == [WithdrawalStatus.HELD] * 3
    assert outstanding.approved_unpaid.amount_cents == 280_000  # approved, not paid

    async with database.uow() as uow:  # the worker adds a card of their own
        own = PayoutAccount(worker_id, PayoutKind.BANK, OWN_CARD, "张三", "cmb")
        assert await uow.payout_accounts.put(own, NOW)
        assert await payout_holds.release(uow, worker_id) == 280_000
        paid, told = await settlement.pay_approved(uow, NOW + timedelta(days=1))
        assert sorted(w.amount_cents for w in paid) == [30_000, 50_000, 200_000]
        assert ("admins", "withdrawal_held_admin") not in events(told)
        await uow.commit()
    assert await statuses(database, worker_id) == [WithdrawalStatus.PAID] * 3


async def test_a_card_in_the_workers_own_name_is_paid_as_before(database):
    worker_id = await a_worker(database, "张 三")  # a space typed in it: the same name
    async with database.uow() as uow:
        w, told = await settlement.request_withdrawal(uow, RULES, worker_id, 50_000, NOW)
        assert w.status == WithdrawalStatus.APPROVED and told == []
        paid, _ = await settlement.pay_approved(uow, NOW)
        assert [p.id for p in paid] == [w.id]
        await uow.commit()


async def test_finance_may_reject_a_held_withdrawal_and_the_money_goes_back(database):
    worker_id = await a_worker(database, "王五")
    async with database.uow() as uow:
        w, _ = await settlement.request_withdrawal(uow, RULES, worker_id, 50_000, NOW)
        assert w.status == WithdrawalStatus.HELD
        rejected, told = await settlement.decide_withdrawal(
            uow, w.id, False, "telegram:1", "请换本人银行卡", NOW
        )
        assert rejected.status == WithdrawalStatus.REJECTED
        assert events(told) == [("worker", "withdrawal_refused")]
        assert await uow.ledger.balance(L.worker_payable(worker_id)) == -300_000
        await uow.commit()
