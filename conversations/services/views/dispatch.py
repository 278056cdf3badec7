"""``/explain #order``: dispatch's reasoning for one order, recomputed now from the same
snapshots and rules dispatch uses (``domain.dispatch.explain``). Every approved or suspended
worker is considered, online or not, so each one's reason can be named. A worker whose offer
of it is still open is named as offered, their answer awaited until its deadline — not as
one who declined or let it time out (those are kept out, as dispatch keeps them). One
whose offer was withdrawn (the order given by hand, moved, its transfer ended) or taken
from them is named so: no refusal of theirs (``domain.dispatch.excluded_why``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from conversations.results.admin_dispatch import (
    DispatchExplained,
    OfferedWorker,
    RankedWorker,
    RefusedWorker,
)
from conversations.services.admin_reads import by_number
from conversations.services.dispatch import job_for
from conversations.services.dispatch_pool import ACTIVE_NOW, candidates
from conversations.services.staff import AdminDirectory, role_for
from domain.catalog import Catalog
from domain.dispatch import (
    Candidate,
    Refusal,
    Scored,
    excluded_why,
    explain,
    top_refusals,
)
from domain.lifecycle import OrderStatus
from domain.offers import Offer, OfferStatus
from domain.orders import Order
from domain.people import WorkerStatus
from domain.ports import Reads
from domain.queries import ExplainOrder
from domain.rules import Rules

TOP = 5
"""How many of the eligible workers are shown with their score's parts."""
LISTED_REFUSALS = 10
"""How many kept-out workers are named one by one (the rest are counted)."""
NEAREST_MISS_FIRST = tuple(reversed(Refusal))
"""The rules in reverse order: a worker kept out by a later rule passed the earlier ones (one
without the skill, say, comes after one who is offline)."""


async def explain_order(
    uow: Reads,
    q: ExplainOrder,
    *,
    admins: AdminDirectory,
    catalog: Catalog,
    rules: Rules,
    clock: Callable[[], datetime],
) -> DispatchExplained:
    await role_for(admins, uow, "explain", q.admin)
    order = await by_number(uow, q.number, full=False)
    assert order.id is not None
    offers = await uow.offers.for_order(order.id)
    open_now = awaited(offers, order.worker_id, clock())
    declined = frozenset(
        o.worker_id
        for o in offers
        if o.worker_id != order.worker_id and o.worker_id not in open_now
    )
    job, _ = await job_for(uow, catalog, order, declined)
    workers = await uow.workers.with_status([WorkerStatus.APPROVED, WorkerStatus.SUSPENDED])
    pool = await candidates(uow, job, rules, workers)
    if order.worker_id in pool:  # the order is in its worker's calendar: not a clash with itself
        candidate, worker = pool[order.worker_id]
        pool[order.worker_id] = (without(candidate, order), worker)
    out = explain(job, [c for c, _ in pool.values()], rules.dispatch)
    names = {i: w.name for i, (_, w) in pool.items()}
    why = excluded_why(offers, order.worker_id)
    kept_out = [
        (i, why.get(i, r) if r == Refusal.EXCLUDED else r) for i, r in out.refused
    ]  # offered before: declined or timed out, or the offer withdrawn
    refused = dict(kept_out)
    assigned: RankedWorker | RefusedWorker | None = None
    if order.worker_id is not None:
        mine = next((s for s in out.ranked if s.worker_id == order.worker_id), None)
        assigned = (
            ranked(mine, names)
            if mine is not None
            else RefusedWorker(
                order.worker_id,
                names.get(order.worker_id, ""),
                refused.get(order.worker_id, Refusal.NOT_APPROVED).value,
            )
        )
    near_misses = sorted(
        kept_out,
        key=lambda p: (NEAREST_MISS_FIRST.index(p[1]), p[0]),
    )
    return DispatchExplained(
        number=order.number,
        status=order.status,
        item=catalog.name_of(order.item_id),
        certificates=job.certificates,
        assigned=assigned,
        ranked=tuple(ranked(s, names) for s in out.ranked[:TOP]),
        ranked_count=len(out.ranked),
        refused=tuple(
            RefusedWorker(i, names.get(i, ""), r.value) for i, r in near_misses[:LISTED_REFUSALS]
        ),
        refusal_counts=tuple((r.value, n) for r, n in top_refusals(kept_out)),
        offered=tuple(
            OfferedWorker(o.worker_id, names.get(o.worker_id, ""), o.expires_at)
            for o in open_now.values()
        ),
    )


def awaited(offers: list[Offer], holder: int | None, now: datetime) -> dict[int, Offer]:
    """The offers of the order still open at ``now``, by worker (its worker's own aside: a
    transfer offers it to another): their answer is awaited. One past its deadline has timed
    out, whether or not the sweep has marked it yet."""
    return {
        o.worker_id: o
        for o in offers
        if o.status == OfferStatus.OPEN and o.expires_at > now and o.worker_id != holder
    }


def ranked(s: Scored, names: dict[int, str]) -> RankedWorker:
    return RankedWorker(s.worker_id, names.get(s.worker_id, ""), s.score, s.distance_m, s.factors)


def without(c: Candidate, order: Order) -> Candidate:
    """``c`` as if it did not hold ``order`` (its booking, its count that day, its being busy
    with it now)."""
    busy = list(c.busy)
    same = (b for b in busy if b.start_at == order.start_at and b.end_at == order.end_at)
    own = next(same, None)
    if own is None:
        return c
    busy.remove(own)
    active = c.active_now - (1 if OrderStatus(order.status) in ACTIVE_NOW else 0)
    return replace(
        c,
        busy=tuple(busy),
        jobs_that_day=max(0, c.jobs_that_day - 1),
        active_now=max(0, active),
    )
