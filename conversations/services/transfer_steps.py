"""Taking a 转单 back: the worker withdraws it (取消转单), or sets off for the job (出发, or a
check-in straight from accepted) while it waits for another worker. Either way the open
transfer offers of the order are withdrawn — each by the conditional update the accept path
claims an offer with (``Offers.answer``: open → withdrawn), so an offer is either accepted or
withdrawn, never both — and the workers offered it are told. One who tries to accept it
afterwards is told it is no longer available (``offer_steps.accept``)."""

from __future__ import annotations

from datetime import datetime

from conversations.services import job_steps
from conversations.services.job_steps import NotYours
from conversations.services.notices import Notice, to_worker
from domain.errors import ConcurrentUpdate, DomainError
from domain.lifecycle import OrderStatus
from domain.offers import OfferStatus
from domain.orders import Order
from domain.people import GeoPoint, Worker
from domain.ports import UnitOfWork
from domain.rules import Rules
from domain.text import N_


async def withdraw_transfer(uow: UnitOfWork, order: Order, now: datetime) -> list[Notice]:
    """Withdraw the order's open transfer offers (a job taken, accepted or on the way, has no
    other open offers: its accept closed them); a notice to each worker whose offer this
    closed (none when there was none, or each was answered first)."""
    assert order.id is not None
    closed = await uow.offers.close_others(order.id, None, OfferStatus.WITHDRAWN, now)
    return [to_worker(w, "transfer_withdrawn", number=order.number) for w in closed]


async def cancel_transfer(
    uow: UnitOfWork, worker_id: int, number: int, now: datetime
) -> tuple[Order, list[Notice]]:
    """取消转单 #N: the worker's pending 转单 of job ``number`` withdrawn. The order is locked
    first (as everything that changes an order and its offers does) and read again under the
    lock: an accept that got there first has made it another worker's — said so — and one
    that comes after finds its offer withdrawn."""
    found = await uow.orders.by_number(number, full=False)
    if found is None or found.id is None:
        raise NotYours(number)
    order = await uow.orders.get(found.id, full=False, lock=True)
    if order is None:
        raise NotYours(number)
    if order.worker_id != worker_id:
        if order.transfer_from_worker_id == worker_id:
            raise DomainError(
                N_("#{number} 已由其他师傅接单,转单已完成,不能再取消。", number=number)
            )
        raise NotYours(number)
    told = await withdraw_transfer(uow, order, now) if order.status == OrderStatus.ACCEPTED else []
    if not told:
        raise DomainError(N_("#{number} 没有进行中的转单。", number=number))
    return order, told


async def depart(
    uow: UnitOfWork,
    rules: Rules,
    worker: Worker,
    number: int,
    now: datetime,
    *,
    said_minutes: int | None = None,
    here: GeoPoint | None = None,
) -> tuple[Order, list[Notice], bool]:
    """出发 (``job_steps.depart``), then a 转单 of the job waiting for another worker
    withdrawn: (the order, the notices, whether one was). The order's conditional update
    comes first, as in an accept: when another worker accepts the 转单 at the same moment,
    exactly one of the two changes the order — the other finds nothing to change and fails
    (here: ``taken_over`` says why), its transaction rolled back."""
    assert worker.id is not None
    try:
        order, notices = await job_steps.depart(
            uow, rules, worker, number, now, said_minutes=said_minutes, here=here
        )
    except ConcurrentUpdate:
        raise await taken_over(uow, worker.id, number) from None
    withdrawn = await withdraw_transfer(uow, order, now)
    return order, [*notices, *withdrawn], bool(withdrawn)


async def check_in(
    uow: UnitOfWork, rules: Rules, worker_id: int, number: int, here: GeoPoint, now: datetime
) -> tuple[Order, int | None, list[Notice]]:
    """The check-in (``job_steps.check_in``); one straight from accepted sets off, and so
    withdraws a waiting 转单 as ``depart`` does: (the order, the distance, the notices)."""
    try:
        order, distance = await job_steps.check_in(uow, rules, worker_id, number, here, now)
    except ConcurrentUpdate:
        raise await taken_over(uow, worker_id, number) from None
    return order, distance, await withdraw_transfer(uow, order, now)


async def taken_over(uow: UnitOfWork, worker_id: int, number: int) -> DomainError:
    """Why setting off lost to a change of the order: another worker took it over by its
    转单 just before — said so — else the change itself (try again)."""
    order = await uow.orders.by_number(number, full=False)
    if order is not None and order.worker_id != worker_id:
        if order.transfer_from_worker_id == worker_id:
            return DomainError(
                N_("#{number} 刚刚已由其他师傅接单(转单成功),不用再出发了。", number=number)
            )
        return NotYours(number)
    return ConcurrentUpdate(number)
