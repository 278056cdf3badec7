"""Service handlers of the admins' reading commands: ``/stats``, ``/orders``, ``/order`` and
``/audit`` (the order commands that change something: ``admin_orders``).

Each checks the admin's role again in its own transaction (``admins.authorize``: the chat's
cached role may be seconds old), and shows each role only what it may see.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.admin_orders import (
    ComplaintBrief,
    Contact,
    OrderInspected,
    OrderLine,
    OrderMoney,
    OrdersListed,
    PaymentLine,
    StatsShown,
    StatusReached,
    TrailShown,
)
from conversations.results.admin_people import WorkerDocument, WorkerShown
from conversations.services import order_steps
from conversations.services.deps import Deps
from conversations.services.staff import authorize
from domain import commands as c
from domain.admin import SEES_ADDRESS, SEES_MONEY, SEES_PHONE
from domain.audit import contact_read
from domain.errors import DomainError
from domain.orders import Order
from domain.oversight import Attention, OrderBrief, TrailEntry
from domain.payments import PaymentKind, PaymentStatus
from domain.ports import UnitOfWork
from domain.privacy import mask_address, mask_phone
from domain.text import Text

PERIOD_DAYS = {"today": 1, "week": 7, "month": 30}
MONEY_KEYS = frozenset({"amount", "fee", "refund", "paid", "refunded", "unit_price"})


def _shown(values: dict[str, object], money: bool) -> tuple[tuple[str, object], ...]:
    """An audit entry's values as a role may see them (support sees no amounts)."""
    return tuple((k, v) for k, v in values.items() if money or k not in MONEY_KEYS)


class AdminDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.ShowStats: self.stats,
            c.ListOrders: self.list_orders,
            c.ShowOrder: self.show_order,
            c.ShowAudit: self.audit,
            c.ShowWorker: self.show_worker,
        }

    async def stats(self, cmd: c.ShowStats) -> list[Result]:
        now = self.s.clock()
        today = now.astimezone(self.s.tz).date()
        first = today - timedelta(days=PERIOD_DAYS[cmd.period] - 1)
        start = datetime.combine(first, time(), tzinfo=self.s.tz)
        end = datetime.combine(today + timedelta(days=1), time(), tzinfo=self.s.tz)
        async with self.s.uow() as uow:
            await authorize(self.s, uow, "stats", cmd.admin)
            st = await uow.admin_reports.stats(start, end)
        return [
            StatsShown(
                period=cmd.period,
                first=first,
                last=today,
                by_status=tuple(st.by_status.items()),
                booked=st.booked,
                gmv_cents=st.gmv_cents,
                accepted=len(st.accept_seconds),
                accept_seconds=st.average_accept_seconds,
                completed=st.completed,
                cancelled=st.cancelled,
                complaints=st.complaints,
                new_customers=st.new_customers,
            )
        ]

    async def list_orders(self, cmd: c.ListOrders) -> list[Result]:
        now = self.s.clock()
        rules = self.s.rules
        listed: list[OrderBrief]
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "orders", cmd.admin)
            flags = await uow.admin_reports.flagged(
                now,
                timedelta(seconds=rules.dispatch.offer_timeout_s),
                timedelta(minutes=rules.after_sales.first_response_minutes),
            )
            total, listed = 0, []
            if not cmd.stuck_only:
                start, end = self._window(cmd, now)
                total, listed = await uow.admin_reports.orders(cmd.statuses, start, end)
        why: dict[int, list[Attention]] = {}
        for f in flags:
            why.setdefault(f.number, []).append(f.why)
        default = not (cmd.day or cmd.statuses or cmd.stuck_only)
        return [
            OrdersListed(
                stuck_only=cmd.stuck_only,
                statuses=tuple(cmd.statuses),
                day=date.fromisoformat(cmd.day) if cmd.day else None,
                today_by_default=default,
                total=total,
                money=role in SEES_MONEY,
                orders=tuple(
                    OrderLine(
                        o.number,
                        o.status,
                        self._item(o.item_id),
                        o.start_at,
                        o.district,
                        o.worker,
                        o.total_cents,
                        tuple(why.get(o.number, ())),
                    )
                    for o in listed
                ),
                flags=tuple(flags),
            )
        ]

    def _window(self, cmd: c.ListOrders, now: datetime) -> tuple[datetime | None, datetime | None]:
        """Orders starting on the day asked; today's when neither a day nor a status is."""
        if not cmd.day and cmd.statuses:
            return None, None
        day = date.fromisoformat(cmd.day) if cmd.day else now.astimezone(self.s.tz).date()
        start = datetime.combine(day, time(), tzinfo=self.s.tz)
        return start, start + timedelta(days=1)

    def _item(self, item_id: str) -> Text:
        try:
            item = self.s.catalog.item(item_id)
        except DomainError:  # an item since removed from the catalog file
            return Text(item_id, item_id)
        return item.name

    async def _order(self, uow: UnitOfWork, number: int, full: bool = True) -> Order:
        order = await uow.orders.by_number(number, full=full)
        if order is None:
            raise order_steps.NotFound(number)
        return order

    async def show_order(self, cmd: c.ShowOrder) -> list[Result]:
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "order", cmd.admin)
            order = await self._order(uow, cmd.number)
            assert order.id is not None
            customer = await uow.customers.get(order.customer_id)
            address = await uow.addresses.get(order.address_id) if order.address_id else None
            worker = await uow.workers.get(order.worker_id) if order.worker_id else None
            paid = await uow.payments.for_order(order.id)
            photos = await uow.photos.for_order(order.id)
            complaints = await uow.complaints.for_order(order.id)
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
            if read:  # in full: who saw whose contact details is on the record
                await uow.audit.append(
                    contact_read(
                        self.s.clock(),
                        cmd.admin,
                        role,
                        "view_order",
                        f"order:{order.number}",
                        read,
                    )
                )
                await uow.commit()
        where = ""
        if address is not None:
            where = (
                address.text
                if role in SEES_ADDRESS
                else mask_address(address.text, address.district)
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
            )
            if role in SEES_MONEY
            else None
        )
        return [
            OrderInspected(
                number=order.number,
                status=order.status,
                item=self._item(order.item_id),
                start_at=order.start_at,
                created_at=order.created_at,
                channel=order.channel,
                customer=Contact(
                    order.customer_id,
                    customer.name if customer else "",
                    phone if role in SEES_PHONE else mask_phone(phone),
                ),
                address=where,
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
                    StatusReached(e.at, e.to_status, str(e.actor))
                    for e in order.timeline
                    if e.from_status != e.to_status
                ),
                money=money,
            )
        ]

    async def show_worker(self, cmd: c.ShowWorker) -> list[Result]:
        """``/worker ID``: the worker with their phone and documents (the read is audited)."""
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "worker", cmd.admin)
            worker = await uow.workers.get(cmd.worker_id)
            if worker is None:
                raise DomainError(
                    Text(f"没有 ID 为 {cmd.worker_id} 的师傅", f"No worker {cmd.worker_id}")
                )
            documents = tuple(
                WorkerDocument(d.kind, self.s.media_url(d.file_ref), d.expires_on)
                for d in worker.certificates
                if d.file_ref
            )
            read = ["phone"] * bool(worker.phone) + ["documents"] * bool(documents)
            if read:
                await uow.audit.append(
                    contact_read(
                        self.s.clock(),
                        cmd.admin,
                        role,
                        "view_worker",
                        f"worker:{worker.id}",
                        read,
                    )
                )
                await uow.commit()
        return [
            WorkerShown(
                id=worker.id or 0,
                name=worker.name,
                phone=worker.phone,
                status=worker.status,
                skills=tuple(worker.skills),
                districts=tuple(worker.area.districts),
                radius_m=worker.area.radius_m,
                level=worker.level,
                note=worker.review_note,
                documents=documents,
            )
        ]

    async def audit(self, cmd: c.ShowAudit) -> list[Result]:
        """The order's whole trail, oldest first: its status changes by anyone (the order's
        append-only timeline), the admins' actions on it (the audit log) and the refunds
        providers carried out."""
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "audit", cmd.admin)
            order = await self._order(uow, cmd.number)
            assert order.id is not None
            actions = await uow.audit.for_target(f"order:{order.number}", limit=500)
            paid = await uow.payments.for_order(order.id)
        trail = [
            TrailEntry(
                e.at,
                str(e.actor),
                e.to_status.value,
                moved_from=e.from_status.value if e.from_status else "",
                note=e.note,
            )
            if e.from_status != e.to_status
            else TrailEntry(e.at, str(e.actor), e.action.value if e.action else "", note=e.note)
            for e in order.timeline
        ]
        money = role in SEES_MONEY
        trail += [
            TrailEntry(
                a.at,
                a.actor,
                a.action,
                a.role,
                before=_shown(a.before, money),
                after=_shown(a.after, money),
            )
            for a in actions
        ]
        trail += [
            TrailEntry(
                p.completed_at,
                f"system:{p.provider}",
                "refund_paid",
                after=_shown({"amount": p.amount_cents}, money),
            )
            for p in paid
            if p.kind == PaymentKind.REFUND
            and p.status == PaymentStatus.SUCCEEDED
            and p.completed_at is not None
        ]
        trail.sort(key=lambda t: t.at)  # stable: a status change before the action noting it
        return [TrailShown(order.number, order.status, tuple(trail))]
