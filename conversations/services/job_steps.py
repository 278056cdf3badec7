"""Doing the job: on the way, check-in (location + door photo), before/after photos, finish,
the customer's confirmation (or the automatic one), lateness and its consequences."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.services import payment_requests, referrals
from conversations.services.notices import (
    Notice,
    to_admins,
    to_customer,
    to_worker,
    worker_rating,
)
from conversations.services.settlement import settle
from domain import gazetteer
from domain.errors import DomainError
from domain.execution import (
    CHECK_IN_STATUSES,
    check_in_distance,
    check_not_early,
    estimate_arrival,
    expected_arrival,
    is_late,
    late_minutes,
    photo_refusal,
)
from domain.geo import distance_m
from domain.lifecycle import Action, ActorKind, OrderStatus, next_status
from domain.media import JobPhoto, PhotoKind
from domain.money import format_yuan
from domain.orders import SYSTEM, Actor, Order
from domain.people import GeoPoint, Worker, WorkerStatus, late_arrivals_note
from domain.ports import Reads, UnitOfWork
from domain.rules import Rules
from domain.text import N_, Day
from domain.timeline_notes import auto_confirmed_note, checked_in_directly_note, eta_note


class NotYours(DomainError):
    def __init__(self, number: int) -> None:
        super().__init__(N_("订单 #{number} 不是您的任务", number=number))


async def own_job(uow: Reads, worker_id: int, number: int) -> Order:
    """The worker's job ``number``; NotYours when there is no such order or it is another
    worker's (one answer for both: nothing of someone else's order is told). Every step of a
    job finds it so, and so does the check before a step's first question (``CheckJob``)."""
    order = await uow.orders.by_number(number, full=False)
    if order is None or order.worker_id != worker_id:
        raise NotYours(number)
    return order


def check_in_open(order: Order, rules: Rules, now: datetime) -> None:
    """Refuse a check-in to ``order`` at ``now``: past the door already (or not taken), or
    more than ``checkin_before_minutes`` before the start. Said when the worker asks to check
    in, before their location is asked for, and again at the check-in."""
    if order.status not in CHECK_IN_STATUSES:
        raise DomainError(N_("订单 #{number} 现在不能打卡", number=order.number))
    ex, tz = rules.execution, ZoneInfo(rules.timezone)
    check_not_early(order.start_at, now, ex.checkin_before_minutes, tz, check_in=True)


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


def check_depart_open(order: Order, rules: Rules, now: datetime) -> None:
    """Refuse setting off for ``order`` at ``now``: not a taken job waiting for its worker (as
    the lifecycle says it), or more than ``depart_before_minutes`` before the start. Said when
    the worker taps 出发, before their arrival is asked for, and again as they set off."""
    next_status(order.status, Action.DEPART, ActorKind.WORKER, order.number)
    ex, tz = rules.execution, ZoneInfo(rules.timezone)
    check_not_early(order.start_at, now, ex.depart_before_minutes, tz, check_in=False)


async def depart(
    uow: UnitOfWork,
    rules: Rules,
    worker: Worker,
    number: int,
    now: datetime,
    *,
    said_minutes: int | None = None,
    here: GeoPoint | None = None,
) -> tuple[Order, list[Notice]]:
    """Set off for job ``number``: the customer is told, with the arrival estimated from the
    minutes the worker said, else the distance from the location they shared (``here``) to
    the address, else the booked start (``estimate_arrival``); the timeline notes it."""
    assert worker.id is not None
    order = await own_job(uow, worker.id, number)
    check_depart_open(order, rules, now)
    distance = None
    if here is not None and order.address_id:
        address = await uow.addresses.get(order.address_id)
        place = gazetteer.place_of(address) if address else None
        distance = distance_m(place.point, here) if place else None
    eta = estimate_arrival(
        rules.execution, now, order.start_at, said_minutes=said_minutes, distance=distance
    )
    note = eta_note(eta.minutes, eta.source) if eta else ""
    order.apply(Action.DEPART, Actor(ActorKind.WORKER, str(worker.id)), now, note)
    order.departed_at, order.eta_minutes = now, eta.minutes if eta else None
    await uow.orders.save(order, now)
    at = expected_arrival(order)
    arrive = f"{at.astimezone(ZoneInfo(rules.timezone)):%H:%M}" if at else ""
    notice = to_customer(
        order.customer_id,
        "on_the_way",
        number=order.number,
        worker=worker.name,
        eta=eta.minutes if eta else 0,
        arrive=arrive,
        source=eta.source.value if eta else "",
        **worker_rating(worker),
    )
    return order, [notice]


