"""Finding a worker for a paid order: push (one offer at a time, with a deadline), grab (the
top K at once, the first accept wins), manual assignment, transfer; accept and decline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.services.dispatch_pool import candidates, pool_for
from conversations.services.notices import (
    Notice,
    in_both,
    masked_where,
    to_admins,
    to_customer,
    to_worker,
)
from conversations.services.worker_index import WorkerIndex
from domain import gazetteer
from domain.assignment import assign
from domain.catalog import Catalog
from domain.dispatch import (
    REFUSAL_TEXT,
    Candidate,
    Job,
    Refusal,
    Scored,
    by_priority,
    rank,
    refusal,
    score,
    top_refusals,
)
from domain.errors import DomainError
from domain.lifecycle import Action, OrderStatus
from domain.moments import When, local_when
from domain.offers import Offer, OfferMode, OfferStatus
from domain.orders import SYSTEM, Order
from domain.people import Address, Worker, WorkerStatus
from domain.ports import Reads, UnitOfWork
from domain.risk import hold_text
from domain.rules import DispatchMode, Rules
from domain.settlement import service_value, worker_share
from domain.text import N_, Bilingual


class Taken(DomainError):
    def __init__(self, number: int) -> None:
        super().__init__(N_("订单 #{number} 已被其他师傅接走,下次早点哦", number=number))


def when_text(order: Order, tz: ZoneInfo, now: datetime) -> When:
    return local_when(order.start_at, now, tz)


async def job_for(
    uow: Reads, catalog: Catalog, order: Order, excluded: frozenset[int] = frozenset()
) -> tuple[Job, Address | None]:
    item = catalog.item(order.item_id)
    # with the workers who served the customer before, and their member level as settled
    address, previous, level = await uow.addresses.for_dispatch(
        order.address_id, order.customer_id
    )
    place = gazetteer.place_of(address) if address else None
    job = Job(
        order_id=order.id or 0,
        skill=item.skill,
        start_at=order.start_at,
        end_at=order.end_at,
        location=place.point if place else None,
        district=place.district if place else "",
        certificates=item.certificates,
        preferred_worker_id=order.preferred_worker_id,
        previous_worker_ids=frozenset(previous),
        excluded=excluded,
        member_level=level,
    )
    return job, address


async def dispatch(
    uow: UnitOfWork,
    catalog: Catalog,
    rules: Rules,
    order: Order,
    now: datetime,
    taken: frozenset[int] = frozenset(),
    index: WorkerIndex | None = None,
) -> list[Notice]:
    """Offer a paid (or still unassigned) order to the next best worker(s) but ``taken``
    (given an overlapping job of the same batch); with the process's ``index`` of a large
    pool, reading only the workers who could be the best (``dispatch_pool.pool_for``).
    ``order`` may be one read without its quote lines (``full=False``): they are read when
    it is offered (the worker's earnings come from them)."""
    if order.hold_reason:  # a risk rule holds it: an admin releases it first
        if order.status != OrderStatus.PAID:
            return []
        return [
            to_customer(order.customer_id, "order_held", number=order.number),
            to_admins(
                "order_held_admin",
                number=order.number,
                reason=in_both(hold_text(order.hold_reason)),
            ),
        ]
    # a paid order was never dispatching, and offers are made for dispatching ones only
    never_offered = order.status == OrderStatus.PAID
    if never_offered:
        order.apply(Action.DISPATCH, SYSTEM, now)
        ahead = rules.dispatch.batch_ahead_hours
        if ahead and order.start_at - now >= timedelta(hours=ahead):
            order.dispatch_note = "batch"  # assigned with the others by the batch sweep
            await uow.orders.save(order, now)
            return []
    if order.status != OrderStatus.DISPATCHING:
        return []
    assert order.id is not None
    offered = [] if never_offered else await uow.offers.for_order(order.id)
    if any(o.status == OfferStatus.OPEN for o in offered):
        return []
    excluded = frozenset(o.worker_id for o in offered) | taken
    job, address = await job_for(uow, catalog, order, excluded)
    mode = (
        DispatchMode(order.dispatch_mode)
        if order.dispatch_mode in (DispatchMode.PUSH, DispatchMode.GRAB)
        else rules.dispatch.mode
    )
    order.dispatch_mode = mode.value
    need = 1 if mode == DispatchMode.PUSH else rules.dispatch.grab_top_k
    pool = await pool_for(uow, job, rules, need, index)
    ranked = rank(job, [c for c, _ in pool.values()], rules.dispatch)
    limit = (
        rules.dispatch.max_rounds
        if mode == DispatchMode.GRAB
        else (rules.dispatch.max_push_offers)
    )
    if not ranked or order.dispatch_round >= limit:
        first_time = order.dispatch_note != "no_worker"
        order.dispatch_note = "no_worker"
        await uow.orders.save(order, now)
        if not first_time:
            return []
        return no_worker_notices(order, rules, await refusals(uow, job, rules, index))
    picks = ranked[:need]
    if not order.lines:
        order.lines = await uow.orders.quote_lines(order.id)
    order.dispatch_round += 1
    order.dispatch_note = ""
    await uow.orders.save(order, now)
    notices = []
    for scored in picks:
        _, worker = pool[scored.worker_id]
        notices.append(
            await make_offer(
                uow, catalog, rules, order, worker, scored, address, OfferMode(mode.value), now
            )
        )
    return notices


async def batch(
    uow: UnitOfWork, catalog: Catalog, rules: Rules, orders: list[Order], now: datetime
) -> list[Notice]:
    """Assign waiting scheduled orders together, minimising total travel (one job per worker
    per batch), members' orders first (``assignment``); an order the optimum leaves out is
    dispatched on its own, the highest level first, to a worker the batch gave no
    overlapping job."""
    tz = ZoneInfo(rules.timezone)
    by_day: dict[object, list[Order]] = {}
    for order in orders:
        by_day.setdefault(order.start_at.astimezone(tz).date(), []).append(order)
    notices: list[Notice] = []
    for day_orders in by_day.values():
        jobs, addresses = [], []
        for order in day_orders:
            assert order.id is not None
            await uow.orders.lock(order.id)
            job, address = await job_for(uow, catalog, order)
            jobs.append(job)
            addresses.append(address)
        pool = await candidates(uow, jobs[0], rules, until=max(j.end_at for j in jobs))
        workers = [c for c, _ in pool.values()]
        chosen = assign(jobs, workers, rules.dispatch) if workers else {}
        for i in by_priority(jobs, rules.dispatch):
            order = day_orders[i]
            order.dispatch_note = ""
            if i not in chosen:
                taken = _taken(jobs[i], jobs, chosen, workers, rules)
                notices += await dispatch(uow, catalog, rules, order, now, taken)
                continue
            candidate, worker = pool[workers[chosen[i]].id]
            order.dispatch_round += 1
            order.dispatch_mode = DispatchMode.PUSH.value
            await uow.orders.save(order, now)
            notices.append(
                await make_offer(
                    uow,
                    catalog,
                    rules,
                    order,
                    worker,
                    score(jobs[i], candidate, rules.dispatch),
                    addresses[i],
                    OfferMode.PUSH,
                    now,
                )
            )
    return notices


def _taken(
    job: Job, jobs: list[Job], chosen: dict[int, int], workers: list[Candidate], rules: Rules
) -> frozenset[int]:
    """The workers the batch gave a job overlapping ``job`` (with the travel buffer)."""
    buffer = timedelta(minutes=rules.dispatch.travel_buffer_minutes)
    return frozenset(
        workers[j].id
        for i, j in chosen.items()
        if job.start_at < jobs[i].end_at + buffer and jobs[i].start_at < job.end_at + buffer
    )


async def make_offer(
    uow: UnitOfWork,
    catalog: Catalog,
    rules: Rules,
    order: Order,
    worker: Worker,
    scored: Scored | None,
    address: Address | None,
    mode: OfferMode,
    now: datetime,
) -> Notice:
    assert order.id is not None and worker.id is not None
    if not order.lines:  # read without them (a transfer): its total is what discounts left
        order.lines = await uow.orders.quote_lines(order.id)
    earn = worker_share(
        service_value(order.lines) if order.lines else order.total_cents,
        worker.level,
        rules.settlement,
    )
    timeout = timedelta(seconds=rules.dispatch.offer_timeout_s)
    await uow.offers.add(
        Offer(order.id, worker.id, mode, order.dispatch_round, earn, now, now + timeout)
    )
    return offer_notice(
        order,
        catalog.item(order.item_id).name,
        worker.id,
        earn,
        scored.distance_m if scored else None,
        address,
        rules,
        int(timeout.total_seconds()) // 60,
        mode,
        now,
    )


def offer_notice(
    order: Order,
    item: Bilingual,
    worker_id: int,
    earn: int,
    distance: int | None,
    address: Address | None,
    rules: Rules,
    minutes: int,
    mode: OfferMode,
    now: datetime,
) -> Notice:
    tz = ZoneInfo(rules.timezone)
    return to_worker(
        worker_id,
        "job_offered",
        number=order.number,
        item=in_both(item),
        mode=mode.value,
        when=when_text(order, tz, now),
        where=masked_where(address),
        km=km_text(distance, address.uncertainty_m if address else 0),
        earn=earn,
        minutes=minutes,
    )


def km_text(distance: int | None, uncertainty_m: int) -> str:
    """``2.0 km``; ``3.6 km ±6 km`` when only the address's district is known (offline); ""
    when the worker has no distance to it (their area is districts: the offer's ``where``
    names the district, and the offer says no distance)."""
    if distance is None:
        return ""
    km = f"{distance // 1000}.{distance % 1000 // 100} km"
    return f"{km} ±{-(-uncertainty_m // 1000)} km" if uncertainty_m >= 1000 else km


async def refusals(
    uow: Reads, job: Job, rules: Rules, index: WorkerIndex | None = None
) -> list[tuple[int, Refusal]]:
    """Why each approved or suspended worker, online or not, cannot take ``job`` — with the
    index of a large pool, each of the ``REFUSALS_READ`` who could have taken it at best (a
    city's far-away workers say nothing an admin can act on, and reading them takes seconds)."""
    statuses = [WorkerStatus.APPROVED, WorkerStatus.SUSPENDED]
    built = index.current() if index is not None else None
    among = None
    if built is not None:  # those declined or timed out count too (as excluded)
        near = built.best(replace(job, excluded=frozenset()), REFUSALS_READ)
        among = [s.worker_id for s in near]
    workers = await uow.workers.with_status(statuses, among=among)
    pool = await candidates(uow, job, rules, workers)
    return [(c.id, r) for c, _ in pool.values() if (r := refusal(job, c, rules.dispatch))]


REFUSALS_READ = 200
"""With a large pool's index, how many of the workers it ranks first the "no worker" notice
counts the reasons of."""
TOP_REASONS = 3
"""How many reasons the admins' "no worker" notice names (``/explain`` tells the rest)."""


def no_worker_notices(
    order: Order, rules: Rules, refused: list[tuple[int, Refusal]] | None = None
) -> list[Notice]:
    """The customer is told nobody is free; the admins, with the rules that kept the online
    workers out, most first."""
    reasons = [
        {**in_both(REFUSAL_TEXT[r]), "n": n} for r, n in top_refusals(refused or [])[:TOP_REASONS]
    ]
    return [
        to_customer(order.customer_id, "no_worker", number=order.number),
        to_admins("no_worker_admin", number=order.number, reasons=reasons),
    ]
