"""An emergency raised in chat (紧急 / SOS): ops (owner and ops admins) are told at once —
who raised it, their number, the order they are on with its full address, where the worker
last was, and the other person's number — and it is written to the audit log. Phones and the
address are shown in full here on purpose: it is the one message whose reader must be able to
call and go there now."""

from __future__ import annotations

from typing import Any

from conversations.events import Result
from conversations.services.deps import Deps
from conversations.services.notices import to_admins
from domain import commands as c
from domain.audit import AuditEntry
from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.ports import UnitOfWork

UNDER_WAY = (
    OrderStatus.IN_SERVICE,
    OrderStatus.ARRIVED,
    OrderStatus.ON_THE_WAY,
    OrderStatus.ACCEPTED,
)
"""Orders an emergency is about, most likely first (the visit going on)."""


class SosDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.RaiseSos: self.raise_sos}

    async def raise_sos(self, cmd: c.RaiseSos) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            order = await _order_of(uow, cmd)
            facts = await _facts(uow, cmd, order)
            await uow.audit.append(
                AuditEntry(
                    now,
                    f"{cmd.channel}:{cmd.user_id}",
                    "sos",
                    f"order:{order.number}" if order else f"{cmd.channel}:{cmd.user_id}",
                    "worker" if cmd.worker_id is not None else "customer",
                    {},
                    {"order": order.number if order else None},
                )
            )
            posted = await self.s.post(uow, [to_admins("sos_admin", **facts)])
            await uow.commit()
        await self.s.flush(posted)
        return []


async def _order_of(uow: UnitOfWork, cmd: c.RaiseSos) -> Order | None:
    """The order the person is on: the visit going on, else the next one taken."""
    if cmd.worker_id is not None:
        mine = await uow.orders.for_worker(cmd.worker_id, UNDER_WAY, limit=20)
    elif cmd.customer_id is not None:
        recent = await uow.orders.for_customer(cmd.customer_id, limit=20)
        mine = [o for o in recent if o.status in UNDER_WAY]
    else:
        return None
    return min(mine, key=lambda o: (UNDER_WAY.index(o.status), o.start_at), default=None)


async def _facts(uow: UnitOfWork, cmd: c.RaiseSos, order: Order | None) -> dict[str, Any]:
    customer = await uow.customers.get(cmd.customer_id) if cmd.customer_id else None
    worker = await uow.workers.get(cmd.worker_id) if cmd.worker_id else None
    if order is not None:
        customer = customer or await uow.customers.get(order.customer_id)
        if worker is None and order.worker_id is not None:
            worker = await uow.workers.get(order.worker_id)
    address = await uow.addresses.get(order.address_id) if order and order.address_id else None
    where = order.checkin if order and order.checkin else address.location if address else None
    return {
        "who": "worker" if cmd.worker_id is not None else "customer",
        "channel": cmd.channel,
        "number": order.number if order else 0,
        "address": address.text if address else "",
        "where": f"{where.lat:.5f},{where.lon:.5f}" if where else "",
        "customer": customer.name if customer else "",
        "customer_phone": (address.phone if address and address.phone else "")
        or (customer.phone if customer else ""),
        "worker": worker.name if worker else "",
        "worker_phone": worker.phone if worker else "",
    }
