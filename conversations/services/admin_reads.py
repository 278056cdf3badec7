"""Service handlers of the admins' reading commands: ``/stats``, ``/orders``, ``/order`` and
``/audit`` (the order commands that change something: ``admin_orders``).

Each checks the admin's role again in its own transaction (``admins.authorize``: the chat's
cached role may be seconds old), and shows each role only what it may see.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from conversations.events import Loaded, Result
from conversations.services import order_steps
from conversations.services.deps import Deps
from conversations.services.staff import authorize
from domain import commands as c
from domain.admin import SEES_ADDRESS, SEES_MONEY, SEES_PHONE
from domain.audit import contact_read
from domain.errors import DomainError
from domain.orders import Order
from domain.oversight import OrderBrief, TrailEntry
from domain.payments import PaymentKind, PaymentStatus
from domain.ports import UnitOfWork
from domain.privacy import mask_address, mask_phone

PERIOD_DAYS = {"today": 1, "week": 7, "month": 30}
MONEY_KEYS = frozenset({"amount", "fee", "refund", "paid", "refunded", "unit_price"})


def _shown(values: dict[str, object], money: bool) -> dict[str, object]:
    """An audit entry's values as a role may see them (support sees no amounts)."""
    return dict(values) if money else {k: v for k, v in values.items() if k not in MONEY_KEYS}


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

    def _local(self, at: datetime, fmt: str = "%m-%d %H:%M") -> str:
        return f"{at.astimezone(self.s.tz):{fmt}}"

    async def stats(self, cmd: c.ShowStats) -> list[Result]:
        now = self.s.clock()
        today = now.astimezone(self.s.tz).date()
        first = today - timedelta(days=PERIOD_DAYS[cmd.period] - 1)
        start = datetime.combine(first, time(), tzinfo=self.s.tz)
        end = datetime.combine(today + timedelta(days=1), time(), tzinfo=self.s.tz)
        async with self.s.uow() as uow:
            await authorize(self.s, uow, "stats", cmd.admin)
            st = await uow.admin_reports.stats(start, end)
        figures = ("by_status", "booked", "gmv_cents", "completed", "cancelled", "complaints")
        data: dict[str, Any] = {k: getattr(st, k) for k in (*figures, "new_customers")}
        data.update(
            period=cmd.period,
            first=first.isoformat(),
            last=today.isoformat(),
            accepted=len(st.accept_seconds),
            accept_s=st.average_accept_seconds,
        )
        return [Loaded("stats", data)]

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
        why: dict[int, list[str]] = {}
        for f in flags:
            why.setdefault(f.number, []).append(f.why.value)
        return [
            Loaded(
                "order_list",
                {
                    "stuck_only": cmd.stuck_only,
                    "statuses": list(cmd.statuses),
                    "day": cmd.day or ("" if cmd.statuses or cmd.stuck_only else "today"),
                    "total": total,
                    "money": role in SEES_MONEY,
                    "orders": [
                        {
                            "number": o.number,
                            "status": o.status,
                            "item": self._item(o.item_id),
                            "when": self._local(o.start_at),
                            "district": o.district,
                            "worker": o.worker,
                            "total_cents": o.total_cents,
                            "flags": why.get(o.number, []),
                        }
                        for o in listed
                    ],
                    "flags": [
                        {"number": f.number, "why": f.why.value, "since": self._local(f.since)}
                        for f in flags
                    ],
                },
            )
        ]

    def _window(self, cmd: c.ListOrders, now: datetime) -> tuple[datetime | None, datetime | None]:
        """Orders starting on the day asked; today's when neither a day nor a status is."""
        if not cmd.day and cmd.statuses:
            return None, None
        day = date.fromisoformat(cmd.day) if cmd.day else now.astimezone(self.s.tz).date()
        start = datetime.combine(day, time(), tzinfo=self.s.tz)
        return start, start + timedelta(days=1)

    def _item(self, item_id: str) -> dict[str, str]:
        try:
            item = self.s.catalog.item(item_id)
        except DomainError:  # an item since removed from the catalog file
            return {"zh": item_id, "en": item_id}
        return {"zh": item.name.zh, "en": item.name.en}

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
        data: dict[str, Any] = {
            "number": order.number,
            "status": order.status.value,
            "item": self._item(order.item_id),
            "when": self._local(order.start_at),
            "created": self._local(order.created_at),
            "channel": order.channel,
            "customer": {
                "id": order.customer_id,
                "name": customer.name if customer else "",
                "phone": phone if role in SEES_PHONE else mask_phone(phone),
            },
            "address": where,
            "worker": {
                "id": worker.id,
                "name": worker.name,
                "phone": worker.phone if role in SEES_PHONE else mask_phone(worker.phone),
            }
            if worker
            else None,
            "late_minutes": order.late_minutes,
            "note": order.dispatch_note,
            "photos": kinds,
            "complaints": [
                {
                    "id": x.id,
                    "category": str(x.category),
                    "status": str(x.status),
                    "at": self._local(x.created_at),
                }
                for x in complaints
            ],
            "timeline": [
                {"at": self._local(e.at), "status": e.to_status.value, "actor": str(e.actor)}
                for e in order.timeline
                if e.from_status != e.to_status
            ],
            "money": None,
        }
        if role in SEES_MONEY:
            data["money"] = {
                "total": order.total_cents,
                "paid": order.paid_cents,
                "refunded": order.refunded_cents,
                "pending_refunds": pending,
                "coupon": order.coupon_code or "",
                "payments": [
                    {
                        "kind": p.kind.value,
                        "provider": p.provider,
                        "amount": p.amount_cents,
                        "status": p.status.value,
                    }
                    for p in paid
                ],
            }
        return [Loaded("order_detail", data)]

    async def show_worker(self, cmd: c.ShowWorker) -> list[Result]:
        """``/worker ID``: the worker with their phone and documents (the read is audited)."""
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "worker", cmd.admin)
            worker = await uow.workers.get(cmd.worker_id)
            if worker is None:
                raise DomainError(f"没有 ID 为 {cmd.worker_id} 的师傅 / no worker {cmd.worker_id}")
            documents = [
                {
                    "kind": d.kind,
                    "url": self.s.media_url(d.file_ref),
                    "expires_on": d.expires_on.isoformat() if d.expires_on else "",
                }
                for d in worker.certificates
                if d.file_ref
            ]
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
            Loaded(
                "worker",
                {
                    "id": worker.id,
                    "name": worker.name,
                    "phone": worker.phone,
                    "status": worker.status.value,
                    "skills": list(worker.skills),
                    "districts": list(worker.area.districts),
                    "radius_m": worker.area.radius_m,
                    "level": worker.level.value,
                    "note": worker.review_note,
                    "documents": documents,
                },
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
                e.to_status.value
                if e.from_status != e.to_status
                else (e.action.value if e.action else ""),
                {"from": e.from_status.value if e.from_status else "", "note": e.note}
                if e.from_status != e.to_status
                else {"note": e.note},
            )
            for e in order.timeline
        ]
        money = role in SEES_MONEY
        trail += [
            TrailEntry(
                a.at,
                a.actor,
                a.action,
                {"before": _shown(a.before, money), "after": _shown(a.after, money)},
                a.role,
            )
            for a in actions
        ]
        trail += [
            TrailEntry(
                p.completed_at,
                f"system:{p.provider}",
                "refund_paid",
                {"after": _shown({"amount": p.amount_cents}, money)},
            )
            for p in paid
            if p.kind == PaymentKind.REFUND
            and p.status == PaymentStatus.SUCCEEDED
            and p.completed_at is not None
        ]
        trail.sort(key=lambda t: t.at)  # stable: a status change before the action noting it
        return [
            Loaded(
                "audit",
                {
                    "number": order.number,
                    "status": order.status.value,
                    "entries": [
                        {
                            "at": self._local(t.at),
                            "actor": t.actor,
                            "role": t.role,
                            "what": t.what,
                            "detail": t.detail,
                        }
                        for t in trail
                    ],
                },
            )
        ]
