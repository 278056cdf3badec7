"""Service handlers for workers: sign-up, going online, their jobs and earnings, and dispatching
a paid order (admins' review and assignment, and the dispatch sweeps: ``dispatch_desk``)."""

from __future__ import annotations

import logging
from typing import Any

from conversations.events import Result
from conversations.results.orders import OrderConfirmed
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
from domain.people import GeoPoint
from domain.privacy import mask_address
from domain.text import Text

log = logging.getLogger(__name__)
LIVE = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)


class WorkerDesk:
    """Handlers of the workers' commands; shares the ``Deps`` dependencies."""

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
                raise DomainError(Text(f"找不到订单 #{cmd.number}", f"No order #{cmd.number}"))
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
        return [OrderConfirmed(cmd.number)]

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
