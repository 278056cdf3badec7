"""Whom dispatch considers for a job: snapshots of the workers online with their bookings —
every one of them, or (a large pool, ``worker_index``) only those who could be the best."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.services.worker_index import WorkerIndex
from domain.dispatch import Busy, Candidate, Job, candidate_of, rank
from domain.lifecycle import OrderStatus
from domain.people import Worker
from domain.ports import Reads
from domain.rules import Rules

ACTIVE_NOW = (OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)
FIRST_READ = 16
"""How many of the index's best a dispatch reads first (four times as many each time after)."""


async def pool_for(
    uow: Reads,
    job: Job,
    rules: Rules,
    need: int,
    index: WorkerIndex | None = None,
    first: int = FIRST_READ,
) -> dict[int, tuple[Candidate, Worker]]:
    """Workers among whom ``rank`` finds the ``need`` best for ``job`` exactly as among all
    online: all of them, or with a built ``index`` the first it ranks (read afresh, in this
    unit of work), until the ``need``-th best read scores above the index's bound of every
    worker not read (the index's score of a worker is never below the fresh one)."""
    built = index.current() if index is not None else None
    if built is None:
        pool = await candidates(uow, job, rules)
        if index is not None:
            index.saw(len(pool))
        return pool
    k = max(first, need)
    while True:
        bounds = built.best(job, k + 1)
        ids = [s.worker_id for s in bounds[:k]]
        pool = await candidates(uow, job, rules, await uow.workers.available(among=ids))
        if len(bounds) <= k:  # nobody else could take it
            return pool
        ranked = rank(job, [c for c, _ in pool.values()], rules.dispatch)
        if len(ranked) >= need and ranked[need - 1].score > bounds[k].score:
            return pool
        k *= 4


async def candidates(
    uow: Reads,
    job: Job,
    rules: Rules,
    workers: list[Worker] | None = None,
    *,
    until: datetime | None = None,
) -> dict[int, tuple[Candidate, Worker]]:
    """Snapshots of every approved, online worker (or of ``workers``), with their bookings
    from the day before the job's to its end (or ``until``, the latest end of a batch) —
    a long placement that started weeks before still running among them."""
    if workers is None:
        workers = await uow.workers.available()
    ids = [w.id for w in workers if w.id is not None]
    tz = ZoneInfo(rules.timezone)
    day = job.start_at.astimezone(tz).date()
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    buffer = timedelta(minutes=rules.dispatch.travel_buffer_minutes)
    bookings = await uow.orders.worker_bookings(
        ids,
        day_start - timedelta(days=1),
        max(day_start + timedelta(days=2), (until or job.end_at) + buffer),
        reach_back=timedelta(days=rules.placements.max_contract_days),
    )
    busy: dict[int, list[Busy]] = {}
    that_day: dict[int, int] = {}
    active: dict[int, int] = {}
    for worker_id, start, minutes, status in bookings:
        busy.setdefault(worker_id, []).append(Busy(start, start + timedelta(minutes=minutes)))
        if start.astimezone(tz).date() == day:
            that_day[worker_id] = that_day.get(worker_id, 0) + 1
        if status in ACTIVE_NOW:
            active[worker_id] = active.get(worker_id, 0) + 1
    out: dict[int, tuple[Candidate, Worker]] = {}
    for w in workers:
        assert w.id is not None
        snapshot = candidate_of(
            w,
            rules.credit,
            jobs_that_day=that_day.get(w.id, 0),
            busy=tuple(busy.get(w.id, ())),
            active_now=active.get(w.id, 0),
        )
        out[w.id] = (snapshot, w)
    return out
