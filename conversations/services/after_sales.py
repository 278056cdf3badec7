"""The after-sales desk: complaints, ratings, reworks, the complaint deadline sweep, worker
levels and spot checks — each command in its own unit of work, messages through the outbox."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from conversations.events import Loaded, Result
from conversations.results.workers import CustomerRated
from conversations.services import complaint_steps, dispatch, quality
from conversations.services.deps import Deps
from conversations.services.notices import Notice
from conversations.services.staff import authorize
from domain import commands as c
from domain.aftersales import (
    DIMENSIONS,
    Complaint,
    ComplaintStatus,
    Rater,
    Rating,
    Resolution,
    stars_text,
)
from domain.audit import AuditEntry, contact_read
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.offers import Offer, OfferMode, OfferStatus
from domain.orders import SYSTEM, Actor, Order
from domain.outbox import OutboxMessage
from domain.pricing import LineKind, Quote, QuoteLine
from domain.rules import ComplaintCategory
from domain.text import Text

log = logging.getLogger(__name__)


class AfterSalesDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.FileComplaint: self.file,
            c.ReplyComplaint: self.reply,
            c.ResolveComplaint: self.resolve,
            c.ListComplaints: self.list_open,
            c.ShowComplaint: self.show,
            c.BookRework: self.book_rework,
            c.RateOrder: self.rate_order,
            c.RateCustomer: self.rate_customer,
            c.ComplaintSweep: self.sweep,
            c.RecalculateLevels: self.levels_now,
            c.QuarterlyLevels: self.quarterly_levels,
            c.SampleSpotChecks: self.sample_spot_checks,
            c.ListSpotChecks: self.list_spot_checks,
            c.CloseSpotCheck: self.close_spot_check,
            c.ReleaseOrder: self.release,
            c.OpenDashboard: self.dashboard,
        }

    async def dashboard(self, cmd: c.OpenDashboard) -> list[Result]:
        if self.s.dashboard_url is None:
            raise DomainError("看板未启用 / the dashboard is not available")
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "dashboard", cmd.admin)
        return [Loaded("dashboard", {"url": self.s.dashboard_url(cmd.admin, role)})]

    async def _commit(self, uow: Any, notices: list[Notice]) -> list[OutboxMessage]:
        posted = await self.s.post(uow, notices)
        await uow.commit()
        return posted

    async def file(self, cmd: c.FileComplaint) -> list[Result]:
        try:
            category = ComplaintCategory(cmd.category)
        except ValueError:
            raise DomainError("未知的投诉类型 / unknown complaint type") from None
        now = self.s.clock()
        paths = []
        for ref in cmd.photo_refs[: self.s.rules.execution.photos_per_kind]:
            data, _, ext = await self.s.fetch_photo(cmd.channel, ref)
            assert self.s.media is not None
            paths.append(self.s.media.save(f"complaints/{cmd.number}", data, ext, now))
        async with self.s.uow() as uow:
            filed = await complaint_steps.complain(
                uow,
                self.s.rules,
                customer_id=cmd.customer_id,
                number=cmd.number,
                category=category,
                text=cmd.text,
                photos=paths,
                now=now,
            )
            posted = await self._commit(uow, filed.notices)
        await self.s.flush(posted)
        if filed.refunds:
            await self.s.execute_refunds(
                c.ExecuteRefunds(filed.complaint.order_id, notify_customer=False)
            )
        complaint = filed.complaint
        return [
            Loaded(
                "complaint_filed",
                {
                    "complaint_id": complaint.id,
                    "number": filed.number,
                    "resolved": not complaint.open,
                    "refund_cents": complaint.refund_cents,
                    "minutes": self.s.rules.after_sales.first_response_minutes,
                },
            )
        ]

    async def reply(self, cmd: c.ReplyComplaint) -> list[Result]:
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "reply", cmd.admin)
            complaint, notices = await complaint_steps.respond(
                uow, cmd.complaint_id, cmd.admin, role, cmd.text, self.s.clock()
            )
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [Loaded("complaint_answered", {"complaint_id": complaint.id})]

    async def resolve(self, cmd: c.ResolveComplaint) -> list[Result]:
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "resolve", cmd.admin)
            try:
                resolution = Resolution({"reject": "rejected"}.get(cmd.resolution, cmd.resolution))
            except ValueError:
                raise DomainError(
                    "处理方式:rework / partial / full / reject — resolution: rework, partial, "
                    "full or reject"
                ) from None
            complaint, number, refunds, notices = await complaint_steps.resolve(
                uow,
                self.s.rules,
                complaint_id=cmd.complaint_id,
                resolution=resolution,
                admin=cmd.admin,
                role=role,
                amount=cmd.amount_cents,
                reason=cmd.reason,
                now=self.s.clock(),
            )
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        if refunds:
            await self.s.execute_refunds(
                c.ExecuteRefunds(complaint.order_id, notify_customer=True)
            )
        return [
            Loaded(
                "complaint_resolved",
                {
                    "complaint_id": complaint.id,
                    "number": number,
                    "resolution": complaint.resolution,
                    "refund_cents": complaint.refund_cents,
                },
            )
        ]

    async def list_open(self, cmd: c.ListComplaints) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            rows = []
            for complaint in await uow.complaints.with_status(ComplaintStatus.OPEN):
                order = await uow.orders.get(complaint.order_id, full=False)
                rows.append(self._row(complaint, order.number if order else 0, now))
        return [Loaded("complaints", {"complaints": rows})]

    def _row(self, complaint: Complaint, number: int, now: Any) -> dict[str, Any]:
        waited = int((now - complaint.created_at).total_seconds()) // 60
        return {
            "id": complaint.id,
            "number": number,
            "category": complaint.category.value,
            "status": complaint.status.value,
            "minutes": waited,
            "answered": complaint.first_response_at is not None,
            "overdue": complaint.first_response_at is None
            and waited >= self.s.rules.after_sales.first_response_minutes,
            "text": complaint.text,
            "resolution": complaint.resolution,
            "refund_cents": complaint.refund_cents,
            "photos": [self.s.media_url(p) for p in complaint.photos],
            "worker_id": complaint.worker_id,
        }

    async def show(self, cmd: c.ShowComplaint) -> list[Result]:
        """``/complaint ID``: what the customer wrote and photographed (the read is audited,
        on the order's trail)."""
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "complaint", cmd.admin)
            complaint = await uow.complaints.get(cmd.complaint_id)
            if complaint is None:
                raise DomainError(
                    f"没有投诉 #{cmd.complaint_id} / no complaint {cmd.complaint_id}"
                )
            order = await uow.orders.get(complaint.order_id, full=False)
            number = order.number if order else 0
            read = ["text"] * bool(complaint.text) + ["photos"] * bool(complaint.photos)
            if read:
                await uow.audit.append(
                    contact_read(
                        self.s.clock(),
                        cmd.admin,
                        role,
                        "view_complaint",
                        f"order:{number}",
                        read,
                        complaint=complaint.id,
                    )
                )
                await uow.commit()
        return [Loaded("complaint", self._row(complaint, number, self.s.clock()))]

    async def book_rework(self, cmd: c.BookRework) -> list[Result]:
        now = self.s.clock()
        if cmd.start_at <= now + timedelta(minutes=self.s.rules.booking.min_lead_minutes):
            raise DomainError("请选择稍晚一些的时间 / please pick a later time")
        async with self.s.uow() as uow:
            original = await uow.orders.by_number(cmd.number)
            if original is None or original.customer_id != cmd.customer_id:
                raise DomainError(f"找不到订单 #{cmd.number} / no order #{cmd.number}")
            assert original.id is not None
            await uow.orders.lock(original.id)
            granted = [
                x
                for x in await uow.complaints.for_order(original.id)
                if x.resolution == Resolution.REWORK.value
            ]
            if not granted:
                raise DomainError(
                    f"订单 #{cmd.number} 没有返工安排 / order #{cmd.number} has no rework granted"
                )
            if await uow.orders.rework_for(original.id) is not None:
                raise DomainError(
                    f"订单 #{cmd.number} 的返工已预约 / the rework of #{cmd.number} is booked"
                )
            order = await self._rework_order(uow, original, cmd.start_at, now)
            if granted[-1].note.strip() == "other" and original.worker_id is not None:
                # the original worker must not get it: a declined offer keeps them out
                await uow.offers.add(
                    Offer(
                        order.id or 0,
                        original.worker_id,
                        OfferMode.MANUAL,
                        0,
                        0,
                        now,
                        now,
                        OfferStatus.DECLINED,
                        now,
                    )
                )
            notices = await dispatch.dispatch(uow, self.s.catalog, self.s.rules, order, now)
            posted = await self._commit(uow, [n for n in notices if n.to != "customer"])
        await self.s.flush(posted)
        return [
            Loaded(
                "rework_booked",
                {
                    "number": order.number,
                    "original": original.number,
                    "when": f"{order.start_at.astimezone(self.s.tz):%m-%d %H:%M}",
                },
            )
        ]

    async def _rework_order(self, uow: Any, original: Order, start_at: Any, now: Any) -> Order:
        """A free copy of the job at a new time, already paid (nothing to pay)."""
        number = original.number
        quote = Quote(
            lines=(
                QuoteLine(
                    LineKind.BASE,
                    Text(f"免费返工(#{number})", f"Free rework (#{number})"),
                    0,
                    original.item_id,
                ),
            ),
            total_cents=0,
            deposit_cents=0,
            duration_minutes=original.duration_minutes,
        )
        actor = Actor(ActorKind.CUSTOMER, str(original.customer_id))
        order = Order.from_quote(
            number=await uow.orders.next_number(),
            customer_id=original.customer_id,
            selections=original.selections,
            quote=quote,
            start_at=start_at,
            created_at=now,
            channel=original.channel,
            actor=actor,
            lang=original.lang,
            address_id=original.address_id,
            notes=f"返工 rework of #{number}. {original.notes}".strip()[:500],
            preferred_worker_id=original.worker_id,
            rework_of=original.id,
        )
        order.apply(Action.REQUEST_PAYMENT, actor, now)
        order.apply(Action.PAY, SYSTEM, now, "free rework")
        await uow.orders.add(order)
        return order

    async def rate_order(self, cmd: c.RateOrder) -> list[Result]:
        scores = dict(cmd.scores)
        rating = Rating(0, Rater.CUSTOMER, 0, cmd.customer_id, scores, self.s.clock())
        rating = replace(rating, tags=list(cmd.tags), text=cmd.text.strip()[:500])
        async with self.s.uow() as uow:
            notices = await complaint_steps.rate(
                uow, self.s.rules, rating, cmd.number, self.s.clock()
            )
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        low = rating.overall_x100 < self.s.rules.after_sales.review_below_stars * 100
        return [
            Loaded(
                "rated",
                {"number": cmd.number, "stars": stars_text(rating.overall_x100), "review": low},
            )
        ]

    async def rate_customer(self, cmd: c.RateCustomer) -> list[Result]:
        scores = {d: cmd.stars for d in DIMENSIONS}
        rating = Rating(0, Rater.WORKER, cmd.worker_id, 0, scores, self.s.clock())
        rating = replace(rating, text=cmd.text.strip()[:500])
        async with self.s.uow() as uow:
            notices = await complaint_steps.rate(
                uow, self.s.rules, rating, cmd.number, self.s.clock()
            )
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [CustomerRated(cmd.number, cmd.stars)]

    async def sweep(self, cmd: c.ComplaintSweep) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            open_ = await uow.complaints.with_status(ComplaintStatus.OPEN, limit=500)
        steps = 0
        for complaint in open_:
            async with self.s.uow() as uow:
                notices = await complaint_steps.sla_step(uow, self.s.rules, complaint, now)
                posted = await self._commit(uow, notices)
            await self.s.flush(posted)
            steps += len(notices)
        return [Loaded("swept", {"complaints": len(open_), "steps": steps})]

    async def levels_now(self, cmd: c.RecalculateLevels) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "levels", cmd.admin)
            ids = [cmd.worker_id] if cmd.worker_id is not None else []
            if ids and await uow.workers.get(ids[0]) is None:
                raise DomainError(f"没有 ID 为 {ids[0]} 的师傅 / no worker {ids[0]}")
            changes, notices = await quality.recalculate_levels(uow, self.s.rules, now, ids)
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "recalculate_levels",
                    f"worker:{cmd.worker_id}" if cmd.worker_id else "workers",
                    role,
                    {},
                    {"changed": [c.worker_id for c in changes]},
                )
            )
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [Loaded("levels", {"changes": [vars(c) for c in changes]})]

    async def quarterly_levels(self, cmd: c.QuarterlyLevels) -> list[Result]:
        now = self.s.clock()
        period = quality.quarter(now.astimezone(self.s.tz).date())
        async with self.s.uow() as uow:
            if not await uow.job_runs.claim("levels", period, now):
                return [Loaded("swept", {"levels": 0})]
            changes, notices = await quality.recalculate_levels(uow, self.s.rules, now)
            await uow.job_runs.record("levels", period, f"{len(changes)} changed")
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [Loaded("swept", {"levels": len(changes)})]

    async def sample_spot_checks(self, cmd: c.SampleSpotChecks) -> list[Result]:
        now = self.s.clock()
        yesterday = now.astimezone(self.s.tz).date() - timedelta(days=1)
        async with self.s.uow() as uow:
            numbers, notices = await quality.sample_spot_checks(uow, self.s.rules, yesterday, now)
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [Loaded("swept", {"spot_checks": len(numbers)})]

    async def list_spot_checks(self, cmd: c.ListSpotChecks) -> list[Result]:
        async with self.s.uow() as uow:
            rows = []
            for check_id, order_id, at in await uow.spot_checks.open():
                order = await uow.orders.get(order_id, full=False)
                rows.append(
                    {
                        "id": check_id,
                        "number": order.number if order else 0,
                        "worker_id": order.worker_id if order else None,
                        "since": f"{at.astimezone(self.s.tz):%m-%d}",
                    }
                )
        return [Loaded("spot_checks", {"checks": rows})]

    async def close_spot_check(self, cmd: c.CloseSpotCheck) -> list[Result]:
        if not cmd.note.strip():
            raise DomainError("请写抽检结果 / write what the check found")
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "checked", cmd.admin)
            if not await uow.spot_checks.close(cmd.check_id, cmd.note):
                raise DomainError(
                    f"没有待办抽检 {cmd.check_id} / no open spot check {cmd.check_id}"
                )
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "spot_check",
                    f"spot_check:{cmd.check_id}",
                    role,
                    {},
                    {"note": cmd.note},
                )
            )
            await uow.commit()
        return [Loaded("spot_check_closed", {"id": cmd.check_id})]

    async def release(self, cmd: c.ReleaseOrder) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "release", cmd.admin)
            order = await uow.orders.by_number(cmd.number)
            if order is None or order.id is None:
                raise DomainError(f"找不到订单 #{cmd.number} / no order #{cmd.number}")
            await uow.orders.lock(order.id)
            if not order.hold_reason:
                raise DomainError(
                    f"订单 #{cmd.number} 没有被暂扣 / order #{cmd.number} is not held"
                )
            before: dict[str, object] = {"hold": order.hold_reason}
            order.hold_reason = ""
            await uow.orders.save(order, now)
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "release_order",
                    f"order:{order.number}",
                    role,
                    before,
                    {"hold": ""},
                )
            )
            notices: list[Notice] = []
            if order.status == OrderStatus.PAID:
                notices = await dispatch.dispatch(uow, self.s.catalog, self.s.rules, order, now)
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [Loaded("released", {"number": cmd.number, "status": order.status.value})]
