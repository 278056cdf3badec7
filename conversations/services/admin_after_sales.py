"""The staff side of after-sales: answering and deciding complaints (``/complaints``,
``/complaint``, ``/reply``, ``/resolve``), worker levels (``/levels`` and the quarterly run),
spot checks (the daily sample, ``/spotchecks``, ``/checked``), releasing a held order, the
dashboard link, and the complaint deadline sweep — each in its own unit of work, messages
through the outbox. (The customers' side: ``after_sales``.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.admin_after_sales import (
    ComplaintAnswered,
    ComplaintResolved,
    ComplaintShown,
    LevelMove,
    LevelsRecalculated,
    SpotCheckClosed,
)
from conversations.results.admin_orders import OrderReleased
from conversations.results.admin_people import DashboardLinked
from conversations.results.sweeps import (
    ComplaintsChased,
    QuarterAlreadyLevelled,
    QuarterLevelled,
    SpotChecksSampled,
)
from conversations.services import complaint_steps, dispatch, quality
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_customer
from conversations.services.staff import audit_read, authorize
from domain import commands as c
from domain.aftersales import Complaint, ComplaintStatus, Resolution
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.outbox import OutboxMessage
from domain.text import N_


class AdminAfterSalesDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.ReplyComplaint: self.reply,
            c.ResolveComplaint: self.resolve,
            c.ShowComplaint: self.show,
            c.ComplaintSweep: self.sweep,
            c.RecalculateLevels: self.levels_now,
            c.QuarterlyLevels: self.quarterly_levels,
            c.SampleSpotChecks: self.sample_spot_checks,
            c.CloseSpotCheck: self.close_spot_check,
            c.ReleaseOrder: self.release,
            c.OpenDashboard: self.dashboard,
        }

    async def dashboard(self, cmd: c.OpenDashboard) -> list[Result]:
        if self.s.dashboard_url is None:
            raise DomainError(N_("看板未启用"))
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "dashboard", cmd.admin)
        return [DashboardLinked(self.s.dashboard_url(cmd.admin, role))]

    async def _commit(self, uow: Any, notices: list[Notice]) -> list[OutboxMessage]:
        posted = await self.s.post(uow, notices)
        await uow.commit()
        return posted

    async def reply(self, cmd: c.ReplyComplaint) -> list[Result]:
        """Support's answer reaches the customer and the order's trail: an open complaint's
        first answer also stops the escalation clock; a decided one stays decided (a word
        after the decision is still a message to the customer)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "reply", cmd.admin)
            complaint = await uow.complaints.get(cmd.complaint_id)
            decided = complaint is not None and not complaint.open
            if complaint is not None and decided:
                notices = await self._after_decision(uow, complaint, cmd, role, now)
            else:
                complaint, notices = await complaint_steps.respond(
                    uow, cmd.complaint_id, cmd.admin, role, cmd.text, now
                )
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        done = (complaint.resolution or "closed") if decided else ""
        return [ComplaintAnswered(complaint.id or 0, done)]

    @staticmethod
    async def _after_decision(
        uow: Any, complaint: Complaint, cmd: c.ReplyComplaint, role: str, now: datetime
    ) -> list[Notice]:
        """A reply to a complaint already decided: told to the customer and audited, as an
        open one's; the complaint itself does not change."""
        text = cmd.text.strip()
        if not text:
            raise DomainError(N_("请写回复内容"))
        order = await uow.orders.get(complaint.order_id, full=False)
        assert order is not None
        await uow.audit.append(
            AuditEntry(
                now,
                cmd.admin,
                "complaint_reply",
                f"order:{order.number}",
                role,
                {},
                {"text": text},
            )
        )
        return [
            to_customer(
                complaint.customer_id,
                "complaint_reply",
                complaint_id=complaint.id,
                number=order.number,
                text=text[:500],
            )
        ]

    async def resolve(self, cmd: c.ResolveComplaint) -> list[Result]:
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "resolve", cmd.admin)
            try:
                resolution = Resolution({"reject": "rejected"}.get(cmd.resolution, cmd.resolution))
            except ValueError:
                raise DomainError(N_("处理方式:rework、partial、full 或 reject")) from None
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
            # the decision's notice says the amount and that it goes back: a refund paid now
            # is not told again (one the provider pays later, on the sweep's retry, is)
            await self.s.execute_refunds(
                c.ExecuteRefunds(complaint.order_id, notify_customer=False)
            )
        return [
            ComplaintResolved(
                complaint.id or 0, number, complaint.resolution, complaint.refund_cents
            )
        ]

    async def show(self, cmd: c.ShowComplaint) -> list[Result]:
        """``/complaint ID``: what the customer wrote and photographed (the read is audited,
        on the order's trail)."""
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "complaint", cmd.admin)
            complaint = await uow.complaints.get(cmd.complaint_id)
            if complaint is None:
                raise DomainError(N_("没有投诉 #{complaint_id}", complaint_id=cmd.complaint_id))
            order = await uow.orders.get(complaint.order_id, full=False)
            number = order.number if order else 0
            read = ["text"] * bool(complaint.text) + ["photos"] * bool(complaint.photos)
            at, action, target = self.s.clock(), "view_complaint", f"order:{number}"
            await audit_read(
                uow, at, cmd.admin, role, action, target, read, complaint=complaint.id
            )
        return [
            ComplaintShown(
                complaint.id or 0,
                number,
                complaint.category.value,
                complaint.status,
                _minutes(complaint, self.s.clock()),
                complaint.text,
                complaint.resolution,
                complaint.refund_cents,
                tuple(self.s.media_url(p) for p in complaint.photos),
                None if complaint.open else complaint.resolved_at,
            )
        ]

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
        return [ComplaintsChased(len(open_), steps)]

    async def levels_now(self, cmd: c.RecalculateLevels) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "levels", cmd.admin)
            ids = [cmd.worker_id] if cmd.worker_id is not None else []
            if ids and await uow.workers.get(ids[0]) is None:
                raise DomainError(N_("没有 ID 为 {ids} 的师傅", ids=ids[0]))
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
        return [
            LevelsRecalculated(
                tuple(
                    LevelMove(c.worker_id, c.name, c.old, c.new, c.score, c.suspended)
                    for c in changes
                )
            )
        ]

    async def quarterly_levels(self, cmd: c.QuarterlyLevels) -> list[Result]:
        now = self.s.clock()
        period = quality.quarter(now.astimezone(self.s.tz).date())
        async with self.s.uow() as uow:
            if not await uow.job_runs.claim("levels", period, now):
                return [QuarterAlreadyLevelled(period)]
            changes, notices = await quality.recalculate_levels(uow, self.s.rules, now)
            await uow.job_runs.record("levels", period, f"{len(changes)} changed")
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [QuarterLevelled(period, len(changes))]

    async def sample_spot_checks(self, cmd: c.SampleSpotChecks) -> list[Result]:
        now = self.s.clock()
        yesterday = now.astimezone(self.s.tz).date() - timedelta(days=1)
        async with self.s.uow() as uow:
            numbers, notices = await quality.sample_spot_checks(uow, self.s.rules, yesterday, now)
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [SpotChecksSampled(tuple(numbers))]

    async def close_spot_check(self, cmd: c.CloseSpotCheck) -> list[Result]:
        if not cmd.note.strip():
            raise DomainError(N_("请写抽检结果"))
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "checked", cmd.admin)
            if not await uow.spot_checks.close(cmd.check_id, cmd.note):
                raise DomainError(N_("没有待办抽检 {check_id}", check_id=cmd.check_id))
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
        return [SpotCheckClosed(cmd.check_id)]

    async def release(self, cmd: c.ReleaseOrder) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "release", cmd.admin)
            order = await uow.orders.by_number(cmd.number)
            if order is None or order.id is None:
                raise DomainError(N_("找不到订单 #{number}", number=cmd.number))
            await uow.orders.lock(order.id)
            if not order.hold_reason:
                raise DomainError(N_("订单 #{number} 没有被暂扣", number=cmd.number))
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
                notices = await dispatch.dispatch(
                    uow, self.s.catalog, self.s.rules, order, now, index=self.s.worker_index
                )
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [OrderReleased(cmd.number, order.status)]


def _minutes(complaint: Complaint, now: datetime) -> int:
    """Minutes since the complaint was filed."""
    return int((now - complaint.created_at).total_seconds()) // 60
