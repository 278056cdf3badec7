"""Getting to the job: whose job it is (``own_job``: every step of a job finds it so), setting
off (出发, the customer told when to expect the worker) and the check-in at the door
(location). The door photo that completes it is ``job_photos``; finishing and the
customer's confirmation, ``job_completion``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.services.notices import (
    Notice,
    to_customer,
    worker_rating,
)
from domain import gazetteer
from domain.errors import DomainError
from domain.execution import (
    CHECK_IN_STATUSES,
    check_in_distance,
    check_not_early,
    checkin_lead_minutes,
    estimate_arrival,
    expected_arrival,
)
from domain.geo import distance_m
from domain.lifecycle import Action, ActorKind, OrderStatus, next_status
from domain.moments import clock_or_when
from domain.orders import Actor, Order
from domain.people import GeoPoint, Worker
from domain.ports import Reads, UnitOfWork
from domain.rules import Rules
from domain.text import N_
from domain.timeline_notes import checked_in_directly_note, eta_note


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
    more than ``checkin_lead_minutes`` before the start. Said when the worker asks to check
    in, before their location is asked for, and again at the check-in."""
    if order.status not in CHECK_IN_STATUSES:
        raise DomainError(N_("订单 #{number} 现在不能打卡", number=order.number))
    lead = checkin_lead_minutes(rules.execution, order.asap)
    check_not_early(order.start_at, now, lead, ZoneInfo(rules.timezone), check_in=True)


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
    arrive = clock_or_when(at, now, ZoneInfo(rules.timezone)) if at else ""
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
