"""Service handlers for workers, admins' review and dispatch, and the scheduler's sweeps."""

from __future__ import annotations

import logging
from typing import Any

from conversations.events import Loaded, Result
from conversations.results.workers import (
    AvailabilityChanged,
    DocumentStored,
    EarningsShown,
    JobsShown,
    LiveJobView,
    OfferView,
    WorkerRegistered,
)
from conversations.services import dispatch, job_steps, settlement, staffing
from conversations.services.deps import Deps
from conversations.services.worker_jobs import JobDesk, phone_to_call
from domain import commands as c
from domain.errors import DomainError
from domain.ledger import worker_payable
from domain.lifecycle import ActorKind, OrderStatus
from domain.orders import Actor
from domain.people import GeoPoint, WorkerStatus
from domain.privacy import mask_address

log = logging.getLogger(__name__)
LIVE = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)


class WorkerDesk:
    """Handlers of worker, admin and system commands; shares the ``Deps`` dependencies."""

    def __init__(self, s: Deps) -> None:
        self.s = s
        self.jobs = JobDesk(s)

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.StoreDocument: self.store_document,
            c.RegisterWorker: self.register,
            c.SetOnline: self.set_online,
            c.LoadJobs: self.load_jobs,
            c.LoadEarnings: self.load_earnings,
            c.ConfirmOrder: self.confirm,
            c.ListWorkers: self.list_workers,
            c.ReviewWorker: self.review,
            c.AssignOrder: self.assign,
            c.ExpireOffers: self.expire_offers,
            c.BatchDispatch: self.batch_dispatch,
            c.AutoConfirm: self.auto_confirm,
            **self.jobs.handlers(),
        }

    async def store_document(self, cmd: c.StoreDocument) -> list[Result]:
        data, content_type, ext = await self.s.fetch_photo(cmd.channel, cmd.ref)
        assert self.s.media is not None
        path = self.s.media.save(cmd.folder, data, ext, self.s.clock())
        return [DocumentStored(path, content_type, len(data))]

    async def register(self, cmd: c.RegisterWorker) -> list[Result]:
        async with self.s.uow() as uow:
            worker, notices = await staffing.register(
                uow,
                channel=cmd.channel,
                user_id=cmd.user_id,
                name=cmd.name,
                phone=cmd.phone,
                lang=cmd.lang,
                skills=cmd.skills,
                center=GeoPoint(*cmd.center) if cmd.center else None,
                radius_m=cmd.radius_m,
                districts=cmd.districts,
                documents=cmd.documents,
                now=self.s.clock(),
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        assert worker.id is not None
        return [WorkerRegistered(worker.id)]

    async def set_online(self, cmd: c.SetOnline) -> list[Result]:
        async with self.s.uow() as uow:
            worker = await staffing.set_online(uow, cmd.worker_id, cmd.online)
            await uow.commit()
        return [AvailabilityChanged(worker.online)]

    async def load_jobs(self, cmd: c.LoadJobs) -> list[Result]:
        async with self.s.uow() as uow:
            worker = await uow.workers.get(cmd.worker_id)
            offered = []
            for o in await uow.offers.open_for_worker(cmd.worker_id):
                order = await uow.orders.get(o.order_id, full=False)
                if order is None:
                    continue
                address = await uow.addresses.get(order.address_id) if order.address_id else None
                where = mask_address(address.text, address.district) if address else "—"
                item = self.s.catalog.item(order.item_id).name
                offered.append(OfferView(order.number, item, order.start_at, where, o.earn_cents))
            live = []
            for order in await uow.orders.for_worker(cmd.worker_id, LIVE):
                address = await uow.addresses.get(order.address_id) if order.address_id else None
                customer = await uow.customers.get(order.customer_id)
                live.append(
                    LiveJobView(
                        order.number,
                        self.s.catalog.item(order.item_id).name,
                        order.start_at,
                        order.status,
                        address.text if address else "—",
                        phone_to_call(address, customer),
                        order.notes,
                    )
                )
        return [
            JobsShown(
                worker.status if worker else None,
                bool(worker and worker.online),
                tuple(offered),
                tuple(live),
            )
        ]

    async def load_earnings(self, cmd: c.LoadEarnings) -> list[Result]:
        async with self.s.uow() as uow:
            done = await uow.orders.for_worker(
                cmd.worker_id, [OrderStatus.CONFIRMED, OrderStatus.SETTLED], limit=500
            )
            owed = -await uow.ledger.balance(worker_payable(cmd.worker_id))
            free = await settlement.withdrawable(uow, self.s.rules, cmd.worker_id, self.s.clock())
        after_days = self.s.rules.settlement.withdraw_after_days
        return [EarningsShown(len(done), owed, free, after_days)]

    async def confirm(self, cmd: c.ConfirmOrder) -> list[Result]:
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(cmd.number, full=False)
            if order is None or order.customer_id != cmd.customer_id:
                raise DomainError(f"找不到订单 #{cmd.number} / no order #{cmd.number}")
            notices = await job_steps.confirm(
                uow,
                self.s.rules,
                order,
                Actor(ActorKind.CUSTOMER, str(cmd.customer_id)),
                self.s.clock(),
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [Loaded("confirmed", {"number": cmd.number})]

    async def list_workers(self, cmd: c.ListWorkers) -> list[Result]:
        statuses = (
            [WorkerStatus(cmd.status)]
            if cmd.status in WorkerStatus.__members__.values()
            else list(WorkerStatus)
        )
        async with self.s.uow() as uow:
            workers = await uow.workers.with_status(statuses)
        return [
            Loaded(
                "workers",
                {
                    "status": cmd.status,
                    "workers": [
                        {
                            "id": w.id,
                            "name": w.name,
                            "status": w.status.value,
                            "online": w.online,
                            "skills": list(w.skills),
                            "level": w.level.value,
                        }
                        for w in workers[:30]
                    ],
                },
            )
        ]

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
        return [Loaded("reviewed", {"worker_id": worker.id, "status": worker.status.value})]

    async def assign(self, cmd: c.AssignOrder) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(cmd.number)
            worker = await uow.workers.get(cmd.worker_id)
            if order is None or worker is None:
                raise DomainError("订单或师傅不存在 / unknown order or worker")
            if worker.status != WorkerStatus.APPROVED:
                raise DomainError(f"师傅 {cmd.worker_id} 未通过审核 / worker is not approved")
            notices = await dispatch.assign(uow, self.s.rules, order, worker, cmd.admin, now)
            from domain.audit import AuditEntry

            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "assign",
                    f"order:{order.number}",
                    cmd.role,
                    {},
                    {"worker_id": worker.id},
                )
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [Loaded("assigned", {"number": cmd.number, "worker_id": cmd.worker_id})]

    async def dispatch_paid(self, number: int, tell_customer: bool = False) -> bool:
        """After a payment: look for a worker (its own transaction: the payment stands).

        When the customer paid in chat the conversation answers them, so their notices are
        left out unless ``tell_customer``; returns True when nobody could be offered the job.
        """
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(number, timeline=False)
            if order is None:
                return False
            notices = await dispatch.dispatch(
                uow, self.s.catalog, self.s.rules, order, self.s.clock()
            )
            posted = await self.s.post(
                uow, [n for n in notices if tell_customer or n.to != "customer"]
            )
            await uow.commit()
        await self.s.flush(posted)
        return order.dispatch_note == "no_worker"

    async def expire_offers(self, cmd: c.ExpireOffers) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            due = await uow.offers.expired(now)
        for offer in due:
            try:
                async with self.s.uow() as uow:
                    notices = await dispatch.expire(uow, self.s.catalog, self.s.rules, offer, now)
                    posted = await self.s.post(uow, notices)
                    await uow.commit()
            except DomainError as exc:  # another process got there first
                log.info("offer %s: %s", offer.id, exc)
                continue
            await self.s.flush(posted)
        return [Loaded("swept", {"offers": len(due)})]

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
                return [Loaded("swept", {"orders": 0})]
            notices = await dispatch.batch(uow, self.s.catalog, self.s.rules, orders, now)
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [Loaded("swept", {"orders": len(orders)})]

    async def auto_confirm(self, cmd: c.AutoConfirm) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            due = await uow.orders.due_auto_confirm(now)
        done = 0
        for order_id in due:
            try:
                async with self.s.uow() as uow:
                    notices = await job_steps.auto_confirm(uow, self.s.rules, order_id, now)
                    posted = await self.s.post(uow, notices)
                    await uow.commit()
            except DomainError as exc:
                log.info("auto-confirm %s: %s", order_id, exc)
                continue
            done += bool(notices)
            await self.s.flush(posted)
        return [Loaded("swept", {"orders": done})]
