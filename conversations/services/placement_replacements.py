"""Replacing the worker of a long placement: the customer asks, with a reason (free up to
``rules.placements.free_replacements`` per contract), ops are told with the best candidates
dispatch finds for the rest of the contract, and ``/handover`` gives it to one of them from a
date — the period under way is then paid to both workers by the days each worked
(``services.placements`` settles it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from conversations.events import Result
from conversations.results.placements import PlacementHandedOver
from conversations.services.deps import Deps
from conversations.services.dispatch import job_for
from conversations.services.dispatch_pool import candidates
from conversations.services.notices import Notice, to_admins, to_customer, to_worker
from conversations.services.staff import authorize
from conversations.understanding.days import Toward, day_named
from domain import commands as c
from domain.audit import AuditEntry
from domain.dispatch import REFUSAL_TEXT, rank, refusal
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.moments import When
from domain.orders import Actor, Order
from domain.people import WorkerStatus
from domain.placements import Placement, PlacementStatus
from domain.ports import UnitOfWork
from domain.text import N_
from domain.timeline_notes import handover_note

WORKING = (
    OrderStatus.ACCEPTED,
    OrderStatus.ON_THE_WAY,
    OrderStatus.ARRIVED,
    OrderStatus.IN_SERVICE,
)
"""A placement whose worker may be replaced."""
SUGGESTED = 3


class ReplacementDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.RequestReplacement: self.request, c.HandOverPlacement: self.hand_over}

    async def request(self, cmd: c.RequestReplacement) -> list[Result]:
        """Record the request and tell the customer and ops (with candidates)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(cmd.number, full=False)
            if order is None or order.customer_id != cmd.customer_id:
                raise DomainError(N_("找不到订单 #{number}", number=cmd.number))
            placement = await placement_of(uow, order)
            if order.worker_id is None or order.status not in WORKING:
                raise DomainError(N_("订单 #{number} 现在没有在服务的师傅", number=order.number))
            free = self.s.rules.placements.free_replacements - placement.replacements_used
            if free <= 0 and await uow.placements.open_replacement(placement.id or 0) is None:
                raise DomainError(
                    N_("订单 #{number} 的免费更换次数已用完,请联系客服", number=order.number)
                )
            await uow.placements.ask_replacement(
                placement.id or 0, order.worker_id, cmd.reason, "customer", now
            )
            job, _ = await job_for(uow, self.s.catalog, order, frozenset({order.worker_id}))
            pool = await candidates(uow, job, self.s.rules)
            best = rank(job, [w for w, _ in pool.values()], self.s.rules.dispatch)
            names = [f"{pool[b.worker_id][1].name}({b.worker_id})" for b in best[:SUGGESTED]]
            notices = [
                to_customer(
                    order.customer_id,
                    "placement_replacement_asked",
                    number=order.number,
                    free_left=max(0, free - 1),
                ),
                to_admins(
                    "placement_replacement_admin",
                    number=order.number,
                    worker_id=order.worker_id,
                    reason=cmd.reason,
                    candidates=" ".join(names),
                ),
            ]
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return []

    async def hand_over(self, cmd: c.HandOverPlacement) -> list[Result]:
        now = self.s.clock()
        today = now.astimezone(self.s.tz).date()
        on = day_of(cmd.on, today)
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "handover", cmd.admin)
            order = await uow.orders.by_number(cmd.number, full=False)
            if order is None:
                raise DomainError(N_("找不到订单 #{number}", number=cmd.number))
            await uow.orders.lock(order.id or 0)
            placement = await placement_of(uow, order)
            previous = order.worker_id
            if previous is None or order.status not in WORKING:
                raise DomainError(N_("订单 #{number} 现在没有在服务的师傅", number=order.number))
            period = placement.period
            if not period.first_day <= on <= period.last_day:
                raise DomainError(N_("交接日期要在合同期内"))
            worker = await uow.workers.get(cmd.worker_id)
            if worker is None or worker.status != WorkerStatus.APPROVED:
                raise DomainError(
                    N_("师傅 {worker_id} 未通过审核或已暂停", worker_id=cmd.worker_id)
                )
            if previous == worker.id:
                raise DomainError(N_("#{number} 已经是这位师傅", number=order.number))
            await self._check_free(uow, order, worker.id or 0, on)
            counted = await uow.placements.hand_over(
                placement.id or 0, previous, worker.id or 0, on, now, asked_by="admin"
            )
            if counted:
                await uow.placements.count_replacement(placement.id or 0)
            order.worker_id = worker.id
            order.note_event(
                Action.RELEASE, Actor(ActorKind.ADMIN, cmd.admin), now, handover_note(on)
            )
            await uow.orders.save(order, now)
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "handover",
                    f"order:{order.number}",
                    role,
                    {"worker_id": previous},
                    {"worker_id": worker.id, "on": on.isoformat()},
                )
            )
            day = When(on, today)
            notices = _handover_notices(order, previous, worker.id or 0, worker.name, day)
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [PlacementHandedOver(order.number, previous, worker.id or 0, worker.name, on)]

    async def _check_free(self, uow: UnitOfWork, order: Order, worker_id: int, on: date) -> None:
        """The new worker may take the rest of the contract: skill, documents, area and no
        clashing job — checked whether or not they are online (being offline does not
        matter: ops called them; it must not skip the checks after it)."""
        job, _ = await job_for(uow, self.s.catalog, order)
        rest = datetime.combine(on, order.start_at.astimezone(self.s.tz).timetz())
        job = replace(job, start_at=max(order.start_at, rest.astimezone(order.start_at.tzinfo)))
        worker = await uow.workers.get(worker_id)
        assert worker is not None
        pool = await candidates(uow, job, self.s.rules, [worker])
        why = refusal(job, replace(pool[worker_id][0], online=True), self.s.rules.dispatch)
        if why is not None:
            reason = REFUSAL_TEXT[why]
            raise DomainError(
                N_("师傅 {worker_id} 不能接手:{reason}", worker_id=worker_id, reason=reason)
            )


def day_of(text: str, today: date) -> date:
    """The day a hand-over or an early end takes effect: today when none is given, else the
    day as every screen reads one ("12月1日", "12-01", "下周一", "next Monday", "明天",
    "2026-12-01"), the nearest such day, as the admins' commands read days (a contract's
    day may have passed: the caller holds it to the contract)."""
    if not text.strip():
        return today
    day = day_named(text, today, toward=Toward.NEAREST)
    if day is None:
        raise DomainError(N_("没看懂日期,请写成 12-01、12月1日、下周一 或 2026-12-01 这样"))
    return day


async def placement_of(uow: UnitOfWork, order: Order, *, active: bool = True) -> Placement:
    """The order's contract (``active``: still running); else a DomainError."""
    placement = await uow.placements.for_order(order.id or 0)
    if placement is None or (active and placement.status != PlacementStatus.ACTIVE):
        raise DomainError(N_("订单 #{number} 不是长期合同,不能更换师傅", number=order.number))
    return placement


def _handover_notices(
    order: Order, previous: int, worker_id: int, name: str, day: When
) -> list[Notice]:
    return [
        to_customer(
            order.customer_id, "placement_handover", number=order.number, worker=name, on=day
        ),
        to_worker(worker_id, "placement_handover_new", number=order.number, on=day),
        to_worker(previous, "placement_handover_old", number=order.number, on=day),
    ]
