"""Support tickets, both sides: the customer writes (which opens a ticket, or adds to the
open one), ends and rates it; support lists (``/tickets``), takes, replies and closes; the
sweep re-alerts support about unanswered tickets once per SLA step. Each in one unit of work,
messages through the outbox (the customer's in their own channel)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conversations.events import Result
from conversations.results.booking import SupportMessageSent
from conversations.results.support import (
    Staff,
    TicketClosedMeanwhile,
    TicketEnded,
    TicketEntry,
    TicketHandled,
    TicketLine,
    TicketRated,
    TicketShown,
    TicketsListed,
)
from conversations.results.sweeps import TicketsChased
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_admins, to_customer
from conversations.services.staff import authorize
from domain import commands as c
from domain import support
from domain.audit import contact_read
from domain.errors import DomainError
from domain.ports import UnitOfWork
from domain.support import Ticket
from domain.text import N_

SUPPORT_ROLES = ("ops", "support")
"""Who is told about tickets (owners are told everything)."""


def _to_rate(ticket: Ticket, customer_id: int) -> bool:
    """The customer's own ticket, closed and not rated yet."""
    return ticket.customer_id == customer_id and not ticket.open and ticket.rating is None


class SupportDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.ContactSupport: self.write,
            c.EndTicket: self.end,
            c.RateTicket: self.rate,
            c.ListTickets: self.queue,
            c.ShowTicket: self.show,
            c.TakeTicket: self.take,
            c.ReplyTicket: self.reply,
            c.CloseTicket: self.close,
            c.TicketSweep: self.sweep,
        }

    async def _done(self, uow: UnitOfWork, notices: list[Notice]) -> None:
        posted = await self.s.post(uow, notices)
        await uow.commit()
        await self.s.flush(posted)

    async def write(self, cmd: c.ContactSupport) -> list[Result]:
        """The customer's message: on their open ticket, or on a new one — unless support
        closed the one they were chatting on (``cmd.ticket_id``, or back via "回复客服"
        their latest one: ``cmd.replying``): then its rating is asked."""
        now = self.s.clock()
        fetched = None
        if cmd.photo_ref:
            fetched = await self.s.fetch_photo(cmd.channel, cmd.photo_ref)
        async with self.s.uow() as uow:
            ticket = await uow.tickets.open_for(cmd.customer_id)
            if cmd.ticket_id is not None and (ticket is None or ticket.id != cmd.ticket_id):
                chatted = await uow.tickets.get(cmd.ticket_id)
                if chatted is not None and _to_rate(chatted, cmd.customer_id):
                    return [TicketClosedMeanwhile(cmd.ticket_id, cmd.text)]
            elif ticket is None and cmd.replying:
                closed = await uow.tickets.last_closed_for(cmd.customer_id)
                if closed is not None and closed.id is not None:
                    return [TicketClosedMeanwhile(closed.id, cmd.text)]
            photo = ""
            if fetched is not None:
                data, _, ext = fetched
                assert self.s.media is not None
                photo = self.s.media.save(f"tickets/{cmd.customer_id}", data, ext, now)
            opened = ticket is None
            if ticket is None:
                ticket = await uow.tickets.add(Ticket(cmd.customer_id, cmd.channel, now))
            assert ticket.id is not None
            message = support.customer_writes(ticket, cmd.customer_id, now, cmd.text, photo)
            await uow.tickets.add_message(ticket.id, message)
            notice = to_admins(
                "support_message_admin",
                *SUPPORT_ROLES,
                ticket=ticket.ref,
                customer_id=cmd.customer_id,
                channel=cmd.channel,
                text=cmd.text,
                photos=[self.s.media_url(photo)] if photo else [],
                opened=opened,
            )
            await self._done(uow, [notice])
        return [SupportMessageSent(ticket.id, opened)]

    async def end(self, cmd: c.EndTicket) -> list[Result]:
        async with self.s.uow() as uow:
            ticket = await uow.tickets.open_for(cmd.customer_id)
            if ticket is None:
                raise DomainError(N_("您没有进行中的咨询。"))
            support.close(ticket, "customer", self.s.clock())
            await uow.tickets.save(ticket)
            notice = to_admins(
                "ticket_ended_admin",
                *SUPPORT_ROLES,
                ticket=ticket.ref,
                customer_id=ticket.customer_id,
            )
            await self._done(uow, [notice])
        return [TicketEnded(ticket.id or 0)]

    async def rate(self, cmd: c.RateTicket) -> list[Result]:
        async with self.s.uow() as uow:
            if cmd.ticket_id is None:
                ticket = await uow.tickets.last_closed_for(cmd.customer_id)
            else:
                ticket = await uow.tickets.get(cmd.ticket_id, lock=True)
            if ticket is None or ticket.customer_id != cmd.customer_id:
                raise DomainError(N_("没有需要评分的咨询。"))
            support.rate(ticket, cmd.customer_id, cmd.stars)
            await uow.tickets.save(ticket)
            await uow.commit()
        return [TicketRated(ticket.id or 0, cmd.stars)]

    async def queue(self, cmd: c.ListTickets) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            await authorize(self.s, uow, "tickets", cmd.admin)
            tickets = support.queue_order(await uow.tickets.open_tickets())
            staff = await self._staff(uow, [t.taken_by for t in tickets])
        return [
            TicketsListed(
                tuple(
                    TicketLine(
                        t.id or 0,
                        t.customer_id,
                        t.channel,
                        t.status.value,
                        staff.get(t.taken_by),
                        int((now - t.created_at).total_seconds()) // 60,
                        support.waited_minutes(t, now),
                        t.first_response_at is not None,
                    )
                    for t in tickets
                )
            )
        ]

    async def _staff(self, uow: UnitOfWork, admins: Iterable[str]) -> dict[str, Staff]:
        """Each admin (``channel:user_id``) as a screen names them: role and channel."""
        out: dict[str, Staff] = {}
        for admin in admins:
            if admin and admin not in out:
                channel, _, user_id = admin.partition(":")
                role = await self.s.admins.role_in(uow, channel, user_id)
                out[admin] = Staff(role, channel)
        return out

    async def _ticket(self, uow: UnitOfWork, ticket_id: int) -> Ticket:
        ticket = await uow.tickets.get(ticket_id, lock=True)
        if ticket is None:
            raise DomainError(N_("没有工单 {ref}", ref=support.ref(ticket_id)))
        return ticket

    async def show(self, cmd: c.ShowTicket) -> list[Result]:
        """``/ticket T12``: what the customer wrote and support answered, oldest first (the
        read is audited: which ticket, never what it says)."""
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "ticket", cmd.admin)
            ticket = await uow.tickets.get(cmd.ticket_id)
            if ticket is None:
                raise DomainError(N_("没有工单 {ref}", ref=support.ref(cmd.ticket_id)))
            entry = contact_read(
                self.s.clock(), cmd.admin, role, "view_ticket", f"ticket:{ticket.ref}", ["text"]
            )
            await uow.audit.append(entry)
            staff = await self._staff(uow, [ticket.taken_by, *(m.by for m in ticket.messages)])
            await uow.commit()
        entries = tuple(
            TicketEntry(
                m.at,
                m.sender == support.Sender.CUSTOMER,
                None if m.sender == support.Sender.CUSTOMER else staff.get(m.by),
                m.text,
                self.s.media_url(m.photo) if m.photo else "",
            )
            for m in ticket.messages
        )
        return [
            TicketShown(
                cmd.ticket_id,
                ticket.customer_id,
                ticket.channel,
                ticket.status.value,
                staff.get(ticket.taken_by),
                ticket.created_at,
                ticket.rating,
                entries,
            )
        ]

    async def take(self, cmd: c.TakeTicket) -> list[Result]:
        async with self.s.uow() as uow:
            await authorize(self.s, uow, "take", cmd.admin)
            ticket = await self._ticket(uow, cmd.ticket_id)
            support.take(ticket, cmd.admin)
            await uow.tickets.save(ticket)
            await uow.commit()
        return [TicketHandled(cmd.ticket_id, "take")]

    async def reply(self, cmd: c.ReplyTicket) -> list[Result]:
        async with self.s.uow() as uow:
            await authorize(self.s, uow, "reply", cmd.admin)
            ticket = await self._ticket(uow, cmd.ticket_id)
            message = support.reply(ticket, cmd.admin, cmd.text, self.s.clock())
            await uow.tickets.add_message(cmd.ticket_id, message)
            await uow.tickets.save(ticket)
            notice = to_customer(
                ticket.customer_id, "ticket_reply", ticket=ticket.ref, text=cmd.text
            )
            await self._done(uow, [notice])
        return [TicketHandled(cmd.ticket_id, "reply")]

    async def close(self, cmd: c.CloseTicket) -> list[Result]:
        async with self.s.uow() as uow:
            await authorize(self.s, uow, "close", cmd.admin)
            ticket = await self._ticket(uow, cmd.ticket_id)
            support.close(ticket, cmd.admin, self.s.clock())
            await uow.tickets.save(ticket)
            notice = to_customer(
                ticket.customer_id, "ticket_closed", ticket=ticket.ref, id=cmd.ticket_id
            )
            await self._done(uow, [notice])
        return [TicketHandled(cmd.ticket_id, "close")]

    async def sweep(self, cmd: c.TicketSweep) -> list[Result]:
        now = self.s.clock()
        rules = self.s.rules.after_sales
        async with self.s.uow() as uow:
            tickets = await uow.tickets.open_tickets(limit=500)
        alerts = 0
        for ticket in tickets:
            level = support.alert_due(ticket, now, rules)
            if level is None:
                continue
            async with self.s.uow() as uow:
                if not await uow.tickets.claim_alert(ticket, level):
                    continue
                notice = to_admins(
                    "ticket_waiting_admin",
                    *SUPPORT_ROLES,
                    ticket=ticket.ref,
                    customer_id=ticket.customer_id,
                    minutes=support.waited_minutes(ticket, now),
                )
                await self._done(uow, [notice])
                alerts += 1
        return [TicketsChased(len(tickets), alerts)]
