"""Service handlers of who does the work after acceptance: an admin's ``/transfer`` (to the
best nearby idle worker, or a named one), ``/leave`` (a worker stops working with the
platform; their deposit is paid back later) and the sweep that pays deposits back.

Each admin action checks the role again in its own transaction and is audited there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conversations.events import Result
from conversations.results.sweeps import DepositsReleased
from conversations.results.workforce import TransferStarted, WorkerLeft
from conversations.services import deposits, offer_steps, order_steps
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_worker
from conversations.services.staff import authorize
from domain import commands as c
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.offers import OfferMode, OfferStatus
from domain.people import WorkerStatus
from domain.text import N_

LIVE = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)


class WorkforceDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.TransferOrder: self.transfer,
            c.MarkWorkerLeft: self.leave,
            c.ReleaseDeposits: self.release,
        }

    async def transfer(self, cmd: c.TransferOrder) -> list[Result]:
        """Offer an accepted job to another worker; the current one keeps it until someone
        accepts (then earns the transfer compensation, as when they ask themselves)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "transfer", cmd.admin)
            order = await uow.orders.by_number(cmd.number, full=False)
            if order is None or order.id is None:
                raise order_steps.NotFound(cmd.number)
            await uow.orders.lock(order.id)
            current = order.worker_id
            if order.status != OrderStatus.ACCEPTED or current is None:
                raise DomainError(N_("订单 #{number} 现在不能转单", number=order.number))
            notices: list[Notice]
            if cmd.worker_id is not None:
                notices = [
                    await offer_steps.offer_transfer_to(
                        uow, self.s.catalog, self.s.rules, order, cmd.worker_id, now
                    )
                ]
            else:
                notices = await offer_steps.offer_transfer(  # nobody free: the worker was
                    uow, self.s.catalog, self.s.rules, order, now, tell_worker=False
                )  # told of no transfer, nor that nobody could take it
            offered = next(
                (
                    o.worker_id
                    for o in await uow.offers.for_order(order.id)
                    if o.mode == OfferMode.TRANSFER
                    and o.status == OfferStatus.OPEN
                    and o.offered_at == now
                ),
                None,
            )
            if offered is not None:
                notices.append(to_worker(current, "transfer_by_admin", number=order.number))
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "transfer",
                    f"order:{order.number}",
                    role,
                    {"worker_id": current},
                    {"offered_to": offered},
                )
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [TransferStarted(order.number, current, offered)]

    async def leave(self, cmd: c.MarkWorkerLeft) -> list[Result]:
        """The worker leaves: no more jobs; the deposit waits the rules' days."""
        now = self.s.clock()
        days = self.s.rules.settlement.deposit.release_after_days
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "leave", cmd.admin)
            worker = await uow.workers.get(cmd.worker_id)
            if worker is None or worker.id is None:
                raise DomainError(N_("没有 ID 为 {worker_id} 的师傅", worker_id=cmd.worker_id))
            if worker.status == WorkerStatus.LEFT:
                raise DomainError(N_("师傅 {worker_id} 已离职", worker_id=cmd.worker_id))
            live = [o.number for o in await uow.orders.for_worker(worker.id, LIVE)]
            if live:
                jobs = " ".join(f"#{n}" for n in live)
                raise DomainError(
                    N_("师傅还有进行中的订单 {jobs},请先用 /reassign 改派", jobs=jobs)
                )
            before = worker.status.value
            worker.status, worker.online, worker.left_at = WorkerStatus.LEFT, False, now
            worker.review_note = cmd.reason[:200] or worker.review_note
            await uow.workers.save(worker)
            held = await deposits.held(uow, worker.id)
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "leave",
                    f"worker:{worker.id}",
                    role,
                    {"status": before},
                    {"status": worker.status.value, "reason": cmd.reason, "deposit": held},
                )
            )
            notice = to_worker(worker.id, "worker_left", amount=held, days=days)
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return [WorkerLeft(worker.id, worker.name, held, now + timedelta(days=days))]

    async def release(self, cmd: c.ReleaseDeposits) -> list[Result]:
        """The sweep: deposits of workers who left long enough ago, in good standing."""
        async with self.s.uow() as uow:
            notices = await deposits.release_due(uow, self.s.rules, self.s.clock())
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [DepositsReleased(len(notices))]
