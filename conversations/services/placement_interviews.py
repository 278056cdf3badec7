"""An interview (面试) before a long placement starts: the customer meets the worker who took
it, at a time they choose before day 1, when the worker is free then (with the dispatch
travel buffer). Not happy, they ask for a replacement (``placement_replacements``) before the
contract starts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conversations.events import Result
from conversations.services.deps import Deps
from conversations.services.notices import to_customer, to_worker
from conversations.services.placement_replacements import placement_of
from domain import commands as c
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.text import N_


class InterviewDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.ArrangeInterview: self.arrange}

    async def arrange(self, cmd: c.ArrangeInterview) -> list[Result]:
        now = self.s.clock()
        rules = self.s.rules
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(cmd.number, full=False)
            if order is None or order.customer_id != cmd.customer_id:
                raise DomainError(N_("找不到订单 #{number}", number=cmd.number))
            placement = await placement_of(uow, order)
            if order.status != OrderStatus.ACCEPTED or order.worker_id is None:
                raise DomainError(
                    N_("订单 #{number} 还没有师傅接单,或服务已开始", number=order.number)
                )
            end = cmd.at + timedelta(minutes=rules.placements.interview_minutes)
            if not now < cmd.at or end > order.start_at:
                raise DomainError(N_("面试时间要在现在之后、合同开始之前"))
            buffer = timedelta(minutes=rules.dispatch.travel_buffer_minutes)
            bookings = await uow.orders.worker_bookings(
                [order.worker_id],
                cmd.at - timedelta(days=1),
                end + timedelta(days=1),
                reach_back=timedelta(days=rules.placements.max_contract_days),
            )
            for _, start, minutes, _ in bookings:
                if start == order.start_at and minutes == order.duration_minutes:
                    continue  # this very contract
                if cmd.at < start + timedelta(minutes=minutes) + buffer and start < end + buffer:
                    raise DomainError(N_("师傅那时有其他安排,请换个时间"))
            await uow.placements.set_interview(placement.id or 0, cmd.at)
            notices = [
                to_customer(
                    order.customer_id, "placement_interview", number=order.number, at=cmd.at
                ),
                to_worker(
                    order.worker_id, "placement_interview_worker", number=order.number, at=cmd.at
                ),
            ]
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return []
