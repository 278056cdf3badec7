"""A worker's answer to an offer (accept, decline, the deadline passing), a job handed to
another worker, and an admin's assignment by hand: each inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime

from conversations.services.dispatch import (
    Taken,
    dispatch,
    job_for,
    make_offer,
)
from conversations.services.dispatch_pool import candidates
from conversations.services.job_steps import NotYours
from conversations.services.notices import (
    Notice,
    t,
    to_admins,
    to_customer,
    to_worker,
    worker_rating,
)
from conversations.services.worker_index import WorkerIndex
from domain.catalog import Catalog
from domain.dispatch import rank
from domain.errors import ConcurrentUpdate, DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.money import apply_rate
from domain.offers import Offer, OfferMode, OfferStatus, transfer_pending
from domain.orders import Actor, Order
from domain.people import Address, Worker
from domain.ports import UnitOfWork
from domain.privacy import address_shown, mask_phone
from domain.rules import Rules
from domain.settlement import service_value, worker_share
from domain.text import N_
from domain.timeline_notes import assigned_note, reassigned_note, transferred_note


async def accept(
    uow: UnitOfWork, catalog: Catalog, rules: Rules, worker_id: int, number: int, now: datetime
) -> tuple[Order, list[Notice]]:
    """The worker takes the order: exactly one accept wins, across processes."""
    order, offers = await offered(uow, worker_id, number)
    assert order.id is not None
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):  # not "taken": gone
        raise DomainError(N_("订单 #{number} 已被取消,这个邀请已关闭。", number=number))
    mine = next(
        (o for o in offers if o.worker_id == worker_id and o.status == OfferStatus.OPEN), None
    )
    if mine is None:
        if order.worker_id == worker_id:  # on the way, at the door…: theirs all the same
            raise DomainError(N_("订单 #{number} 已经是您的了", number=number))
        last = next((o for o in reversed(offers) if o.worker_id == worker_id), None)
        if last is not None and last.status == OfferStatus.DECLINED:  # a decline is final
            raise DomainError(N_("您已拒绝订单 #{number},这个邀请已关闭。", number=number))
        raise lost(offers, worker_id, number)
    transfer = mine.mode == OfferMode.TRANSFER
    expected = OrderStatus.ACCEPTED if transfer else OrderStatus.DISPATCHING
    if order.status != expected:  # a 转单's job set off for (before withdrawals were made)
        raise OfferWithdrawn(number) if transfer else Taken(number)
    job, address = await job_for(uow, catalog, order)
    # this worker alone, if still approved and online (not the whole pool)
    pool = await candidates(uow, job, rules, await uow.workers.available(among=[worker_id]))
    me = pool.get(worker_id)
    if me is None or rank(job, [me[0]], rules.dispatch) == []:
        raise DomainError(N_("您现在无法接这单(时间冲突或已下线)"))
    actor = Actor(ActorKind.WORKER, str(worker_id))
    previous = order.worker_id
    if transfer:
        order.apply(Action.RELEASE, actor, now, transferred_note(previous))
        order.transfer_from_worker_id = previous
        order.transfer_compensation_cents = apply_rate(
            order.total_cents, rules.dispatch.transfer_compensation_bp
        )
    order.worker_id = worker_id
    order.accepted_at = now
    order.apply(Action.ACCEPT, actor, now)
    # The order row first: a concurrent accept waits here, then fails the version check
    # without having locked any offer (locking offers first deadlocks under a race). So does
    # a 转单's worker setting off (``JobDesk.depart``): whichever changes the order first
    # has the job; the other's update finds nothing and its transaction is rolled back.
    try:
        await uow.orders.save(order, now)
    except ConcurrentUpdate:
        raise lost(await uow.offers.for_order(order.id), worker_id, number) from None
    if not await uow.offers.answer(mine.id or 0, OfferStatus.ACCEPTED, now):
        raise lost(await uow.offers.for_order(order.id), worker_id, number)
    losers = await uow.offers.close_others(order.id, mine.id, OfferStatus.LOST, now)
    worker = me[1]
    notices = [
        accepted_customer_notice(order, worker, previous if transfer else None),
        *(to_worker(w, "job_lost", number=number) for w in losers),
    ]
    if transfer and previous is not None:
        notices.append(
            to_worker(
                previous,
                "transfer_compensated",
                number=number,
                amount=order.transfer_compensation_cents,
            )
        )
    return order, notices


class OfferWithdrawn(DomainError):
    def __init__(self, number: int) -> None:
        super().__init__(N_("订单 #{number} 已不能接:这个邀请已撤回。", number=number))


def lost(offers: list[Offer], worker_id: int, number: int) -> DomainError:
    """Why the worker cannot take the order now: their offer was withdrawn (the 转单 taken
    back — by its worker, or by setting off — or an admin assigned the job), else someone
    else took it."""
    last = next((o for o in reversed(offers) if o.worker_id == worker_id), None)
    if last is not None and last.status == OfferStatus.WITHDRAWN:
        return OfferWithdrawn(number)
    return Taken(number)


async def offered(
    uow: UnitOfWork, worker_id: int, number: int, *, full: bool = False
) -> tuple[Order, list[Offer]]:
    """Order ``number`` and its offers, when it was ever offered to the worker (or is their
    job); else ``NotYours``, the answer an order that does not exist gets: nothing of an
    order never theirs is told (not that someone else took it, nor its state)."""
    order = await uow.orders.by_number(number, full=full)
    if order is None or order.id is None:
        raise NotYours(number)
    offers = await uow.offers.for_order(order.id)
    if order.worker_id != worker_id and not any(o.worker_id == worker_id for o in offers):
        raise NotYours(number)
    return order, offers


def accepted_customer_notice(order: Order, worker: Worker, previous: int | None) -> Notice:
    """The customer's news of their worker: accepted, or — when another worker had the
    order (``previous``) — the worker changed (the visit code is the same)."""
    changed = previous is not None and previous != worker.id
    return to_customer(
        order.customer_id,
        "worker_changed" if changed else "order_accepted",
        number=order.number,
        worker=worker.name,
        code=order.visit_code,
        **worker_rating(worker),
    )


async def decline(
    uow: UnitOfWork,
    catalog: Catalog,
    rules: Rules,
    worker_id: int,
    number: int,
    now: datetime,
    index: WorkerIndex | None = None,
) -> list[Notice]:
    order, _ = await offered(uow, worker_id, number, full=True)
    assert order.id is not None
    await uow.orders.lock(order.id)
    mine = next(
        (
            o
            for o in await uow.offers.for_order(order.id)
            if o.worker_id == worker_id and o.status == OfferStatus.OPEN
        ),
        None,
    )
    if mine is None or not await uow.offers.answer(mine.id or 0, OfferStatus.DECLINED, now):
        raise DomainError(N_("订单 #{number} 的邀请已失效", number=number))
    if mine.mode == OfferMode.TRANSFER:
        if order.status != OrderStatus.ACCEPTED:
            return []  # the first worker set off meanwhile: nothing to hand over
        return await offer_transfer(uow, catalog, rules, order, now)
    return await dispatch(uow, catalog, rules, order, now, index=index)


async def expire(
    uow: UnitOfWork,
    catalog: Catalog,
    rules: Rules,
    offer: Offer,
    now: datetime,
    index: WorkerIndex | None = None,
) -> list[Notice]:
    """One expired offer: claim it (once, whichever process gets there) and move on."""
    await uow.orders.lock(offer.order_id)
    if not await uow.offers.answer(offer.id or 0, OfferStatus.EXPIRED, now):
        return []
    order = await uow.orders.get(offer.order_id)
    assert order is not None
    notices = [to_worker(offer.worker_id, "offer_expired", number=order.number)]
    if offer.mode == OfferMode.TRANSFER:
        if order.status != OrderStatus.ACCEPTED:
            return notices  # the first worker set off meanwhile: nothing to hand over
        return notices + await offer_transfer(uow, catalog, rules, order, now)
    return notices + await dispatch(uow, catalog, rules, order, now, index=index)


async def offer_transfer(
    uow: UnitOfWork,
    catalog: Catalog,
    rules: Rules,
    order: Order,
    now: datetime,
    *,
    tell_worker: bool = True,
) -> list[Notice]:
    """Offer an accepted order to the best nearby idle worker (the current one is busy).
    Nobody free: ops are told, and the worker (``tell_worker``) — not when the worker asked
    for it in chat (their answer says so) or an admin's /transfer began nothing they knew."""
    if order.status != OrderStatus.ACCEPTED or order.id is None:
        raise DomainError(N_("订单 #{number} 现在不能转单", number=order.number))
    offered = await uow.offers.for_order(order.id)
    transfers = [o for o in offered if o.mode == OfferMode.TRANSFER]
    if transfer_pending(transfers):
        return []  # someone is offered it already: one search at a time (each would end in
        # its own "nobody can take it")
    tried = frozenset(o.worker_id for o in transfers)
    excluded = tried | {order.worker_id or 0}
    job, address = await job_for(uow, catalog, order, excluded)
    pool = await candidates(uow, job, rules)
    idle = [c for c, _ in pool.values() if c.active_now == 0]
    ranked = rank(job, idle, rules.dispatch)
    if not ranked:
        told = [to_worker(order.worker_id or 0, "transfer_unavailable", number=order.number)]
        admins = to_admins(
            "transfer_unavailable_admin", number=order.number, worker_id=order.worker_id or 0
        )
        return [*(told if tell_worker else []), admins]
    best = ranked[0]
    return [
        await make_offer(
            uow,
            catalog,
            rules,
            order,
            pool[best.worker_id][1],
            best,
            address,
            OfferMode.TRANSFER,
            now,
        )
    ]


