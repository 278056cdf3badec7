"""How a long placement ends: early, by ops (``/terminate``: the unused days refunded less the
rules' notice fee, the used ones settled), or renewed in one tap by the customer (the same
service, days and home from the day it ends, the same worker asked for). The sweep's
renewal offer, ``rules.placements.renewal_reminder_days`` before the end, is in
``services.placements``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.placements import PlacementTerminated
from conversations.services import order_steps, refunds
from conversations.services.deps import Deps
from conversations.services.notices import to_admins, to_customer, to_worker
from conversations.services.placement_replacements import day_of, placement_of
from conversations.services.settlement import settle
from conversations.services.staff import authorize
from domain import commands as c
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus, allowed_actions
from domain.moments import When
from domain.orders import Actor, Order
from domain.payments import pay_by
from domain.placement_billing import termination
from domain.placements import PlacementStatus
from domain.ports import Reads
from domain.text import N_
from domain.timeline_notes import ended_early_note


class EndingDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.TerminatePlacement: self.terminate,
            c.RenewPlacement: self.renew,
            c.RequestTermination: self.request,
        }

    async def request(self, cmd: c.RequestTermination) -> list[Result]:
        """What ending tomorrow would come to, told to the customer; ops asked to do it."""
        now = self.s.clock()
        today = now.astimezone(self.s.tz).date()
        on = today + timedelta(days=1)
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(cmd.number, full=False)
            if order is None or order.customer_id != cmd.customer_id:
                raise DomainError(N_("找不到订单 #{number}", number=cmd.number))
            placement = await placement_of(uow, order)
            period = placement.period
            if order.status != OrderStatus.IN_SERVICE and Action.CANCEL in allowed_actions(
                order.status, ActorKind.CUSTOMER
            ):  # not started yet: nothing to end early, but it may be cancelled
                raise DomainError(
                    N_(
                        "订单 #{number} 的合同还没开始,不能提前终止;"
                        "不需要了可以在「我的订单」中取消",
                        number=order.number,
                    )
                )
            if order.status != OrderStatus.IN_SERVICE or not on <= period.last_day:
                raise DomainError(
                    N_("订单 #{number} 现在不能提前终止,请联系客服", number=order.number)
                )
            paid = await refunds.held_for_service(uow, order)
            ends = termination(
                period, order.total_cents, paid, on, self.s.rules.placements.notice_fee_days
            )
            fields = {
                "number": order.number,
                "on": When(on, today),
                "days": ends.used_days,
                "fee": ends.fee_cents,
                "refund": ends.refund_cents,
            }
            notices = [
                to_customer(order.customer_id, "placement_end_asked", **fields),
                to_admins("placement_end_asked_admin", **fields, typed=on.isoformat()),
            ]
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        return []

    async def terminate(self, cmd: c.TerminatePlacement) -> list[Result]:
        now = self.s.clock()
        today = now.astimezone(self.s.tz).date()
        on = day_of(cmd.on, today)
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "terminate", cmd.admin)
            order = await uow.orders.by_number(cmd.number)
            if order is None or order.id is None:
                raise DomainError(N_("找不到订单 #{number}", number=cmd.number))
            await uow.orders.lock(order.id)
            placement = await placement_of(uow, order)
            period = placement.period
            if order.status != OrderStatus.IN_SERVICE or order.worker_id is None:
                raise DomainError(
                    N_("订单 #{number} 还没开始服务:请用 /cancel 取消", number=order.number)
                )
            if not period.first_day < on <= period.last_day:
                raise DomainError(N_("终止日期要在合同期内(第二天起)"))
            paid = await refunds.held_for_service(uow, order)
            ends = termination(
                period, order.total_cents, paid, on, self.s.rules.placements.notice_fee_days
            )
            actor = Actor(ActorKind.ADMIN, cmd.admin)
            if ends.refund_cents:
                await refunds.plan_refunds(uow, order, ends.refund_cents, now, "ended")
            await uow.placements.set_status(placement.id or 0, PlacementStatus.TERMINATED)
            order.apply(Action.FINISH, actor, now, ended_early_note(on))
            order.apply(Action.CONFIRM, actor, now)
            await uow.orders.save(order, now)
            notices = await settle(uow, self.s.rules, order, now)
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "terminate",
                    f"order:{order.number}",
                    role,
                    {"paid": paid},
                    {"on": on.isoformat(), "refund": ends.refund_cents, "fee": ends.fee_cents},
                )
            )
            notices += [
                to_customer(
                    order.customer_id,
                    "placement_terminated",
                    number=order.number,
                    on=When(on, today),
                    days=ends.used_days,
                    fee=ends.fee_cents,
                    refund=ends.refund_cents,
                ),
                to_worker(
                    order.worker_id,
                    "placement_ended_worker",
                    number=order.number,
                    on=When(on, today),
                ),
            ]
            posted = await self.s.post(uow, notices)
            await uow.commit()
        await self.s.flush(posted)
        if ends.refund_cents:
            await self.s.execute_refunds(c.ExecuteRefunds(order.id))
        return [
            PlacementTerminated(
                order.number, on, ends.used_days, ends.fee_cents, ends.refund_cents
            )
        ]

    async def renew(self, cmd: c.RenewPlacement) -> list[Result]:
        """The same contract again from its end: placed and asked to be paid (a notice with
        the pay button), the current worker asked for."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            order = await uow.orders.by_number(cmd.number)
            if order is None or order.customer_id != cmd.customer_id:
                raise DomainError(N_("找不到订单 #{number}", number=cmd.number))
            placement = await placement_of(uow, order, active=False)
            if placement.status == PlacementStatus.TERMINATED:
                raise DomainError(N_("订单 #{number} 的合同已终止,不能续约", number=order.number))
            gateway = self.s.gateway_for(order.channel)
            buffer = timedelta(minutes=self.s.rules.dispatch.travel_buffer_minutes)
            # after the travel buffer: the worker finishing this contract may take it
            start_at = max(order.end_at + buffer, now)
            await _not_renewed_yet(uow, order, start_at)
            booking = c.Booking(
                customer_id=order.customer_id,
                channel=order.channel,
                lang=order.lang,
                selections=order.selections,
                start_at=start_at,
                address_id=order.address_id,
                coupon_code="",
                use_card=False,
            )
            priced = await order_steps.price(uow, self.s.catalog, self.s.rules, booking, now)
            renewed, payment = await order_steps.place(
                uow,
                self.s.catalog,
                self.s.rules,
                booking,
                priced.quote.total_cents,
                now,
                gateway.name if gateway else None,
            )
            renewed.preferred_worker_id = order.worker_id
            renewed.renewal_of = order.id  # paid by: days ahead, as a recurring visit's
            await uow.orders.save(renewed, now)
            due = payment.amount_cents if payment else 0
            notice = to_customer(
                order.customer_id,
                "placement_renewed",
                number=order.number,
                new=renewed.number,
                start=renewed.start_at,
                amount=due,
                pay_by=pay_by(renewed, self.s.rules.payments),
            )
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        if payment is None:
            await self.s.dispatch_paid(renewed.number)
        return []


RENEWALS_LOOKED_AT = 50
"""The customer's newest orders searched for a renewal already placed (far more than the
orders placed while a contract runs)."""


async def _not_renewed_yet(uow: Reads, order: Order, start_at: datetime) -> None:
    """Refuse a second renewal: a tap again (the offer's button stays in the chat, "续约 #N"
    typed twice) would place another contract for the same days, each asking to be paid.
    One cancelled (or lapsed unpaid) since may be placed again."""
    for other in await uow.orders.for_customer(order.customer_id, limit=RENEWALS_LOOKED_AT):
        if (
            other.id != order.id
            and other.start_at == start_at
            and other.item_id == order.item_id
            and other.address_id == order.address_id
            and other.status not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
        ):
            raise DomainError(
                N_(
                    "订单 #{number} 已续约为订单 #{new},无需再续;在「我的订单」中查看",
                    number=order.number,
                    new=other.number,
                )
            )
