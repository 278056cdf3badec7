"""Service handlers for the steps of a worker's job: accept or decline an offer, on the way,
check-in, photos, finish, transfer (and taking it back: 取消转单, or setting off)."""

from __future__ import annotations

from typing import Any

from conversations.events import Result
from conversations.results.workers import (
    JobAccepted,
    JobFinished,
    JobPhotoSaved,
    OfferDeclined,
    StageMarked,
    TransferCancelled,
    TransferRequested,
    VisitCodeChecked,
    WorkerCheckedIn,
    WorkerDeparted,
)
from conversations.services import (
    dispatch,
    job_completion,
    job_photos,
    job_stages,
    job_steps,
    offer_steps,
    transfer_steps,
    visit_codes,
)
from conversations.services.deps import Deps
from domain import commands as c
from domain.errors import ConcurrentUpdate, DomainError
from domain.execution import expected_arrival
from domain.media import PhotoKind
from domain.offers import transfer_pending
from domain.people import Address, Customer, GeoPoint, Worker
from domain.ports import UnitOfWork
from domain.privacy import mask_phone


def phone_to_call(address: Address | None, customer: Customer | None) -> str:
    """The phone for the job as the worker sees it, masked (``138****5678``): the address's
    contact, else the customer's own. Workers reach customers through the relay chat
    ("联系顾客"), never by their number (DESIGN §4b)."""
    if address is not None and address.phone:
        return mask_phone(address.phone)
    return mask_phone(customer.phone) if customer is not None and customer.phone else ""


