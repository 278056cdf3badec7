"""The customers' side of after-sales: complaints, ratings and reworks — each command in its
own unit of work, messages through the outbox. (The staff's side, with the complaint deadline
sweep, levels and spot checks: ``admin_after_sales``.)"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from conversations.events import Result
from conversations.results.after_sales import ComplaintFiled, OrderRated, ReworkBooked
from conversations.results.workers import CustomerRated
from conversations.services import complaint_steps, dispatch, rating_steps, visit_codes
from conversations.services.deps import Deps
from conversations.services.notices import Notice
from conversations.services.policy_requests import request_policy
from conversations.services.unsent_uploads import still_kept
from domain import commands as c
from domain.aftersales import DIMENSIONS, Rater, Rating, granted_rework
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind
from domain.offers import Offer, OfferMode, OfferStatus
from domain.orders import SYSTEM, Actor, Order
from domain.outbox import OutboxMessage
from domain.pricing import LineKind, Quote, QuoteLine
from domain.rules import ComplaintCategory
from domain.text import N_, bilingual
from domain.timeline_notes import free_rework_note

log = logging.getLogger(__name__)


class AfterSalesDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.FileComplaint: self.file,
            c.BookRework: self.book_rework,
            c.RateOrder: self.rate_order,
            c.RateCustomer: self.rate_customer,
        }

    async def _commit(self, uow: Any, notices: list[Notice]) -> list[OutboxMessage]:
        posted = await self.s.post(uow, notices)
        await uow.commit()
        return posted

    async def file(self, cmd: c.FileComplaint) -> list[Result]:
        """File the customer's complaint with the photos the flow kept for it — only where
        it kept them, and none the unsent uploads' sweep deleted or is due to (a complaint
        left mid-way and filed later goes without those) — and those sent with it."""
        try:
            category = ComplaintCategory(cmd.category)
        except ValueError:
            raise DomainError(N_("未知的投诉类型")) from None
        now = self.s.clock()
        most = self.s.rules.execution.photos_per_kind
        folder = f"complaints/{cmd.number}/"  # where the flow kept them (StoreDocument)
        paths = [
            p
            for p in cmd.photo_paths
            if p.startswith(folder)
            and ".." not in p.split("/")
            and still_kept(self.s.media, self.s.rules, p, now)
        ][:most]
        for ref in cmd.photo_refs[: most - len(paths)]:
            data, _, ext = await self.s.fetch_photo(cmd.channel, ref)
            assert self.s.media is not None
            paths.append(self.s.media.save(folder.rstrip("/"), data, ext, now))
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
            ComplaintFiled(
                complaint.id or 0,
                filed.number,
                not complaint.open,
                complaint.refund_cents,
                self.s.rules.after_sales.first_response_minutes,
                filed.pay_held,
            )
        ]

    async def book_rework(self, cmd: c.BookRework) -> list[Result]:
        now = self.s.clock()
        if cmd.start_at <= now + timedelta(minutes=self.s.rules.booking.min_lead_minutes):
            raise DomainError(N_("请选择稍晚一些的时间"))
        async with self.s.uow() as uow:
            original = await uow.orders.by_number(cmd.number)
            if original is None or original.customer_id != cmd.customer_id:
                raise DomainError(N_("找不到订单 #{number}", number=cmd.number))
            assert original.id is not None
            await uow.orders.lock(original.id)
            granted = granted_rework(
                cmd.number,
                await uow.complaints.for_order(original.id),
                await uow.orders.rework_for(original.id) is not None,
            )
            order = await self._rework_order(uow, original, cmd.start_at, now)
            if granted.note.strip() == "other" and original.worker_id is not None:
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
            notices = await dispatch.dispatch(
                uow, self.s.catalog, self.s.rules, order, now, index=self.s.worker_index
            )
            posted = await self._commit(uow, [n for n in notices if n.to != "customer"])
        await self.s.flush(posted)
        return [ReworkBooked(order.number, original.number, order.start_at)]

    async def _rework_order(self, uow: Any, original: Order, start_at: Any, now: Any) -> Order:
        """A free copy of the job at a new time, already paid (nothing to pay)."""
        number = original.number
        quote = Quote(
            lines=(
                QuoteLine(
                    LineKind.BASE,
                    bilingual(N_("免费返工(#{number})", number=number)),
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
        order.visit_code = visit_codes.new_visit_code(self.s.rules)
        order.apply(Action.REQUEST_PAYMENT, actor, now)
        order.apply(Action.PAY, SYSTEM, now, free_rework_note())
        await uow.orders.add(order)
        await request_policy(uow, order, self.s.catalog, self.s.rules.payments, now)
        return order

    async def rate_order(self, cmd: c.RateOrder) -> list[Result]:
        scores = dict(cmd.scores)
        now = self.s.clock()
        paths = []
        for ref in cmd.photo_refs[: self.s.rules.execution.photos_per_kind]:
            data, _, ext = await self.s.fetch_photo(cmd.channel, ref)
            assert self.s.media is not None
            paths.append(self.s.media.save(f"reviews/{cmd.number}", data, ext, now))
        rating = Rating(0, Rater.CUSTOMER, 0, cmd.customer_id, scores, now)
        rating = replace(rating, tags=list(cmd.tags), text=cmd.text.strip()[:500], photos=paths)
        async with self.s.uow() as uow:
            notices = await rating_steps.rate(
                uow, self.s.rules, rating, cmd.number, self.s.clock()
            )
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        low = rating.overall_x100 < self.s.rules.after_sales.review_below_stars * 100
        return [OrderRated(cmd.number, rating.overall_x100, low)]

    async def rate_customer(self, cmd: c.RateCustomer) -> list[Result]:
        scores = {d: cmd.stars for d in DIMENSIONS}
        rating = Rating(0, Rater.WORKER, cmd.worker_id, 0, scores, self.s.clock())
        rating = replace(rating, text=cmd.text.strip()[:500])
        async with self.s.uow() as uow:
            notices = await rating_steps.rate(
                uow, self.s.rules, rating, cmd.number, self.s.clock()
            )
            posted = await self._commit(uow, notices)
        await self.s.flush(posted)
        return [CustomerRated(cmd.number, cmd.stars)]
