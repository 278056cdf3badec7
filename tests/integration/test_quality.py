"""Worker credit on SQLite and PostgreSQL: the figures come from the orders, complaints and
ratings of the window; levels are set, level C is suspended, the quarterly run happens once."""

from __future__ import annotations

from datetime import timedelta

from conversations.services import quality
from domain.aftersales import Complaint, Rater, Rating, Resolution
from domain.lifecycle import OrderStatus
from domain.people import ServiceArea, Worker, WorkerStatus
from domain.rules import ComplaintCategory, WorkerLevel
from tests import random_refs
from tests.integration.test_repositories import NOW, RULES, new_customer, new_order


async def new_worker(database, name: str) -> Worker:
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker(
                name=name,
                phone=random_refs.phone(),
                created_at=NOW - timedelta(days=200),
                skills=("cleaning",),
                area=ServiceArea(None, 5000),
                status=WorkerStatus.APPROVED,
            )
        )
        await uow.commit()
    return worker


async def job(database, worker: Worker, *, days_ago: int, late: int = 0, stars: int = 5):
    """A finished job of ``worker``, rated ``stars`` on every dimension."""
    customer = await new_customer(database)
    order = await new_order(database, customer)
    at = NOW - timedelta(days=days_ago)
    async with database.uow() as uow:
        order = await uow.orders.get(order.id)
        order.worker_id, order.accepted_at, order.finished_at = worker.id, at, at
        order.status, order.late_minutes = OrderStatus.SETTLED, late
        await uow.orders.save(order, at)
        scores = {d: stars for d in ("response", "skill", "attitude", "care")}
        await uow.ratings.add(Rating(order.id, Rater.CUSTOMER, worker.id, customer.id, scores, at))
        await uow.commit()
    return order


async def complaint(database, order, upheld: bool = True) -> None:
    async with database.uow() as uow:
        c = await uow.complaints.add(
            Complaint(
                order.id,
                order.customer_id,
                ComplaintCategory.LATE,
                order.finished_at,
                worker_id=order.worker_id,
            )
        )
        c.resolution = Resolution.PARTIAL.value if upheld else Resolution.REJECTED.value
        await uow.complaints.save(c)
        await uow.commit()


async def test_levels_follow_ratings_completion_complaints_and_lateness(database):
    good = await new_worker(database, "好师傅")
    poor = await new_worker(database, "差师傅")
    for i in range(6):
        await job(database, good, days_ago=i + 1)
    old = await job(database, good, days_ago=120, stars=1)  # outside the 90-day window
    await complaint(database, old)
    for i in range(6):
        order = await job(database, poor, days_ago=i + 1, late=40, stars=2)
        if i < 3:
            await complaint(database, order)
    rejected = await job(database, poor, days_ago=8, stars=2)
    await complaint(database, rejected, upheld=False)  # a rejected complaint does not count
    async with database.uow() as uow:
        records = await uow.credit.records(
            NOW - timedelta(days=90), [good.id, poor.id], RULES.lateness.grace_minutes
        )
    assert records[good.id].finished == 6 and records[good.id].complaints == 0
    assert records[good.id].rating_x100 == 500
    assert records[poor.id].finished == 7 and records[poor.id].complaints == 3
    assert records[poor.id].late == 6 and records[poor.id].rating_x100 == 200
    async with database.uow() as uow:
        changes, notices = await quality.recalculate_levels(uow, RULES, NOW, [good.id, poor.id])
        await uow.commit()
    by_id = {c.worker_id: c for c in changes}
    assert by_id[good.id].new == WorkerLevel.S and not by_id[good.id].suspended
    assert by_id[poor.id].new == WorkerLevel.C and by_id[poor.id].suspended
    async with database.uow() as uow:
        poor_now = await uow.workers.get(poor.id)
    assert poor_now.status == WorkerStatus.SUSPENDED and not poor_now.online
    assert poor_now.complaint_rate_bp == 3 * 10_000 // 7 and poor_now.level == WorkerLevel.C
    assert {n.event for n in notices} == {"level_changed", "levels_changed_admin"}
    # running again changes nothing
    async with database.uow() as uow:
        again, _ = await quality.recalculate_levels(uow, RULES, NOW, [good.id, poor.id])
        await uow.commit()
    assert again == []


async def test_the_quarterly_run_and_a_days_spot_checks_happen_once(database):
    period = f"test-{random_refs.phone()}"
    async with database.uow() as uow:
        assert await uow.job_runs.claim("levels", period, NOW)
        assert not await uow.job_runs.claim("levels", period, NOW)
        await uow.commit()
    async with database.uow() as uow:
        assert not await uow.job_runs.claim("levels", period, NOW)
