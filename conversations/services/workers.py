"""Service handlers for workers: sign-up, going online, confirming a job done, and dispatching
a paid order (what a worker sees of their jobs and earnings: ``views.worker``; admins' review
and assignment, and the dispatch sweeps: ``dispatch_desk``)."""

from __future__ import annotations

import logging
from typing import Any

from conversations.events import Result
from conversations.results.orders import OrderConfirmed
from conversations.results.workers import (
    AvailabilityChanged,
    DocumentsLapsed,
    DocumentStored,
    WorkerRegistered,
)
from conversations.services import dispatch, job_completion, staffing
from conversations.services.deps import Deps
from conversations.services.unsent_uploads import still_kept
from conversations.services.worker_jobs import JobDesk
from domain import commands as c
from domain.errors import DomainError
from domain.lifecycle import ActorKind
from domain.orders import Actor
from domain.people import GeoPoint
from domain.text import N_

log = logging.getLogger(__name__)


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
            c.ConfirmOrder: self.confirm,
            **self.jobs.handlers(),
        }

    async def store_document(self, cmd: c.StoreDocument) -> list[Result]:
        data, content_type, ext = await self.s.fetch_photo(cmd.channel, cmd.ref)
        assert self.s.media is not None
        path = self.s.media.save(cmd.folder, data, ext, self.s.clock())
        return [DocumentStored(path, content_type, len(data))]

    async def register(self, cmd: c.RegisterWorker) -> list[Result]:
        """A new worker with the documents the sign-up kept — unless one of their photos
        waited unsent too long (the unsent uploads' sweep deletes it): those are asked for
        again, and no worker names a file that is gone."""
        now = self.s.clock()
        lapsed = tuple(
            kind
            for kind, path, _ in cmd.documents
            if not still_kept(self.s.media, self.s.rules, path, now)
        )
        if lapsed:
            return [DocumentsLapsed(lapsed)]
        async with self.s.uow() as uow:
            worker, notices = await staffing.register(
                uow,
                channel=cmd.channel,
                user_id=cmd.user_id,
                name=cmd.name,
                phone=cmd.phone,
                lang=cmd.lang,
                skills=cmd.skills,
                skill_names=self.s.catalog.skill_names(),
                center=GeoPoint(*cmd.center) if cmd.center else None,
                radius_m=cmd.radius_m,
                districts=cmd.districts,
                documents=cmd.documents,
                now=now,
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

    async def confirm(self, cmd: c.ConfirmOrder) -> list[Result]:
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(cmd.number, full=False)
            if order is None or order.customer_id != cmd.customer_id:
                raise DomainError(N_("找不到订单 #{number}", number=cmd.number))
            notices = await job_completion.confirm(
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
        """Look for a worker for a paid order, in a transaction of its own (a payment that
        ``MoneyDesk.confirm`` credits is offered in the payment's transaction instead).

        When the customer paid in chat the conversation answers them, so their notices are
        left out unless ``tell_customer``; returns True when nobody could be offered the job.
        """
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(number, timeline=False)
            if order is None:
                return False
            notices = await dispatch.dispatch(
                uow, self.s.catalog, self.s.rules, order, self.s.clock(), index=self.s.worker_index
            )
            posted = await self.s.post(
                uow, [n for n in notices if tell_customer or n.to != "customer"]
            )
            await uow.commit()
        await self.s.flush(posted)
        return order.dispatch_note == "no_worker"
