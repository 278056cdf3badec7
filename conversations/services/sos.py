"""An emergency raised in chat (紧急 / SOS): ops (owner and ops admins) are told at once —
who raised it, their number, the order they are on with its full address, where the worker
last was, the other person's number and the emergency contact the person gave in 我的 — and
it is written to the audit log. Phones and the address are shown in full here on purpose: it
is the one message whose reader must be able to call and go there now.

The emergency contact is told too, by SMS through the outbox (channel ``sms``, addressed by
the SOS and the person, never by the number: an outage delays it, never loses it, and the
provider sends it once per SOS, ``domain.emergency.sms_key``)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.emergency import EmergencyContactSaved
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_admins
from domain import commands as c
from domain.audit import AuditEntry
from domain.emergency import EmergencyContact, Holder, check_contact, sms_recipient
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.text import N_

UNDER_WAY = (
    OrderStatus.IN_SERVICE,
    OrderStatus.ARRIVED,
    OrderStatus.ON_THE_WAY,
    OrderStatus.ACCEPTED,
)
"""Orders an emergency is about, most likely first (the visit going on)."""
SMS = "sms"
"""The outbox's channel for text messages (``webhooks.sms``)."""


class SosDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.RaiseSos: self.raise_sos, c.SetEmergencyContact: self.set_contact}

    async def set_contact(self, cmd: c.SetEmergencyContact) -> list[Result]:
        """Keep the contact (encrypted); the audit log says it was set, never what it is."""
        holder = Holder(cmd.holder)
        contact = EmergencyContact(cmd.name, cmd.phone, cmd.relation)
        async with self.s.uow() as uow:
            people = uow.workers if holder == Holder.WORKER else uow.customers
            person = await people.get(cmd.holder_id)
            if person is None:
                raise DomainError(N_("找不到您的账户,请发送 /start 重新开始。"))
            check_contact(contact, person.phone)
            await uow.emergency_contacts.save(holder, cmd.holder_id, contact, self.s.clock())
            await uow.audit.append(
                AuditEntry(
                    self.s.clock(),
                    cmd.actor,
                    "emergency_contact",
                    f"{holder.value}:{cmd.holder_id}",
                    holder.value,
                    {},
                    {"fields": ["name", "phone", "relation"]},
                )
            )
            await uow.commit()
        return [EmergencyContactSaved(contact.name, contact.masked_phone, contact.relation)]

    async def raise_sos(self, cmd: c.RaiseSos) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            order, side = await _order_of(uow, cmd)
            facts = await _facts(uow, cmd, order, side)
            holder, contact = await _contact_of(uow, cmd, side)
            actor = f"{cmd.channel}:{cmd.user_id}"
            every = self.s.rules.risk.sos_sms_every_minutes
            texting = (
                bool(holder and contact)
                and self.s.sms  # no provider: the SMS would only wait in the outbox
                and not await _texted_lately(uow, actor, now, every)
            )
            facts |= _contact_facts(contact) | {"contact_texted": texting, "sms": self.s.sms}
            sos_id = await uow.audit.append(
                AuditEntry(
                    now,
                    actor,
                    "sos",
                    f"order:{order.number}" if order else actor,
                    side.value,
                    {},
                    {"order": order.number if order else None, "contact_told": texting},
                )
            )
            posted = await self.s.post(uow, [to_admins("sos_admin", **facts)])
            if holder and texting:
                posted += await self._tell_contact(uow, sos_id, holder, facts)
            await uow.commit()
        await self.s.flush(posted)
        return []

    async def _tell_contact(
        self, uow: UnitOfWork, sos_id: int, holder: tuple[Holder, int], facts: dict[str, Any]
    ) -> list[OutboxMessage]:
        kind, holder_id = holder
        person = await (uow.workers if kind == Holder.WORKER else uow.customers).get(holder_id)
        data = {"name": person.name if person else "", "number": facts["number"]}
        notice = Notice(kind.value, holder_id, "sos_contact", data)
        lang = person.lang if person else "zh"
        token = secrets.token_hex(6)  # the SMS's key, unique beyond this database
        to = [(SMS, sms_recipient(sos_id, kind, holder_id, token), lang)]
        return await self.s.postman.post_to(uow, notice, to, lease=True)


