"""Service handlers for workers: sign-up, going online, their jobs and earnings, and dispatching
a paid order (admins' review and assignment, and the dispatch sweeps: ``dispatch_desk``)."""

from __future__ import annotations

import logging
from typing import Any

from conversations.events import Loaded, Result
from conversations.results.orders import OrderConfirmed
from conversations.services import dispatch, job_steps, settlement, staffing
from conversations.services.deps import Deps
from domain import commands as c
from domain.errors import DomainError
from domain.ledger import worker_payable
from domain.lifecycle import STATUS_TEXT, ActorKind, OrderStatus
from domain.media import PhotoKind
from domain.money import format_yuan
from domain.orders import Actor
from domain.people import GeoPoint
from domain.privacy import mask_address

log = logging.getLogger(__name__)
LIVE = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)


class WorkerDesk:
    """Handlers of the workers' commands; shares the ``Deps`` dependencies."""

    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.StoreDocument: self.store_document,
            c.RegisterWorker: self.register,
            c.SetOnline: self.set_online,
            c.LoadJobs: self.load_jobs,
            c.LoadEarnings: self.load_earnings,
            c.AcceptOffer: self.accept,
            c.DeclineOffer: self.decline,
            c.Depart: self.depart,
            c.CheckIn: self.check_in,
            c.AddJobPhoto: self.add_photo,
            c.FinishJob: self.finish,
            c.RequestTransfer: self.transfer,
            c.ConfirmOrder: self.confirm,
        }

    async def store_document(self, cmd: c.StoreDocument) -> list[Result]:
        data, content_type, ext = await self.s.fetch_photo(cmd.channel, cmd.ref)
        assert self.s.media is not None
        path = self.s.media.save(cmd.folder, data, ext, self.s.clock())
        return [
            Loaded("document", {"path": path, "content_type": content_type, "size": len(data)})
        ]

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
        return [Loaded("worker_registered", {"worker_id": worker.id})]

    async def set_online(self, cmd: c.SetOnline) -> list[Result]:
        async with self.s.uow() as uow:
            worker = await staffing.set_online(uow, cmd.worker_id, cmd.online)
            await uow.commit()
        return [Loaded("online", {"online": worker.online})]

    async def load_jobs(self, cmd: c.LoadJobs) -> list[Result]:
        tz = self.s.tz
        async with self.s.uow() as uow:
            worker = await uow.workers.get(cmd.worker_id)
            offers = await uow.offers.open_for_worker(cmd.worker_id)
            offered = []
            for o in offers:
                order = await uow.orders.get(o.order_id, full=False)
                address = (
                    await uow.addresses.get(order.address_id)
                    if order and order.address_id
                    else None
                )
                if order is not None:
                    offered.append(
                        {
                            "number": order.number,
                            "item": self._item(order.item_id),
                            "when": f"{order.start_at.astimezone(tz):%m-%d %H:%M}",
                            "where": mask_address(address.text, address.district)
                            if address
                            else "—",
                            "earn": format_yuan(o.earn_cents),
                        }
                    )
            live = []
            for order in await uow.orders.for_worker(cmd.worker_id, LIVE):
                address = await uow.addresses.get(order.address_id) if order.address_id else None
                customer = await uow.customers.get(order.customer_id)
                live.append(
                    {
                        "number": order.number,
                        "item": self._item(order.item_id),
                        "when": f"{order.start_at.astimezone(tz):%m-%d %H:%M}",
                        "status": order.status.value,
                        "status_zh": STATUS_TEXT[order.status].zh,
                        "status_en": STATUS_TEXT[order.status].en,
                        "address": address.text if address else "—",
                        "phone": (
                            address.phone
                            if address and address.phone
                            else customer.phone
                            if customer
                            else ""
                        ),
                        "notes": order.notes,
                    }
                )
        return [
            Loaded(
                "jobs",
                {
                    "status": worker.status.value if worker else "",
                    "online": bool(worker and worker.online),
                    "offers": offered,
                    "live": live,
                },
            )
        ]

    def _item(self, item_id: str) -> dict[str, str]:
        item = self.s.catalog.item(item_id)
        return {"zh": item.name.zh, "en": item.name.en}

    async def load_earnings(self, cmd: c.LoadEarnings) -> list[Result]:
        async with self.s.uow() as uow:
            done = await uow.orders.for_worker(
                cmd.worker_id, [OrderStatus.CONFIRMED, OrderStatus.SETTLED], limit=500
            )
            owed = -await uow.ledger.balance(worker_payable(cmd.worker_id))
            free = await settlement.withdrawable(uow, self.s.rules, cmd.worker_id, self.s.clock())
        return [
            Loaded(
                "earnings",
                {
                    "jobs": len(done),
                    "owed_cents": owed,
                    "available_cents": free,
                    "after_days": self.s.rules.settlement.withdraw_after_days,
                },
            )
        ]

    async def accept(self, cmd: c.AcceptOffer) -> list[Result]:
        now = self.s.clock()
        try:
            async with self.s.uow() as uow:
                order, notices = await dispatch.accept(
                    uow, self.s.catalog, self.s.rules, cmd.worker_id, cmd.number, now
                )
                address = await uow.addresses.get(order.address_id) if order.address_id else None
                customer = await uow.customers.get(order.customer_id)
                posted = await self.s.post(uow, notices)
                await uow.commit()
        except DomainError as exc:
            if "changed" in str(exc) or "被他人更新" in str(exc):
                raise dispatch.Taken(cmd.number) from exc
            raise
        await self.s.flush(posted)
        phone = address.phone if address and address.phone else customer.phone if customer else ""
        return [
            Loaded(
                "accepted",
                {
                    "number": order.number,
                    "item": self._item(order.item_id),
                    "when": f"{order.start_at.astimezone(self.s.tz):%m-%d %H:%M}",
                    "address": address.text if address else "—",
                    "phone": phone,
                    "notes": order.notes,
                },
            )
        ]

    async def decline(self, cmd: c.DeclineOffer) -> list[Result]:
        async with self.s.uow() as uow:
            notices = await dispatch.decline(
                uow, self.s.catalog, self.s.rules, cmd.worker_id, cmd.number, self.s.clock()
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [Loaded("declined", {"number": cmd.number})]

    async def _worker(self, uow: Any, worker_id: int) -> Any:
        worker = await uow.workers.get(worker_id)
        if worker is None:
            raise DomainError("unknown worker")
        return worker

    async def depart(self, cmd: c.Depart) -> list[Result]:
        async with self.s.uow() as uow:
            worker = await self._worker(uow, cmd.worker_id)
            order, notices = await job_steps.depart(
                uow, self.s.rules, worker, cmd.number, self.s.clock()
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [Loaded("departed", {"number": order.number, "eta": order.eta_minutes})]

    async def check_in(self, cmd: c.CheckIn) -> list[Result]:
        async with self.s.uow() as uow:
            order, distance = await job_steps.check_in(
                uow,
                self.s.rules,
                cmd.worker_id,
                cmd.number,
                GeoPoint(cmd.lat, cmd.lon),
                self.s.clock(),
            )
            await uow.commit()
        return [Loaded("checked_in", {"number": order.number, "distance": distance})]

    async def add_photo(self, cmd: c.AddJobPhoto) -> list[Result]:
        kind = PhotoKind(cmd.kind)
        data, content_type, ext = await self.s.fetch_photo(cmd.channel, cmd.ref)
        now = self.s.clock()
        async with self.s.uow() as uow:
            worker = await self._worker(uow, cmd.worker_id)
            order = await job_steps.own_job(uow, cmd.worker_id, cmd.number)
            assert self.s.media is not None
            path = self.s.media.save(f"orders/{order.number}", data, ext, now)
            order, notices = await job_steps.add_photo(
                uow, self.s.rules, worker, cmd.number, kind, (path, content_type, len(data)), now
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [
            Loaded(
                "photo_saved",
                {"number": order.number, "kind": kind.value, "status": order.status.value},
            )
        ]

    async def finish(self, cmd: c.FinishJob) -> list[Result]:
        async with self.s.uow() as uow:
            order, notices = await job_steps.finish(
                uow, self.s.rules, cmd.worker_id, cmd.number, self.s.media_url, self.s.clock()
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [Loaded("finished", {"number": order.number})]

    async def transfer(self, cmd: c.RequestTransfer) -> list[Result]:
        async with self.s.uow() as uow:
            order = await job_steps.own_job(uow, cmd.worker_id, cmd.number)
            notices = await dispatch.offer_transfer(
                uow, self.s.catalog, self.s.rules, order, self.s.clock()
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [Loaded("transfer_requested", {"number": cmd.number})]

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
