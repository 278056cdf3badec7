"""The masked relay chat, both sides and the admins': a customer or a worker opens it on an
order and writes (text, a photo, a location), which reaches the other side in their own
channel through the outbox, tagged with the order number ("#240117 师傅:…"), phone numbers
masked and no account shown; an admin reads an order's relay (``/relay #N``), audited. Each in
one unit of work. A worker's plain text at their menu answers the customer who wrote to
them lately (``reply``; which customers: ``views.worker.reply_targets``)."""

from __future__ import annotations

from typing import Any

from conversations.events import Result
from conversations.results.relay import (
    CustomerReplied,
    RelayLine,
    RelayOpened,
    RelaySent,
    RelayShown,
)
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_customer, to_worker
from conversations.services.staff import authorize
from domain import commands as c
from domain import relay
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.orders import Order
from domain.ports import Reads, UnitOfWork
from domain.privacy import mask_phones
from domain.relay import RelayMessage, Side
from domain.text import N_

Asker = c.OpenRelay | c.SendRelay


class RelayDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.OpenRelay: self.open,
            c.SendRelay: self.send,
            c.ReplyToCustomer: self.reply,
            c.ShowRelay: self.show,
        }

    async def _order(self, uow: UnitOfWork, cmd: Asker) -> tuple[Order, Side]:
        """The order the person writes about, and their side of it, if its relay is open."""
        hours = self.s.rules.execution.relay_open_hours_after_end
        now = self.s.clock()
        if cmd.number is not None:
            order = await uow.orders.by_number(cmd.number)
            if order is None:
                raise DomainError(N_("没有找到订单 #{number}。", number=cmd.number))
            side = relay.side_of(order, cmd.customer_id, cmd.worker_id)
            relay.check_open(order, now, hours)
            return order, side
        for order in await _candidates(uow, cmd):
            full = await uow.orders.by_number(order.number)
            if full is None:
                continue
            try:
                relay.check_open(full, now, hours)
            except DomainError:
                continue
            return full, relay.side_of(full, cmd.customer_id, cmd.worker_id)
        raise DomainError(N_("您没有可以联系对方的订单(师傅接单后才能联系)。"))

    async def open(self, cmd: c.OpenRelay) -> list[Result]:
        async with self.s.uow() as uow:
            order, side = await self._order(uow, cmd)
        return [RelayOpened(order.number, side.value)]

    async def send(self, cmd: c.SendRelay) -> list[Result]:
        order, side, _ = await self._deliver(cmd)
        return [RelaySent(order.number, side.value)]

    async def reply(self, cmd: c.ReplyToCustomer) -> list[Result]:
        """A worker's plain text at their menu, to the customer of their job who wrote
        lately: relayed as any text of the chat is (``_deliver``: the relay open, the order
        theirs, phone numbers masked, the message kept for ``/relay``, sent through the
        outbox); the customer named to the worker as they booked."""
        asked = c.SendRelay("", "", None, cmd.worker_id, cmd.number, cmd.text)
        order, _, name = await self._deliver(asked, named=True)
        return [CustomerReplied(order.number, name)]

    async def _deliver(self, cmd: c.SendRelay, named: bool = False) -> tuple[Order, Side, str]:
        """Relay the message; the order, the sender's side and (``named``) the name the
        other side booked under."""
        now = self.s.clock()
        async with self.s.uow() as uow:  # refused before a photo is fetched
            order, side = await self._order(uow, cmd)
        photo = ""
        if cmd.photo_ref:
            data, _, ext = await self.s.fetch_photo(cmd.channel, cmd.photo_ref)
            assert self.s.media is not None
            photo = self.s.media.save(f"relay/{order.number}", data, ext, now)
        message = RelayMessage(
            order.id or 0,
            now,
            side,
            mask_phones(cmd.text),
            photo,
            cmd.lat,
            cmd.lon,
            mask_phones(cmd.label),
        )
        async with self.s.uow() as uow:
            order, side = await self._order(uow, cmd)
            await uow.relay.add(message)
            posted = await self.s.post(uow, [self._notice(order, message)])
            name = await booking_name(uow, order) if named else ""
            await uow.commit()
        await self.s.flush(posted)
        return order, side, name

    def _notice(self, order: Order, m: RelayMessage) -> Notice:
        data = {
            "number": order.number,
            "sender": m.sender.value,
            "text": m.text,
            "photos": [self.s.media_url(m.photo)] if m.photo else [],
            "where": _where(m),
        }
        if m.sender == Side.CUSTOMER:
            return to_worker(order.worker_id or 0, "relay_message", **data)
        return to_customer(order.customer_id, "relay_message", **data)

    async def show(self, cmd: c.ShowRelay) -> list[Result]:
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "relay", cmd.admin)
            order = await uow.orders.by_number(cmd.number, full=False, timeline=False)
            if order is None or order.id is None:
                raise DomainError(N_("没有找到订单 #{number}。", number=cmd.number))
            messages = await uow.relay.for_order(order.id)
            await uow.audit.append(
                AuditEntry(
                    self.s.clock(),
                    cmd.admin,
                    "relay_read",
                    f"order:{order.number}",
                    role,
                    {},
                    {"messages": len(messages)},
                )
            )
            await uow.commit()
        lines = tuple(
            RelayLine(
                m.at,
                m.sender.value,
                m.text,
                self.s.media_url(m.photo) if m.photo else "",
                _where(m),
            )
            for m in messages
        )
        return [RelayShown(order.number, lines)]


async def _candidates(uow: UnitOfWork, cmd: Asker) -> list[Order]:
    """The person's orders a relay may be open on, most likely first: a worker's jobs under
    way; a customer's recent orders that a worker took (the live ones first)."""
    if cmd.worker_id is not None:
        mine = await uow.orders.for_worker(cmd.worker_id, sorted(relay.LIVE), limit=20)
        if mine:
            return mine
    if cmd.customer_id is None:
        return []
    recent = await uow.orders.for_customer(cmd.customer_id, limit=20)
    taken = [o for o in recent if o.worker_id is not None]
    return sorted(taken, key=lambda o: o.status not in relay.LIVE)


NAME_SHOWN = 20
"""The most characters of a customer's name a worker is shown."""


async def booking_name(uow: Reads, order: Order) -> str:
    """The name the order was booked under, as the worker may be told it (the address's
    contact, else the customer's own; "" when none was given): never an id of ours."""
    address = await uow.addresses.get(order.address_id) if order.address_id else None
    if address is not None and address.contact_name.strip():
        return address.contact_name.strip()[:NAME_SHOWN]
    customer = await uow.customers.get(order.customer_id)
    return customer.name.strip()[:NAME_SHOWN] if customer is not None else ""


def _where(m: RelayMessage) -> str:
    if m.lat is None or m.lon is None:
        return ""
    return f"{m.lat:.5f},{m.lon:.5f}" + (f" {m.label}" if m.label else "")
