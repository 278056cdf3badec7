"""Properties of payouts through the real service layer, on SQLite and PostgreSQL: whatever
mix of withdrawals, finance's decisions and payout sweeps — one process, or two sweeping at
once on their own connection pools — against a provider whose answers are lost, busy or
refusals, a withdrawal is never sent again once the provider made it, every journal
balances, what was paid out is what the provider made, and in the end each withdrawal is paid
(exactly those the provider made), refused (its money back), or waiting for finance."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from conversations.services.bus import Services
from domain import commands as c
from domain import ledger as L
from domain.payouts import (
    FailReason,
    PayoutAccount,
    PayoutKind,
    TransferOutcome,
    TransferStatus,
)
from domain.people import Worker, WorkerStatus
from domain.withdrawals import Withdrawal, WithdrawalStatus
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.uow import Database
from tests import random_refs
from tests.integration.test_points_properties import CATALOG, RULES, Clock, Nobody

EARNED = 300_000
HELD = (WithdrawalStatus.REQUESTED, WithdrawalStatus.APPROVED, WithdrawalStatus.SENDING)


class Scripted:
    """A provider answering from a script: ``paid``, ``lost`` (made, the answer lost),
    ``busy`` (nothing made, no clear answer), ``refused``; asked, it tells the truth."""

    name = "scripted"

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.made: dict[int, int] = {}
        self.refused: set[int] = set()
        self.sent_again = 0
        """Transfers sent for a withdrawal the provider had already made or refused."""

    async def transfer(self, withdrawal: Withdrawal, account: PayoutAccount) -> TransferOutcome:
        assert withdrawal.id is not None
        await asyncio.sleep(0)  # let another process's sweep run in between
        if withdrawal.id in self.made or withdrawal.id in self.refused:
            self.sent_again += 1
        answer = self.answers.pop(0) if self.answers else "paid"
        if answer == "busy":
            return TransferOutcome(TransferStatus.UNKNOWN, detail="SYSTEMERROR")
        if answer == "refused":
            self.refused.add(withdrawal.id)
            return TransferOutcome(TransferStatus.FAILED, reason=FailReason.NAME)
        self.made.setdefault(withdrawal.id, withdrawal.amount_cents)
        if answer == "lost":
            return TransferOutcome(TransferStatus.UNKNOWN, detail="timeout")
        return TransferOutcome(TransferStatus.PAID, f"P{withdrawal.id}")

    async def query(self, withdrawal: Withdrawal) -> TransferOutcome:
        assert withdrawal.id is not None
        if withdrawal.id in self.made:
            return TransferOutcome(TransferStatus.PAID, f"P{withdrawal.id}")
        if withdrawal.id in self.refused:
            return TransferOutcome(TransferStatus.FAILED, reason=FailReason.NAME)
        return TransferOutcome(TransferStatus.ABSENT)


def services(database: Database, clock: Clock, gateway: Scripted) -> Services:
    return Services(
        uow=database.uow,
        catalog=CATALOG,
        rules=RULES,
        clock=clock,
        public_url="http://127.0.0.1:8080",
        sender=Nobody(),  # type: ignore[arg-type]
        payouts=gateway,
    )


async def new_worker(database: Database, clock: Clock) -> int:
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker("测试师傅", random_refs.phone(), clock(), status=WorkerStatus.APPROVED)
        )
        assert worker.id is not None
        await uow.payout_accounts.put(
            PayoutAccount(worker.id, PayoutKind.WECHAT, f"o-{worker.id}", "测试师傅"), clock()
        )
        await uow.ledger.post(
            L.journal(
                f"settle:prop-{worker.id}",
                clock() - timedelta(days=2),
                [(L.CUSTOMER_PREPAID, EARNED), (L.worker_payable(worker.id), -EARNED)],
            )
        )
        await uow.commit()
    return int(worker.id)


async def check(
    database: Database, gateway: Scripted, workers: list[int], before: int
) -> list[Withdrawal]:
    """The properties, on this example's workers (``before``: what was paid out before it:
    the database is shared by the examples)."""
    async with database.uow() as uow:
        rows = (
            await uow.session.exec(  # type: ignore[call-overload]
                text("SELECT journal, SUM(amount_cents) FROM ledger_entries GROUP BY journal")
            )
        ).all()
        assert all(total == 0 for _, total in rows), rows
        every = [
            w
            for worker in workers
            for w in await uow.withdrawals.with_status(list(WithdrawalStatus), worker)
        ]
        paid = {w.id: w.amount_cents for w in every if w.status == WithdrawalStatus.PAID}
        assert -await uow.ledger.balance(L.PAYOUTS) - before == sum(paid.values())
        assert set(paid) <= set(gateway.made) and gateway.sent_again == 0
        for w in every:
            if w.status == WithdrawalStatus.FAILED:
                assert w.id not in gateway.made
        for worker in workers:
            owed = -await uow.ledger.balance(L.worker_payable(worker))
            held = sum(
                w.amount_cents
                for w in every
                if w.worker_id == worker
                and w.status
                in (
                    WithdrawalStatus.REQUESTED,
                    WithdrawalStatus.APPROVED,
                    WithdrawalStatus.SENDING,
                )
            )
            out = sum(paid.get(w.id, 0) for w in every if w.worker_id == worker)
            assert owed + held + out == EARNED
        return every


OPS = st.lists(
    st.tuples(
        st.sampled_from(["request", "request", "sweep", "race", "later", "approve", "reject"]),
        st.integers(0, 2),
        st.integers(1, 1_500),
    ),
    min_size=1,
    max_size=16,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(  # a lost answer is asked about, then found paid
    ops=[("request", 0, 200), ("sweep", 0, 1), ("later", 0, 1), ("sweep", 1, 1)],
    answers=["lost"],
)
@example(  # two processes race; the answers that were lost or busy are settled by asking
    ops=[("request", 0, 200), ("request", 1, 300), ("race", 0, 1), ("later", 0, 1)],
    answers=["busy", "lost"],
)
@example(  # finance approves a large one; the provider refuses it: the money goes back
    ops=[("request", 2, 1_200), ("approve", 0, 1), ("race", 0, 1)],
    answers=["refused"],
)
@given(
    ops=OPS,
    answers=st.lists(st.sampled_from(["paid", "lost", "busy", "refused"]), max_size=12),
)
async def test_a_withdrawal_is_paid_once_and_the_books_balance_whatever_the_provider_says(
    own_db_url, pii_key, ops, answers
):
    clock = Clock()
    cipher = PiiCipher(decode_key(pii_key))
    one = Database(create_engine(own_db_url), cipher)
    two = Database(create_engine(own_db_url), cipher)  # another process's pool
    gateway = Scripted(list(answers))
    try:
        first, second = services(one, clock, gateway), services(two, clock, gateway)
        workers = [await new_worker(one, clock) for _ in range(3)]
        async with one.uow() as uow:
            before = -await uow.ledger.balance(L.PAYOUTS)
        for op, pick, yuan in ops:
            clock.now += timedelta(minutes=1)
            if op == "request":
                await first.run(c.RequestWithdrawal(workers[pick], yuan * 100))
            elif op == "sweep":
                await (first, second)[pick % 2].run(c.SendPayouts())
            elif op == "race":
                await asyncio.gather(first.run(c.SendPayouts()), second.run(c.SendPayouts()))
            elif op == "later":
                clock.now += timedelta(minutes=RULES.settlement.payout_query_after_minutes + 1)
            elif op in ("approve", "reject"):
                waiting = [
                    w
                    for w in await check(one, gateway, workers, before)
                    if w.status == WithdrawalStatus.REQUESTED
                ]
                if waiting:
                    w = waiting[pick % len(waiting)]
                    decide = c.DecideWithdrawal("t:1", "finance", w.id or 0, op == "approve", "x")
                    await second.run(decide)
            await check(one, gateway, workers, before)
        gateway.answers.clear()  # the provider answers from now on: everything settles
        for _ in range(3):
            clock.now += timedelta(minutes=RULES.settlement.payout_query_after_minutes + 1)
            await asyncio.gather(first.run(c.SendPayouts()), second.run(c.SendPayouts()))
        every = await check(one, gateway, workers, before)
        paid = {w.id for w in every if w.status == WithdrawalStatus.PAID}
        assert paid == set(gateway.made)
        settled = {WithdrawalStatus.APPROVED, WithdrawalStatus.SENDING}
        assert not [w for w in every if w.status in settled]
    finally:
        await one.dispose()
        await two.dispose()