async def offer_transfer_to(
    uow: UnitOfWork, catalog: Catalog, rules: Rules, order: Order, worker_id: int, now: datetime
) -> Notice:
    """Offer an accepted order to one named worker (an admin's ``/transfer #N WORKER_ID``):
    they must be free for it by the dispatch rules, as anyone offered a job is."""
    if order.status != OrderStatus.ACCEPTED or order.id is None:
        raise DomainError(N_("订单 #{number} 现在不能转单", number=order.number))
    if worker_id == order.worker_id:
        raise DomainError(N_("#{number} 已经是这位师傅", number=order.number))
    job, address = await job_for(uow, catalog, order, frozenset({order.worker_id or 0}))
    # this worker alone, if still approved and online (not the whole pool)
    pool = await candidates(uow, job, rules, await uow.workers.available(among=[worker_id]))
    me = pool.get(worker_id)
    ranked = rank(job, [me[0]], rules.dispatch) if me is not None else []
    if me is None or not ranked:
        raise DomainError(
            N_(
                "师傅 {worker_id} 现在不能接 #{number}(未上线、时间冲突、不在服务范围或缺少资质)",
                worker_id=worker_id,
                number=order.number,
            )
        )
    return await make_offer(
        uow, catalog, rules, order, me[1], ranked[0], address, OfferMode.TRANSFER, now
    )


