"""The office side of dispatch: admins list, approve or reject, and assign workers
(``/workers``, ``/approve``, ``/reject``, ``/assign``); the scheduler expires offers, dispatches
the batch and auto-confirms finished jobs — each in its own unit of work."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.admin_orders import OrderAssigned
from conversations.results.admin_people import WorkerReviewed
from conversations.results.sweeps import BatchDispatched, OffersExpired, OrdersAutoConfirmed
from conversations.services import dispatch, job_completion, offer_steps, overlaps, staffing
from conversations.services.deps import Deps
from conversations.services.notices import Notice
from domain import commands as c
from domain.audit import AuditEntry
from domain.catalog import Catalog
from domain.credentials import CredentialLacking, lacking
from domain.dispatch import (
    Refusal,
    candidate_of,
    manual_refusal,
    members_first,
    refuse_manual_assignment,
)
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.overlaps import clashes_with
from domain.people import WORKER_STATUS_TEXT, Worker
from domain.ports import UnitOfWork
from domain.rules import MemberLevel, Rules
from domain.text import N_

log = logging.getLogger(__name__)
LIVE = (
    OrderStatus.ACCEPTED,
    OrderStatus.ON_THE_WAY,
    OrderStatus.ARRIVED,
    OrderStatus.IN_SERVICE,
)
"""An order's worker holds it: ``/assign`` to them again changes nothing."""


async def refuse_unfit(
    uow: UnitOfWork, catalog: Catalog, rules: Rules, order: Order, worker: Worker
) -> None:
    """Refuse to give ``order`` by hand (``/assign``, ``/reassign``) to a worker dispatch would
    never offer it for who they are: their status, the skill, a document it needs
    (``manual_refusal``); being far, offline or at the day's cap an admin may override."""
    job, _ = await dispatch.job_for(uow, catalog, order)
    why = manual_refusal(job, candidate_of(worker, rules.credit))
    worker_id = worker.id or 0
    if why in (Refusal.SUSPENDED, Refusal.NOT_APPROVED):
        raise DomainError(
            N_(
                "未指派 #{number}:师傅 {worker_id} 当前状态为「{status}」,不能接单。",
                number=order.number,
                worker_id=worker_id,
                status=WORKER_STATUS_TEXT[worker.status],
            )
        )
    if why == Refusal.SKILL:
        raise DomainError(
            N_(
                "未指派 #{number}:师傅 {worker_id} 没有「{service}」的服务技能,不能接这单。",
                number=order.number,
                worker_id=worker_id,
                service=catalog.item(order.item_id).name,
            )
        )
    if why is not None:  # a document: named
        kind = lacking(job.certificates, worker.certificates, job.end_at.date())
        raise CredentialLacking(worker_id, kind or job.certificates[0])


async def refuse_clash(uow: UnitOfWork, rules: Rules, order: Order, worker_id: int) -> None:
    """Refuse to give ``order`` to a worker whose live jobs it clashes with, travel buffer
    included (what ``/explain`` calls 时间与已接订单冲突): a worker cannot be on the way to
    two jobs at once. The clashing job is named, to move it first (``/assign``,
    ``/reassign``)."""
    buffer = timedelta(minutes=rules.dispatch.travel_buffer_minutes)
    jobs = await overlaps.worker_intervals(uow, worker_id)
    if others := clashes_with(overlaps.interval(order), jobs, buffer):
        raise DomainError(
            N_(
                "未指派 #{number}:师傅 {worker_id} 的时间与已接订单 #{other} 冲突"
                "(含路程时间)。请换一位师傅,或先用 /reassign #{other} 改派那一单。",
                number=order.number,
                worker_id=worker_id,
                other=others[0],
            )
        )