class JobDesk:
    """Handlers of the commands a worker gives about one job; shares the ``Deps``."""

    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.AcceptOffer: self.accept,
            c.DeclineOffer: self.decline,
            c.Depart: self.depart,
            c.CheckIn: self.check_in,
            c.EnterVisitCode: self.enter_visit_code,
            c.MarkStage: self.mark_stage,
            c.AddJobPhoto: self.add_photo,
            c.FinishJob: self.finish,
            c.RequestTransfer: self.transfer,
            c.CancelTransfer: self.cancel_transfer,
        }

    async def accept(self, cmd: c.AcceptOffer) -> list[Result]:
        now = self.s.clock()
        try:
            async with self.s.uow() as uow:
                order, notices = await offer_steps.accept(
                    uow, self.s.catalog, self.s.rules, cmd.worker_id, cmd.number, now
                )
                address = await uow.addresses.get(order.address_id) if order.address_id else None
                customer = await uow.customers.get(order.customer_id)
                posted = await self.s.post(uow, notices)
                await uow.commit()
        except ConcurrentUpdate as exc:  # the order changed as it was taken: taken by another
            raise dispatch.Taken(cmd.number) from exc  # (a race with a 转单's worker setting
            # off is told apart inside: ``offer_steps.accept``)
        await self.s.flush(posted)
        return [
            JobAccepted(
                order.number,
                self.s.catalog.item(order.item_id).name,
                order.start_at,
                address.text if address else "—",
                phone_to_call(address, customer),
                order.notes,
            )
        ]

    async def decline(self, cmd: c.DeclineOffer) -> list[Result]:
        async with self.s.uow() as uow:
            notices = await offer_steps.decline(
                uow,
                self.s.catalog,
                self.s.rules,
                cmd.worker_id,
                cmd.number,
                self.s.clock(),
                self.s.worker_index,
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [OfferDeclined(cmd.number)]

    async def _worker(self, uow: UnitOfWork, worker_id: int) -> Worker:
        worker = await uow.workers.get(worker_id)
        if worker is None:
            raise DomainError("unknown worker")
        return worker

    async def depart(self, cmd: c.Depart) -> list[Result]:
        """出发: the customer told; a 转单 of the job waiting for another worker withdrawn
        (``transfer_steps.depart``: exactly one wins a race with an accept of it)."""
        async with self.s.uow() as uow:
            worker = await self._worker(uow, cmd.worker_id)
            here = (
                GeoPoint(cmd.lat, cmd.lon) if cmd.lat is not None and cmd.lon is not None else None
            )
            order, notices, withdrawn = await transfer_steps.depart(
                uow,
                self.s.rules,
                worker,
                cmd.number,
                self.s.clock(),
                said_minutes=cmd.minutes,
                here=here,
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        at = expected_arrival(order)
        return [WorkerDeparted(order.number, order.eta_minutes, at, withdrawn)]

    async def check_in(self, cmd: c.CheckIn) -> list[Result]:
        async with self.s.uow() as uow:
            order, distance, withdrawn = await transfer_steps.check_in(
                uow,
                self.s.rules,
                cmd.worker_id,
                cmd.number,
                GeoPoint(cmd.lat, cmd.lon),
                self.s.clock(),
            )
            posted = await self.s.post(uow, withdrawn)
            await uow.commit()
        await self.s.flush(posted)
        needed = bool(order.visit_code) and order.visit_code_ok_at is None
        return [WorkerCheckedIn(order.number, distance, needed, bool(withdrawn))]

    async def mark_stage(self, cmd: c.MarkStage) -> list[Result]:
        async with self.s.uow() as uow:
            order, notices = await job_stages.mark_stage(
                uow, self.s.catalog, cmd.worker_id, cmd.number, cmd.stage, self.s.clock()
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        name = self.s.catalog.item(order.item_id).stages[cmd.stage - 1]
        return [StageMarked(order.number, name)]

    async def enter_visit_code(self, cmd: c.EnterVisitCode) -> list[Result]:
        rules = self.s.rules
        async with self.s.uow() as uow:
            order, ok, notices = await visit_codes.enter_visit_code(
                uow, rules, cmd.worker_id, cmd.number, cmd.code, self.s.clock()
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        left = max(0, rules.execution.visit_code_alert_after - order.visit_code_misses)
        return [VisitCodeChecked(order.number, ok, left, bool(notices))]

    async def add_photo(self, cmd: c.AddJobPhoto) -> list[Result]:
        kind = PhotoKind(cmd.kind)
        data, content_type, ext = await self.s.fetch_photo(cmd.channel, cmd.ref)
        now = self.s.clock()
        async with self.s.uow() as uow:
            worker = await self._worker(uow, cmd.worker_id)
            order = await job_steps.own_job(uow, cmd.worker_id, cmd.number)
            assert self.s.media is not None
            path = self.s.media.save(f"orders/{order.number}", data, ext, now)
            order, notices = await job_photos.add_photo(
                uow, self.s.rules, worker, cmd.number, kind, (path, content_type, len(data)), now
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [JobPhotoSaved(order.number, kind, order.status)]

    async def finish(self, cmd: c.FinishJob) -> list[Result]:
        async with self.s.uow() as uow:
            order, notices = await job_completion.finish(
                uow, self.s.rules, cmd.worker_id, cmd.number, self.s.media_url, self.s.clock()
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [JobFinished(order.number)]

    async def transfer(self, cmd: c.RequestTransfer) -> list[Result]:
        """转单, confirmed: offered to the best nearby idle worker. When nobody is, the
        worker's answer says so (not a notice besides it) and ops are told."""
        async with self.s.uow() as uow:
            order = await job_steps.own_job(uow, cmd.worker_id, cmd.number)
            notices = await offer_steps.offer_transfer(
                uow, self.s.catalog, self.s.rules, order, self.s.clock(), tell_worker=False
            )
            offered = transfer_pending(await uow.offers.for_order(order.id or 0))
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [TransferRequested(cmd.number, offered)]

    async def cancel_transfer(self, cmd: c.CancelTransfer) -> list[Result]:
        """取消转单: the job's pending 转单 withdrawn, the workers offered it told."""
        async with self.s.uow() as uow:
            order, notices = await transfer_steps.cancel_transfer(
                uow, cmd.worker_id, cmd.number, self.s.clock()
            )
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return [TransferCancelled(order.number)]