async def assign(
    uow: UnitOfWork, rules: Rules, order: Order, worker: Worker, admin: str, now: datetime
) -> list[Notice]:
    """Manual dispatch by an admin (also reassignment of an accepted order)."""
    assert order.id is not None and worker.id is not None
    await uow.orders.lock(order.id)
    if order.status == OrderStatus.PAID:
        order.apply(Action.DISPATCH, Actor(ActorKind.ADMIN, admin), now)
    actor = Actor(ActorKind.ADMIN, admin)
    previous = order.worker_id if order.status == OrderStatus.ACCEPTED else None
    if order.status == OrderStatus.ACCEPTED:
        order.apply(Action.RELEASE, actor, now, reassigned_note())
    await uow.offers.close_others(order.id, None, OfferStatus.WITHDRAWN, now)
    earn = worker_share(
        service_value(order.lines) if order.lines else order.total_cents,
        worker.level,
        rules.settlement,
    )
    await uow.offers.add(
        Offer(
            order.id,
            worker.id,
            OfferMode.MANUAL,
            order.dispatch_round,
            earn,
            now,
            now,
            OfferStatus.ACCEPTED,
            now,
        )
    )
    order.worker_id, order.accepted_at, order.dispatch_mode = worker.id, now, "manual"
    order.apply(Action.ACCEPT, actor, now, assigned_note(worker.id))
    await uow.orders.save(order, now)
    number = order.number
    notices = [
        accepted_customer_notice(order, worker, previous),
        to_worker(worker.id, "job_assigned", number=number),
    ]
    if previous is not None and previous != worker.id:
        notices.append(to_worker(previous, "job_reassigned", number=number))
    return notices


def contact_card(order: Order, address: Address | None, phone: str, lang: str) -> str:
    """What the assigned worker sees: the full address and the customer's phone masked
    (they write to the customer through the relay chat)."""
    where = address_shown(address.text, lang) if address else "—"
    return t(
        lang,
        "#{number} 地址:{where}\n联系电话:{phone}(发送「联系顾客 #{number}」通过平台联系)",
        number=order.number,
        where=where,
        phone=mask_phone(phone),
    )
