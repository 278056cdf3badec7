"""On-site extra charges as commands (``domain.surcharge``): the worker asks (with photos),
the customer approves — the lines join the order and the extra is paid through the channel's
provider, as the order was — or declines, and the sweep lapses what nobody answered. A
request leaves ``requested`` once (a conditional update), under the order's lock."""

from __future__ import annotations

from typing import Any

from conversations.events import Result
from conversations.results.booking import PaymentUnavailable
from conversations.results.surcharges import (
    SurchargeApproved,
    SurchargeDeclined,
    SurchargeRequested,
    SurchargesLapsed,
)
from conversations.services.customer_orders import own_order
from conversations.services.deps import Deps
from conversations.services.job_steps import own_job
from conversations.services.notices import Notice, to_customer, to_worker
from conversations.services.payment_requests import new_reference
from conversations.services.unsent_uploads import still_kept
from domain import commands as c
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind
from domain.media import JobPhoto, PhotoKind
from domain.money import format_yuan
from domain.orders import Actor
from domain.payments import Payment, PaymentKind
from domain.surcharge import (
    ANSWERABLE,
    Surcharge,
    SurchargeStatus,
    answer_by,
    check_altitude,
    check_request,
    price,
)
from domain.text import N_

PREFIX = {"sandbox": "SBS", "telegram": "TGS", "wechat_pay": "WXS"}
"""Surcharge payment references, by provider."""
BATCH = 100


def _lines_text(s: Surcharge, lang: str) -> str:
    return "\n".join(
        f"· {line.label.get(lang)} {format_yuan(line.amount_cents)}" for line in s.lines
    )


class SurchargeDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.RequestSurcharge: self.request,
            c.DiscardSurchargePhotos: self.discard,
            c.AnswerSurcharge: self.answer,
            c.ExpireSurcharges: self.expire,
        }

    async def request(self, cmd: c.RequestSurcharge) -> list[Result]:
        """The worker's request goes to the customer with its lines and the photos sent for
        it, which become the order's photos of kind ``surcharge`` now (a request abandoned
        before it was sent leaves none behind: ``discard``, the unsent uploads' sweep, whose
        deleted or due photos it does not take)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            order = await own_job(uow, cmd.worker_id, cmd.number)
            assert order.id is not None
            await uow.orders.lock(order.id)
            lines = price(self.s.catalog.item(order.item_id), cmd.extras, self.s.rules.pricing)
            earlier = await uow.surcharges.for_order(order.id)
            if any(x.status == SurchargeStatus.REQUESTED for x in earlier):
                raise DomainError(N_("上一个加价申请还在等客户答复"))
            booked = any(x.high_altitude for x in order.selections)
            check_altitude(cmd.extras, booked, tuple(earlier))
            folder = f"orders/{order.number}/"  # where the flow kept them (StoreDocument)
            photos = [
                p
                for p in cmd.photos
                if p.path.startswith(folder)
                and ".." not in p.path.split("/")
                and still_kept(self.s.media, self.s.rules, p.path, now)
            ]
            check_request(order.status, lines, len(photos), self.s.rules.execution)
            kind = PhotoKind.SURCHARGE.value
            most = self.s.rules.execution.photos_per_kind
            if len(await uow.photos.for_order(order.id, [kind])) + len(photos) > most:
                raise DomainError(N_("每类最多 {photos_per_kind} 张", photos_per_kind=most))
            for p in photos:
                await uow.photos.add(
                    JobPhoto(order.id, kind, p.path, p.content_type, p.size_bytes, now),
                    f"worker:{cmd.worker_id}",
                )
            s = await uow.surcharges.add(
                Surcharge(
                    order.id,
                    order.number,
                    cmd.worker_id,
                    lines,
                    now,
                    answer_by(now, self.s.rules.execution),
                    tuple(p.path for p in photos),
                )
            )
            notice = to_customer(
                order.customer_id,
                "surcharge_requested",
                number=order.number,
                sid=s.id,
                amount=s.amount_cents,
                items_zh=_lines_text(s, "zh"),
                items_en=_lines_text(s, "en"),
                minutes=self.s.rules.execution.surcharge_answer_minutes,
                photos=[self.s.media_url(p) for p in s.photos][:3],
            )
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return [SurchargeRequested(order.number, s.amount_cents, s.answer_by)]

    async def discard(self, cmd: c.DiscardSurchargePhotos) -> list[Result]:
        """Delete a request's photos that never joined an order: only where the flow kept
        them (``orders/…``, as ``request`` takes them), and none an order's photos name (a
        sent request's, whatever the conversation still holds)."""
        paths = [p for p in cmd.paths if p.startswith("orders/") and ".." not in p.split("/")]
        if not paths or self.s.media is None:
            return []
        async with self.s.uow() as uow:
            kept = await uow.photos.named(paths)
        for path in paths:
            if path not in kept:
                self.s.media.discard(path)
        return []

    async def answer(self, cmd: c.AnswerSurcharge) -> list[Result]:
        """Approve (the lines join the order, its total rises, the extra's payment is asked
        for) or decline (the worker goes on at the original price)."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            order = await own_order(uow, cmd.customer_id, cmd.number, full=False)
            assert order.id is not None
            await uow.orders.lock(order.id)
            s = await uow.surcharges.open_for_order(order.id)
            if s is None or order.status not in ANSWERABLE:
                raise DomainError(
                    N_("订单 #{number} 没有等待您答复的加价申请", number=order.number)
                )
            if cmd.surcharge_id is not None and cmd.surcharge_id != s.id:
                raise DomainError(
                    N_(
                        "这个按钮属于订单 #{number} 之前的加价申请,请按师傅最新的申请答复",
                        number=order.number,
                    )
                )
            if now > s.answer_by:  # lapsed: the sweep tells both sides
                raise DomainError(
                    N_("订单 #{number} 的加价申请已过答复时间,服务按原价继续", number=order.number)
                )
            gateway = self.s.gateway_for(order.channel) if cmd.approve else None
            if cmd.approve and gateway is None:
                return [PaymentUnavailable()]
            amount = s.amount_cents
            if not cmd.approve:
                if not await uow.surcharges.answer(s, SurchargeStatus.DECLINED, now):
                    raise DomainError(N_("这个加价申请已处理"))
                notice = to_worker(
                    s.worker_id, "surcharge_declined_worker", number=order.number, amount=amount
                )
                posted = await self.s.post(uow, [notice])
                await uow.commit()
                await self.s.flush(posted)
                return [SurchargeDeclined(order.number)]
            assert gateway is not None
            payment = await uow.payments.add(
                Payment(
                    order.id,
                    gateway.name,
                    PaymentKind.SURCHARGE,
                    amount,
                    now,
                    new_reference(PREFIX.get(gateway.name, "SUR")),
                    note=f"surcharge:{s.id}",
                )
            )
            if not await uow.surcharges.answer(
                s, SurchargeStatus.APPROVED, now, payment.reference
            ):
                raise DomainError(N_("这个加价申请已处理"))
            await uow.surcharges.add_lines(order, s.lines)
            order.total_cents += amount
            order.note_event(
                Action.SURCHARGE,
                Actor(ActorKind.CUSTOMER, str(cmd.customer_id)),
                now,
                format_yuan(amount),
            )
            await uow.orders.save(order, now)
            notice = to_worker(
                s.worker_id, "surcharge_approved_worker", number=order.number, amount=amount
            )
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        due = await self.s.checkout(order, payment, gateway)
        return [SurchargeApproved(order.number, amount, due)]

    async def expire(self, cmd: c.ExpireSurcharges) -> list[Result]:
        """Requests past their answer time lapse, once whichever process gets there first;
        both sides are told (while the job is still under way) and nothing is charged."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            due = await uow.surcharges.due(now, BATCH)
        lapsed = 0
        for surcharge_id in due:
            async with self.s.uow() as uow:
                s = await uow.surcharges.get(surcharge_id)
                if s is None or not await uow.surcharges.answer(s, SurchargeStatus.LAPSED, now):
                    continue
                order = await uow.orders.get(s.order_id, full=False)
                assert order is not None
                # an order no longer under way (cancelled, refunded) has no price to go on at
                notices: list[Notice] = (
                    [
                        to_worker(s.worker_id, "surcharge_lapsed_worker", number=s.number),
                        to_customer(order.customer_id, "surcharge_lapsed", number=s.number),
                    ]
                    if order.status in ANSWERABLE
                    else []
                )
                posted = await self.s.post(uow, notices)
                await uow.commit()
            await self.s.flush(posted)
            lapsed += 1
        return [SurchargesLapsed(lapsed)]