async def hand_to(
    uow: UnitOfWork,
    s: Deps,
    order: Order,
    worker: Worker,
    admin: str,
    role: str,
    action: str,
    before: dict[str, object],
    now: datetime,
) -> list[Notice]:
    """Give ``order`` to ``worker`` by hand (``/assign``, ``/reassign``) after the checks both
    make (``refuse_unfit``, ``refuse_clash``); the ``action`` is on the order's record."""
    await refuse_unfit(uow, s.catalog, s.rules, order, worker)
    await refuse_clash(uow, s.rules, order, worker.id or 0)
    notices = await offer_steps.assign(uow, s.rules, order, worker, admin, now)
    after: dict[str, object] = {"worker_id": worker.id}
    await uow.audit.append(
        AuditEntry(now, admin, action, f"order:{order.number}", role, before, after)
    )
    return notices


class DispatchDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.ReviewWorker: self.review,
            c.AssignOrder: self.assign,
            c.ExpireOffers: self.expire_offers,
            c.BatchDispatch: self.batch_dispatch,
            c.AutoConfirm: self.auto_confirm,
        }

    async def review(self, cmd: c.ReviewWorker) -> list[Result]:
        async with self.s.uow() as uow:
            worker, notices = await staffing.review(
                uow,
                worker_id=cmd.worker_id,
                approve=cmd.approve,
                reason=cmd.reason,
                admin=cmd.admin,
                role=cmd.role,
                now=self.s.clock(),
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [WorkerReviewed(worker.id or 0, worker.status)]

    async def assign(self, cmd: c.AssignOrder) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(cmd.number)
            worker = await uow.workers.get(cmd.worker_id)
            if order is None or worker is None:
                raise DomainError(N_("订单或师傅不存在"))
            if order.worker_id == worker.id and order.status in LIVE:
                raise DomainError(  # a resent /assign: nothing to do, nobody to tell again
                    N_(
                        "订单 #{number} 已指派给师傅 {worker_id},无需再次指派。",
                        number=order.number,
                        worker_id=worker.id,
                    )
                )
            refuse_manual_assignment(order)
            notices = await hand_to(
                uow, self.s, order, worker, cmd.admin, cmd.role, "assign", {}, now
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [OrderAssigned(cmd.number, cmd.worker_id, worker.name)]

    async def expire_offers(self, cmd: c.ExpireOffers) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            due = await uow.offers.expired(now)
            if len(due) > 1:  # offered again members first: the free workers may be few
                levels = [await self._level(uow, o.order_id) for o in due]
                due = [due[i] for i in members_first(levels, self.s.rules.dispatch)]
        for offer in due:
            try:
                async with self.s.uow() as uow:
                    notices = await offer_steps.expire(
                        uow, self.s.catalog, self.s.rules, offer, now, self.s.worker_index
                    )
                    posted = await self.s.post(uow, notices)
                    await uow.commit()
            except DomainError as exc:  # another process got there first
                log.info("offer %s: %s", offer.id, exc)
                continue
            await self.s.flush(posted)
        return [OffersExpired(len(due))]

    @staticmethod
    async def _level(uow: UnitOfWork, order_id: int) -> MemberLevel:
        order = await uow.orders.get(order_id, full=False)
        return await uow.membership.level(order.customer_id) if order else MemberLevel.REGULAR

    async def batch_dispatch(self, cmd: c.BatchDispatch) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            waiting = await uow.orders.waiting_batch()
            orders = [
                o
                for i in waiting
                if (o := await uow.orders.get(i)) is not None and o.dispatch_note == "batch"
            ]
            if not orders:
                return [BatchDispatched(0)]
            notices = await dispatch.batch(uow, self.s.catalog, self.s.rules, orders, now)
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [BatchDispatched(len(orders))]

    async def auto_confirm(self, cmd: c.AutoConfirm) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            due = await uow.orders.due_auto_confirm(now)
        done = 0
        for order_id in due:
            try:
                async with self.s.uow() as uow:
                    notices = await job_completion.auto_confirm(uow, self.s.rules, order_id, now)
                    posted = await self.s.post(uow, notices)
                    await uow.commit()
            except DomainError as exc:
                log.info("auto-confirm %s: %s", order_id, exc)
                continue
            done += bool(notices)
            await self.s.flush(posted)
        return [OrdersAutoConfirmed(done)]
