"""Quality: worker credit and levels (quarterly, or when an admin asks), level C suspended
or sent to retrain, and the daily random spot checks of finished orders."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from conversations.services.notices import Notice, to_admins, to_worker
from domain.credit import credit, spot_check_count
from domain.moments import When
from domain.people import Worker, WorkerStatus, level_c_note
from domain.ports import UnitOfWork
from domain.rules import Rules, WorkerLevel

_random = random.SystemRandom()


@dataclass(frozen=True)
class LevelChange:
    worker_id: int
    name: str
    old: WorkerLevel
    new: WorkerLevel
    score: int
    complaint_rate_bp: int
    suspended: bool


def quarter(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


async def recalculate_levels(
    uow: UnitOfWork, rules: Rules, now: datetime, worker_ids: Sequence[int] = ()
) -> tuple[list[LevelChange], list[Notice]]:
    """Score every approved or suspended worker (or ``worker_ids``) over the credit window and
    set their level; a worker with too few jobs keeps their level but gets their score.

    Only a move is a change: a worker who falls to level C by their score is suspended (or
    told to retrain); one who was at C already — kept there for too few jobs (a perfect score
    over none proves nothing either way), or reinstated after retraining — is not suspended
    again for the same level, and an unchanged level is not reported."""
    cr = rules.credit
    workers: list[Worker] = (
        [w for i in worker_ids if (w := await uow.workers.get(i)) is not None]
        if worker_ids
        else await uow.workers.with_status([WorkerStatus.APPROVED, WorkerStatus.SUSPENDED])
    )
    records = await uow.credit.records(
        now - timedelta(days=cr.window_days),
        [w.id for w in workers if w.id is not None],
        rules.lateness.grace_minutes,
    )
    changes: list[LevelChange] = []
    notices: list[Notice] = []
    for w in workers:
        assert w.id is not None
        result = credit(records[w.id], cr)
        old = w.level
        new = result.level if records[w.id].finished >= cr.min_jobs else old
        suspend = (
            new == WorkerLevel.C
            and new != old
            and cr.suspend_level_c
            and w.status == WorkerStatus.APPROVED
        )
        w.level, w.credit_score, w.complaint_rate_bp = new, result.score, result.complaint_rate_bp
        w.level_reviewed_at = now
        if suspend:
            w.status, w.online = WorkerStatus.SUSPENDED, False
            w.review_note = level_c_note(result.score)
        await uow.workers.save(w)
        if new != old:
            change = LevelChange(
                w.id, w.name, old, new, result.score, result.complaint_rate_bp, suspend
            )
            changes.append(change)
            notices.append(
                to_worker(
                    w.id,
                    "level_changed",
                    old=old.value,
                    new=new.value,
                    score=result.score,
                    suspended=suspend,
                )
            )
    if changes:
        report = "\n".join(
            f"{c.name}(ID {c.worker_id}){c.old.value}→{c.new.value} {c.score}"
            + (" ⛔" if c.suspended else "")
            for c in changes
        )
        notices.append(to_admins("levels_changed_admin", "ops", count=len(changes), report=report))
    return changes, notices


async def sample_spot_checks(
    uow: UnitOfWork, rules: Rules, day: date, now: datetime
) -> tuple[list[int], list[Notice]]:
    """Pick the day's share of finished orders at random for a quality check (the day is
    claimed first: a second run, or a second process, picks nothing)."""
    if not await uow.job_runs.claim("spot_checks", day.isoformat(), now):
        return [], []
    tz = ZoneInfo(rules.timezone)
    start = datetime.combine(day, time(), tzinfo=tz)
    candidates = await uow.spot_checks.candidates(start, start + timedelta(days=1))
    picked = sorted(_random.sample(candidates, spot_check_count(len(candidates), rules.credit)))
    numbers: list[int] = []
    for order_id in picked:
        if await uow.spot_checks.add(order_id, now):
            order = await uow.orders.get(order_id, full=False)
            assert order is not None
            numbers.append(order.number)
    await uow.job_runs.record("spot_checks", day.isoformat(), " ".join(map(str, numbers)))
    if not numbers:
        return [], []
    listed = " ".join(f"#{n}" for n in numbers)
    return numbers, [
        to_admins(
            "spot_checks_admin", "ops", day=When(day, now.astimezone(tz).date()), orders=listed
        )
    ]