async def _contact_of(
    uow: UnitOfWork, cmd: c.RaiseSos, side: Holder
) -> tuple[tuple[Holder, int] | None, EmergencyContact | None]:
    """Whose emergency contact is told, and it: the one given on the ``side`` the person is
    on (a worker's for a worker at a job), else (a worker who is also a customer gave one on
    the other side only) the other one."""
    holders = [(Holder.WORKER, cmd.worker_id), (Holder.CUSTOMER, cmd.customer_id)]
    if side == Holder.CUSTOMER:
        holders.reverse()
    for kind, holder_id in holders:
        if holder_id is not None:
            contact = await uow.emergency_contacts.get(kind, holder_id)
            if contact is not None:
                return (kind, holder_id), contact
    return None, None


async def _texted_lately(uow: UnitOfWork, actor: str, now: datetime, minutes: int) -> bool:
    """Whether this person's contact was texted within ``risk.sos_sms_every_minutes``: a
    repeated SOS (panic, or someone pumping SMS at the operator's cost) alerts ops again
    without a new SMS."""
    recent = await uow.audit.of_actor(actor, "sos", now - timedelta(minutes=minutes))
    return any(entry.after.get("contact_told") for entry in recent)


def _contact_facts(contact: EmergencyContact | None) -> dict[str, Any]:
    return {
        "contact": contact.name if contact else "",
        "contact_relation": contact.relation if contact else "",
        "contact_phone": contact.phone if contact else "",
    }


async def _order_of(uow: UnitOfWork, cmd: c.RaiseSos) -> tuple[Order | None, Holder]:
    """The order the person is on — the visit going on, else the next one taken — and on
    which side: a worker who is also a customer may be at a job, or at home with a visit of
    their own going on. Without an order, a worker is taken to raise it as a worker."""
    mine: list[tuple[Order, Holder]] = []
    if cmd.worker_id is not None:
        jobs = await uow.orders.for_worker(cmd.worker_id, UNDER_WAY, limit=20)
        mine += [(o, Holder.WORKER) for o in jobs]
    if cmd.customer_id is not None:
        recent = await uow.orders.for_customer(cmd.customer_id, limit=20)
        mine += [(o, Holder.CUSTOMER) for o in recent if o.status in UNDER_WAY]
    if not mine:
        return None, Holder.WORKER if cmd.worker_id is not None else Holder.CUSTOMER
    return min(
        mine, key=lambda x: (UNDER_WAY.index(x[0].status), x[0].start_at, x[1] != Holder.WORKER)
    )


async def _facts(
    uow: UnitOfWork, cmd: c.RaiseSos, order: Order | None, side: Holder
) -> dict[str, Any]:
    """Both people of the order (the one who raised it on their ``side``), or the person."""
    own_customer = cmd.customer_id if side == Holder.CUSTOMER or order is None else None
    own_worker = cmd.worker_id if side == Holder.WORKER or order is None else None
    customer_id = own_customer or (order.customer_id if order is not None else None)
    worker_id = own_worker or (order.worker_id if order is not None else None)
    customer = await uow.customers.get(customer_id) if customer_id else None
    worker = await uow.workers.get(worker_id) if worker_id else None
    address = await uow.addresses.get(order.address_id) if order and order.address_id else None
    at_door = order is not None and order.checkin is not None
    where = order.checkin if order and order.checkin else address.location if address else None
    return {
        "who": side.value,
        "channel": cmd.channel,
        "number": order.number if order else 0,
        "address": address.text if address else "",
        "where": f"{where.lat:.5f},{where.lon:.5f}" if where else "",
        # whence the point: the worker's check-in, else the address's, exact (a shared
        # location) or an estimate within so many metres (a district's centre, say)
        "checked_in": at_door,
        "where_error_m": 0 if at_door or address is None else address.uncertainty_m,
        "customer": customer.name if customer else "",
        "customer_phone": (address.phone if address and address.phone else "")
        or (customer.phone if customer else ""),
        "worker": worker.name if worker else "",
        "worker_phone": worker.phone if worker else "",
    }
