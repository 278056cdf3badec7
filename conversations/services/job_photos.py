"""The job's photos: the door photo that completes the check-in (the arrival, lateness and
its consequences), the before photos (the first starts the work) and the after photos."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.services.job_steps import own_job
from conversations.services.notices import Notice, to_admins, to_customer, to_worker
from domain.errors import DomainError
from domain.execution import is_late, late_minutes, photo_refusal
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.media import JobPhoto, PhotoKind
from domain.orders import Actor, Order
from domain.people import Worker, WorkerStatus, late_arrivals_note
from domain.ports import UnitOfWork
from domain.rules import Rules
from domain.text import N_


def check_photo(order: Order, kind: PhotoKind) -> None:
    """Refuse a ``kind`` photo of ``order`` now (``photo_refusal``): said when the worker asks
    to send photos, before any is asked for, and again as each arrives."""
    refused = photo_refusal(order.status, kind, order.number, checked_in=order.checkin is not None)
    if refused is not None:
        raise DomainError(refused)


def check_photo_of_some_kind(order: Order) -> None:
    """Refuse photos of ``order`` now when neither before nor after photos may be added (拍照 #N
    without its kind: checked before the kind is asked); the before photos' reason then."""
    before = photo_refusal(
        order.status, PhotoKind.BEFORE, order.number, checked_in=order.checkin is not None
    )
    if before is not None and photo_refusal(order.status, PhotoKind.AFTER, order.number):
        raise DomainError(before)


async def add_photo(
    uow: UnitOfWork,
    rules: Rules,
    worker: Worker,
    number: int,
    kind: PhotoKind,
    stored: tuple[str, str, int],
    now: datetime,
) -> tuple[Order, list[Notice]]:
    """Keep a job photo; the door photo completes check-in, the first before photo starts."""
    assert worker.id is not None
    order = await own_job(uow, worker.id, number)
    actor = Actor(ActorKind.WORKER, str(worker.id))
    check_photo(order, kind)
    assert order.id is not None
    if len(await uow.photos.for_order(order.id, [kind.value])) >= rules.execution.photos_per_kind:
        raise DomainError(
            N_("每类最多 {photos_per_kind} 张", photos_per_kind=rules.execution.photos_per_kind)
        )
    path, content_type, size = stored
    await uow.photos.add(
        JobPhoto(order.id, kind.value, path, content_type, size, now), f"worker:{worker.id}"
    )
    notices: list[Notice] = []
    if kind == PhotoKind.DOOR:
        if order.visit_code and order.visit_code_ok_at is None:
            raise DomainError(N_("请先输入客户告诉您的上门验证码"))
        notices = await _arrive(uow, rules, order, worker, actor, now)
    elif kind == PhotoKind.BEFORE and order.status == OrderStatus.ARRIVED:
        order.apply(Action.START, actor, now)
    await uow.orders.save(order, now)
    return order, notices


async def _arrive(
    uow: UnitOfWork, rules: Rules, order: Order, worker: Worker, actor: Actor, now: datetime
) -> list[Notice]:
    assert worker.id is not None
    order.apply(Action.ARRIVE, actor, now)
    order.arrived_at = now
    order.late_minutes = late_minutes(order.start_at, now)
    number, name = order.number, worker.name
    notices = [to_customer(order.customer_id, "arrived", number=number, worker=name)]
    lr = rules.lateness
    if not is_late(order.late_minutes, lr):
        return notices
    notices.append(
        to_worker(
            worker.id,
            "late_deducted",
            number=number,
            late=order.late_minutes,
            percent=lr.deduction_bp,
        )
    )
    since = now - timedelta(days=lr.window_days)
    # this arrival is not saved yet: count the earlier ones and add it
    count = await uow.orders.late_arrivals(worker.id, since, lr.grace_minutes) + 1
    if count >= lr.suspend_after and worker.status == WorkerStatus.APPROVED:
        worker.status, worker.online = WorkerStatus.SUSPENDED, False
        worker.review_note = late_arrivals_note(count, lr.window_days)
        await uow.workers.save(worker)
        notices += [
            to_worker(worker.id, "suspended_for_lateness", count=count, days=lr.window_days),
            to_admins(
                "suspended_for_lateness_admin",
                worker=name,
                worker_id=worker.id,
                count=count,
                days=lr.window_days,
            ),
        ]
    return notices
