"""Finishing the job: the worker's 完工 (after photos first), the customer's confirmation
(or the automatic one) and the settlement it brings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.services import payment_requests, referrals
from conversations.services.job_steps import own_job
from conversations.services.notices import Notice, to_customer, to_worker
from conversations.services.settlement import settle
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.media import PhotoKind
from domain.moments import When
from domain.money import format_yuan
from domain.orders import SYSTEM, Actor, Order
from domain.ports import UnitOfWork
from domain.rules import Rules
from domain.text import N_
from domain.timeline_notes import auto_confirmed_note


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
                day=When(placement.period.last_day, now.astimezone(tz).date()),
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
