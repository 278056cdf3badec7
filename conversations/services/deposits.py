"""The worker deposit (保证金) in the ledger: withheld from settlements up to the worker's
target (``domain.deposits``), charged for the penalties the after-sales rules put on a worker,
and paid back by a sweep some days after the worker left in good standing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from conversations.services.notices import Notice, to_worker
from domain import deposits
from domain.aftersales import Complaint
from domain.deposits import worker_deposit
from domain.ledger import worker_payable
from domain.orders import Order
from domain.people import Worker, WorkerStatus
from domain.ports import Reads, UnitOfWork
from domain.rules import Rules


@dataclass(frozen=True, slots=True)
class Standing:
    held: int
    target: int


async def held(uow: Reads, worker_id: int) -> int:
    """What the worker's deposit holds now (fen)."""
    return -await uow.ledger.balance(worker_deposit(worker_id))


async def standing(uow: Reads, rules: Rules, worker: Worker) -> Standing:
    """What the worker holds and should hold."""
    assert worker.id is not None
    goal = deposits.target(worker.level, worker.complaint_rate_bp, rules.settlement.deposit)
    return Standing(await held(uow, worker.id), goal)


async def recently_held(uow: Reads, worker_id: int, since: datetime) -> int:
    """What settlements since ``since`` withheld (their credit is not withdrawable yet, so
    neither is the part of it that went to the deposit)."""
    return -await uow.ledger.balance(
        worker_deposit(worker_id), since=since, credits_only=True, journal_prefix=deposits.HOLD
    )


async def hold(
    uow: UnitOfWork,
    rules: Rules,
    order: Order,
    worker: Worker,
    earned: int,
    now: datetime,
    ref: str = "",
) -> list[Notice]:
    """Withhold part of what a settlement earned the worker, until the target is reached
    (``ref``: the settlement's own key when an order settles in parts — a placement's
    periods)."""
    if worker.status == WorkerStatus.LEFT or worker.id is None or order.id is None:
        return []
    s = await standing(uow, rules, worker)
    amount = deposits.to_hold(earned, s.held, s.target, rules.settlement.deposit)
    if not amount:
        return []
    await uow.ledger.post(
        deposits.held_journal(ref or order.number, order.id, worker.id, amount, now)
    )
    return [
        to_worker(
            worker.id,
            "deposit_held",
            number=order.number,
            amount=amount,
            held=s.held + amount,
            target=s.target,
        )
    ]


async def charge(
    uow: UnitOfWork,
    rules: Rules,
    order: Order,
    complaint: Complaint,
    share: int,
    refund: int,
    now: datetime,
) -> list[Notice]:
    """A refund after settlement charges the worker ``share`` (their part of it, taken from
    their balance): the deposit makes up what the balance lacks; for the categories the rules
    name, it also pays the rest of the refund (beyond the worker's share of the order)."""
    assert order.id is not None and order.worker_id is not None and complaint.id is not None
    worker_id = order.worker_id
    have = await held(uow, worker_id)
    if have <= 0:
        return []
    owed = -await uow.ledger.balance(worker_payable(worker_id))
    beyond = refund - share if complaint.category in rules.settlement.deposit.covers else 0
    c = deposits.charge(owed, share, beyond, have)
    if not (c.cover or c.penalty):
        return []
    await uow.ledger.post(deposits.charge_journals(str(complaint.id), order.id, worker_id, c, now))
    return [
        to_worker(
            worker_id,
            "deposit_charged",
            number=order.number,
            amount=c.cover + c.penalty,
            held=have - c.cover - c.penalty,
        )
    ]


async def release_due(uow: UnitOfWork, rules: Rules, now: datetime) -> list[Notice]:
    """Pay back the deposit of each worker who left at least the rules' days ago and has no
    complaint open (each claimed once, across processes)."""
    cutoff = now - timedelta(days=rules.settlement.deposit.release_after_days)
    notices: list[Notice] = []
    for worker in await uow.workers.deposits_due(cutoff):
        assert worker.id is not None
        if await uow.complaints.open_for_worker(worker.id):
            continue  # not in good standing yet: the sweep looks again
        if not await uow.workers.claim_deposit_release(worker.id, now):
            continue
        amount = await held(uow, worker.id)
        if amount <= 0:
            continue
        await uow.ledger.post(
            deposits.released_journal(
                f"{worker.id}:{int(now.timestamp())}", worker.id, amount, now
            )
        )
        notices.append(to_worker(worker.id, "deposit_released", amount=amount))
    return notices