async def check_in(
    uow: UnitOfWork, rules: Rules, worker_id: int, number: int, here: GeoPoint, now: datetime
) -> tuple[Order, int | None]:
    """Record the worker's location at the door (refused with the distance when too far)."""
    order = await own_job(uow, worker_id, number)
    check_in_open(order, rules, now)
    if order.status == OrderStatus.ACCEPTED:  # not set off yet: the check-in sets off
        actor = Actor(ActorKind.WORKER, str(worker_id))
        order.apply(Action.DEPART, actor, now, checked_in_directly_note())
        order.departed_at = now
    address = await uow.addresses.get(order.address_id) if order.address_id else None
    place = gazetteer.place_of(address) if address else None
    distance = check_in_distance(
        place.point if place else None, here, rules.execution, place.uncertainty_m if place else 0
    )
    order.checkin = here
    await uow.orders.save(order, now)
    return order, distance


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


async def finish(
    uow: UnitOfWork,
    rules: Rules,
    worker_id: int,
    number: int,
    media_url: Callable[[str], str],
    now: datetime,
) -> tuple[Order, list[Notice]]:
    order = await own_job(uow, worker_id, number)
    assert order.id is not None
    if order.status in (OrderStatus.FINISHED, OrderStatus.CONFIRMED, OrderStatus.SETTLED):
        raise DomainError(N_("订单 #{number} 已完工", number=number))
    if order.status != OrderStatus.IN_SERVICE:
        raise DomainError(N_("订单 #{number} 还未开始服务", number=number))
    placement = await uow.placements.for_order(order.id)
    if placement is not None and now < placement.period.end_at - timedelta(days=1):
        tz = ZoneInfo(rules.timezone)
        # a contract is finished on its last day; ended earlier only by ops (/terminate)
        raise DomainError(
            N_(
                "长期订单 #{number} 的合同到 {day} 结束,最后一天才能完工。"
                "客户要提前结束合同,请让客户发送「终止合同 #{number}」。",
                number=number,
                day=Day(placement.period.last_day, now.astimezone(tz).date()),
            )
        )
    after = await uow.photos.for_order(order.id, [PhotoKind.AFTER.value])
    if not after:
        raise DomainError(N_("完工前请至少上传一张服务后照片"))
    order.apply(Action.FINISH, Actor(ActorKind.WORKER, str(worker_id)), now)
    order.finished_at = now
    order.auto_confirm_at = now + timedelta(hours=rules.settlement.auto_confirm_hours)
    await uow.orders.save(order, now)
    paid = await payment_requests.paid_for_service(uow, order)  # a reschedule fee pays none
    notice = to_customer(
        order.customer_id,
        "finished",
        number=number,
        photos=[media_url(p.path) for p in after][:3],
        balance=order.total_cents - paid,
        hours=rules.settlement.auto_confirm_hours,
    )
    return order, [notice]


async def confirm(
    uow: UnitOfWork, rules: Rules, order: Order, actor: Actor, now: datetime
) -> list[Notice]:
    """The customer (or the clock) accepts the work; the money is settled at once."""
    paid = await payment_requests.paid_for_service(uow, order)  # a reschedule fee pays none
    if paid < order.total_cents:
        raise DomainError(
            N_(
                "请先支付尾款 {total_cents}",
                total_cents=format_yuan(order.total_cents - paid),
            )
        )
    order.apply(
        Action.CONFIRM, actor, now, auto_confirmed_note() if actor.kind == ActorKind.SYSTEM else ""
    )
    order.auto_confirm_at = None
    await uow.orders.save(order, now)
    notices = await settle(uow, rules, order, now)
    if not notices and order.worker_id is not None:
        notices.append(to_worker(order.worker_id, "confirmed_worker", number=order.number))
    if actor.kind == ActorKind.SYSTEM:
        notices.append(to_customer(order.customer_id, "auto_confirmed", number=order.number))
    notices += await referrals.reward(uow, rules.membership, order, now)
    return notices


async def auto_confirm(
    uow: UnitOfWork, rules: Rules, order_id: int, now: datetime
) -> list[Notice]:
    order = await uow.orders.get(order_id, full=False)
    if (
        order is None
        or order.status != OrderStatus.FINISHED
        or (order.auto_confirm_at is None or order.auto_confirm_at > now)
    ):
        return []
    if await payment_requests.paid_for_service(uow, order) < order.total_cents:
        return []  # the balance is still due: nothing confirms itself
    return await confirm(uow, rules, order, SYSTEM, now)
