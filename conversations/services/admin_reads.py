"""Service handlers of the admins' reads that are on the record: ``/order``, ``/worker`` (and
``/customer``: ``admin_customers``) show contact details and documents, and who saw them is
appended to the audit log — a write, so these are commands, not views (the plain reads,
``/stats``, ``/orders``, ``/audit``: ``views.admin``; the order commands that change
something: ``admin_orders``).

Each checks the admin's role again in its own transaction (``admins.authorize``: the chat's
cached role may be seconds old), and shows each role only what it may see.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from conversations.events import Result
from conversations.results.admin_orders import (
    ComplaintBrief,
    Contact,
    OrderInspected,
    OrderMoney,
    PaymentLine,
    StatusReached,
)
from conversations.results.admin_people import WorkerDocument, WorkerShown
from conversations.services import cancellations, order_steps
from conversations.services.admin_customers import show_customer
from conversations.services.deps import Deps
from conversations.services.staff import audit_read, authorize
from conversations.services.views import placements as placement_views
from domain import commands as c
from domain import gazetteer
from domain.admin import SEES_ADDRESS, SEES_MONEY, SEES_PHONE
from domain.errors import DomainError
from domain.insurance import PolicyStatus
from domain.lifecycle import Action, ActorKind
from domain.orders import Order
from domain.payments import Payment, PaymentKind, PaymentStatus, given_back
from domain.people import WorkerStatus, review_note_text
from domain.ports import Reads
from domain.pricing import LineKind
from domain.privacy import full_address, mask_phone, masked_address
from domain.surcharge import ExtraState, extra_state
from domain.text import N_, Bilingual

ON_THE_TIMELINE = frozenset({Action.RESCHEDULE})
"""The events that move no status ``/order``'s timeline shows with the status changes: a
new time (its old and new time), which the visit's time above does not tell."""


async def by_number(uow: Reads, number: int, full: bool = True) -> Order:
    """Order ``number`` (any customer's); NotFound when there is none."""
    order = await uow.orders.by_number(number, full=full)
    if order is None:
        raise order_steps.NotFound(number)
    return order


async def _extras(
    uow: Reads, order: Order, payments: list[Payment]
) -> tuple[tuple[ExtraState, int, Bilingual], ...]:
    """The order's on-site extras as ``/order`` lists them: each where it stands (answered,
    paid through the payment its approval asked for and maybe refunded since, or forgiven
    by ``/waive``)."""
    assert order.id is not None
    asked = {p.reference: p for p in payments}
    back = given_back(payments)
    waived = any(x.kind == LineKind.WAIVED for x in order.lines)
    shown = []
    for x in await uow.surcharges.for_order(order.id):  # never approved: reference ""
        paid = asked.get(x.payment_reference)
        status, refunded = (paid.status, back.get(paid.id or 0, 0)) if paid else (None, 0)
        shown.append((extra_state(x, status, waived, refunded), x.amount_cents, x.what))
    return tuple(shown)


class AdminDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.ShowOrder: self.show_order,
            c.ShowWorker: self.show_worker,
            c.ShowCustomer: partial(show_customer, self.s),
        }

    async def show_order(self, cmd: c.ShowOrder) -> list[Result]:
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "order", cmd.admin)
            order = await by_number(uow, cmd.number)
            assert order.id is not None
            customer = await uow.customers.get(order.customer_id)
            address = await uow.addresses.get(order.address_id) if order.address_id else None
            worker = await uow.workers.get(order.worker_id) if order.worker_id else None
            paid = await uow.payments.for_order(order.id)
            photos = await uow.photos.for_order(order.id)
            complaints = await uow.complaints.for_order(order.id)
            policy = await uow.policies.by_order(order.id)
            placement = await uow.placements.for_order(order.id)
            roles = await self._roles(uow, order)
            fee = await cancellations.fee_still_kept(uow, order) if role in SEES_MONEY else 0
            phone = (
                address.phone if address and address.phone else customer.phone if customer else ""
            )
            read = [
                name
                for name, shown, allowed in (
                    ("phone", phone, SEES_PHONE),
                    ("address", address.text if address else "", SEES_ADDRESS),
                    ("worker_phone", worker.phone if worker else "", SEES_PHONE),
                )
                if shown and role in allowed
            ]
            at, target = self.s.clock(), f"order:{order.number}"
            await audit_read(uow, at, cmd.admin, role, "view_order", target, read)
        where = Bilingual("", "")
        if address is not None:
            where = (
                full_address(address.text)
                if role in SEES_ADDRESS
                else masked_address(address.text, address.district)
            )
        kinds: dict[str, int] = {}
        for p in photos:
            kinds[p.kind] = kinds.get(p.kind, 0) + 1
        pending = sum(
            p.amount_cents
            for p in paid
            if p.kind == PaymentKind.REFUND and p.status == PaymentStatus.PENDING
        )
        money = (
            OrderMoney(
                order.total_cents,
                order.paid_cents,
                order.refunded_cents,
                pending,
                order.coupon_code or "",
                tuple(
                    PaymentLine(p.kind.value, p.provider, p.amount_cents, p.status.value)
                    for p in paid
                ),
                fee,
                -sum(x.amount_cents for x in order.lines if x.kind == LineKind.WAIVED),
            )
            if role in SEES_MONEY
            else None
        )
        return [
            OrderInspected(
                number=order.number,
                status=order.status,
                item=self.s.catalog.name_of(order.item_id),
                start_at=order.start_at,
                created_at=order.created_at,
                channel=order.channel,
                customer=Contact(
                    order.customer_id,
                    customer.name if customer else "",
                    phone if role in SEES_PHONE else mask_phone(phone),
                ),
                address=where,
                located=gazetteer.place_of(address, self.s.city) if address else None,
                policy_no=policy.policy_no
                if policy is not None and policy.status == PolicyStatus.ISSUED
                else "",
                surcharges=await _extras(uow, order, paid) if role in SEES_MONEY else (),
                contract=await placement_views.contract(uow, order, self.s.rules, self.s.clock()),
                replacements=placement.replacements_used if placement else 0,
                worker=Contact(
                    worker.id or 0,
                    worker.name,
                    worker.phone if role in SEES_PHONE else mask_phone(worker.phone),
                )
                if worker
                else None,
                late_minutes=order.late_minutes,
                note=order.dispatch_note,
                photos=tuple(sorted(kinds.items())),
                complaints=tuple(
                    ComplaintBrief(x.id or 0, str(x.category), str(x.status), x.created_at)
                    for x in complaints
                ),
                timeline=tuple(
                    StatusReached(e.at, e.to_status, str(e.actor), roles.get(str(e.actor), ""))
                    if e.from_status != e.to_status
                    else StatusReached(
                        e.at,
                        e.to_status,
                        str(e.actor),
                        roles.get(str(e.actor), ""),
                        e.action,
                        e.note,
                    )
                    for e in order.timeline
                    if e.from_status != e.to_status or e.action in ON_THE_TIMELINE
                ),
                money=money,
            )
        ]

    async def _roles(self, uow: Reads, order: Order) -> dict[str, str]:
        """The role each admin on the order's timeline holds now, by actor (an admin no
        longer one: none)."""
        roles = {}
        for actor in {e.actor for e in order.timeline if e.actor.kind == ActorKind.ADMIN}:
            channel, _, user_id = actor.id.partition(":")
            roles[str(actor)] = await self.s.admins.role_in(uow, channel, user_id)
        return roles

    async def show_worker(self, cmd: c.ShowWorker) -> list[Result]:
        """``/worker ID``: the worker with their phone and documents (the read is audited)."""
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "worker", cmd.admin)
            worker = await uow.workers.get(cmd.worker_id)
            if worker is None:
                raise DomainError(N_("没有 ID 为 {worker_id} 的师傅", worker_id=cmd.worker_id))
            documents = tuple(
                WorkerDocument(
                    d.kind,
                    self.s.media_url(d.file_ref),
                    d.expires_on,
                    waiting=not d.verified and worker.status != WorkerStatus.PENDING,
                )
                for d in worker.certificates
                if d.file_ref
            )
            account = await uow.payout_accounts.get(cmd.worker_id)
            read = ["phone"] * bool(worker.phone) + ["documents"] * bool(documents)
            at, target = self.s.clock(), f"worker:{worker.id}"
            await audit_read(uow, at, cmd.admin, role, "view_worker", target, read)
        centre = worker.area.center
        return [
            WorkerShown(
                id=worker.id or 0,
                name=worker.name,
                phone=worker.phone,
                status=worker.status,
                skills=tuple(worker.skills),
                districts=tuple(worker.area.districts),
                radius_m=worker.area.radius_m if centre else 0,  # no centre: no radius
                level=worker.level,
                note=review_note_text(worker.review_note),
                documents=documents,
                payout=account.masked() if account else None,
                centre=gazetteer.district_at(centre, self.s.city) if centre else "",
            )
        ]
