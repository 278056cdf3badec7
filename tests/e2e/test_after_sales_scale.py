"""Two app instances sharing PostgreSQL and Redis sweep the same complaint deadlines at once:
each escalation and the compensation coupon happen once; an instance started later (a
restart) finds every pending deadline in the database."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.aftersales import Complaint
from domain.commands import ComplaintSweep
from domain.lifecycle import OrderStatus
from domain.people import Channel, Identity
from domain.rules import ComplaintCategory
from tests.e2e.helpers import START, Clock, make_app, on_telegram
from tests.integration.test_repositories import new_customer, new_order
from webhooks.keys import DATABASE, SERVICES

RAN = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
"""What APScheduler reports once a job it was due to run has run, failed or been skipped."""


async def open_complaint(db, chat: int, clock: Clock):
    """A customer on Telegram ``chat`` with a settled order and a complaint filed now."""
    customer = await new_customer(db)
    order = await new_order(db, customer)
    async with db.uow() as uow:
        await uow.identities.add(Identity(Channel.TELEGRAM, str(chat), customer.id, None))
        order = await uow.orders.get(order.id)
        order.status, order.finished_at = OrderStatus.SETTLED, clock.now
        await uow.orders.save(order, clock.now)
        await uow.complaints.add(
            Complaint(order.id, customer.id, ComplaintCategory.OTHER, clock.now, text="发票")
        )
        await uow.commit()
    return customer


async def test_two_instances_escalate_and_compensate_each_complaint_once(
    aiohttp_client, tmp_path, postgres_url, redis_url, pii_key, fake_telegram
):
    clock = Clock(START)
    ops = 10**9 + random.randrange(10**6)
    customer_chat = ops + 1

    def app(name):
        return make_app(
            tmp_path / name,
            postgres_url,
            pii_key,
            clock=clock,
            redis_url=redis_url,
            **on_telegram(fake_telegram),
            admins=f"telegram:{ops}:ops",
        )

    one = app("one")
    await aiohttp_client(one)
    db = one[DATABASE]
    customer = await open_complaint(db, customer_chat, clock)
    two = app("two")  # started after the complaint was filed
    await aiohttp_client(two)

    def sent(chat: int, word: str) -> list[str]:
        return [m["text"] for m in fake_telegram.sent(chat) if word in m.get("text", "")]

    async def both_sweep() -> None:
        for _ in range(2):
            await asyncio.gather(
                one[SERVICES].run(ComplaintSweep()), two[SERVICES].run(ComplaintSweep())
            )

    clock.advance(minutes=31)
    await both_sweep()
    assert len(sent(ops, "无人回复")) == 1
    clock.advance(minutes=30)
    await both_sweep()
    assert len(sent(ops, "无人回复")) == 1  # the owner's turn now; ops is not told twice
    clock.now += timedelta(hours=24)
    await both_sweep()
    assert len(sent(customer_chat, "补偿券")) == 1
    async with db.uow() as uow:
        coupons = await uow.coupons.for_customer(customer.id)
    assert len([c for c in coupons if c.reason.startswith("complaint")]) == 1


async def run_every_sweep_now(*schedulers: AsyncIOScheduler) -> None:
    """Make every job of each running scheduler due now and wait until APScheduler has run
    each (its own timer, executor and events, without waiting for the interval). The sweeps
    of all the schedulers run at the same time. "Now" is APScheduler's, the wall clock: the
    sweeps themselves read the app's clock, which the test moves."""
    due = {(s, job.id) for s in schedulers for job in s.get_jobs()}
    outcomes: dict[tuple[AsyncIOScheduler, str], int] = {}
    all_ran = asyncio.Event()

    def listener(scheduler: AsyncIOScheduler) -> Callable[[JobExecutionEvent], None]:
        def ran(event: JobExecutionEvent) -> None:
            outcomes[scheduler, event.job_id] = event.code
            if due <= outcomes.keys():
                all_ran.set()

        return ran

    listeners = [(s, listener(s)) for s in schedulers]
    for s, ran in listeners:
        s.add_listener(ran, RAN)
    try:
        for s, job_id in due:
            s.modify_job(job_id, next_run_time=datetime.now(UTC))  # and wakes the scheduler
        await asyncio.wait_for(all_ran.wait(), 30)
    finally:
        for s, ran in listeners:
            s.remove_listener(ran)
    assert set(outcomes.values()) == {EVENT_JOB_EXECUTED}, outcomes


async def sweep_twice(schedulers: list[AsyncIOScheduler]) -> None:
    for _ in range(2):
        await run_every_sweep_now(*schedulers)


async def test_with_the_scheduler_running_in_two_instances_each_deadline_acts_once(
    aiohttp_client, tmp_path, postgres_url, redis_url, pii_key, fake_telegram, monkeypatch
):
    """The real APScheduler in both apps; the test makes the sweeps due instead of waiting
    for their interval (an hour here, so that only the test runs them)."""
    from scheduler import sweeps
    from tests.e2e.helpers import CATALOG, RULES, make_settings
    from webhooks import app as composition
    from webhooks.app import create_app

    hour = 3600
    monkeypatch.setattr(sweeps, "SWEEPS", [(ComplaintSweep, hour), (sweeps.DrainOutbox, hour)])
    schedulers: list[AsyncIOScheduler] = []

    def build_scheduler(run):
        schedulers.append(sweeps.build_scheduler(run))
        return schedulers[-1]

    monkeypatch.setattr(composition, "build_scheduler", build_scheduler)
    clock = Clock(START)
    ops = 10**9 + random.randrange(10**6)
    customer_chat = ops + 1

    def app(name):
        settings = make_settings(
            tmp_path / name,
            postgres_url,
            pii_key,
            redis_url=redis_url,
            **on_telegram(fake_telegram),
            admins=f"telegram:{ops}:ops",
        )
        return create_app(settings, CATALOG, RULES, clock=clock, scheduler=True)

    one, two = app("one"), app("two")
    await aiohttp_client(one)
    await aiohttp_client(two)
    assert len(schedulers) == 2 and all(s.running for s in schedulers)
    db = one[DATABASE]
    await open_complaint(db, customer_chat, clock)

    def sent(chat: int, word: str) -> list[str]:
        return [m["text"] for m in fake_telegram.sent(chat) if word in m.get("text", "")]

    await sweep_twice(schedulers)
    assert sent(ops, "无人回复") == []  # not yet due
    clock.advance(minutes=31)
    await sweep_twice(schedulers)
    assert len(sent(ops, "无人回复")) == 1
    clock.advance(hours=24)
    await sweep_twice(schedulers)
    assert len(sent(customer_chat, "补偿券")) == 1
