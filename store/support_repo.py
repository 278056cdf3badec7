"""Support tickets (``domain.support``): the messages' text encrypted; each SLA alert claimed
by a conditional UPDATE so several sweeping processes alert once."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.support import Sender, Ticket, TicketMessage, TicketStatus
from store.crypto import PiiCipher
from store.tables import SupportTicketRow, TicketMessageRow

TEXT = "ticket.text"
_OPEN = [TicketStatus.OPEN.value, TicketStatus.TAKEN.value]


class TicketRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    async def add(self, ticket: Ticket) -> Ticket:
        row = SupportTicketRow(
            customer_id=ticket.customer_id,
            channel=ticket.channel,
            status=ticket.status.value,
            created_at=ticket.created_at,
        )
        self._s.add(row)
        await self._s.flush()
        ticket.id = row.id
        return ticket

    async def get(self, ticket_id: int, *, lock: bool = False) -> Ticket | None:
        query = select(SupportTicketRow).where(SupportTicketRow.id == ticket_id)
        if lock:
            query = query.with_for_update()
        row = (await self._s.exec(query)).first()
        return None if row is None else await self._ticket(row)

    async def open_for(self, customer_id: int) -> Ticket | None:
        """The customer's open ticket (the newest), if any."""
        row = (
            await self._s.exec(
                select(SupportTicketRow)
                .where(
                    SupportTicketRow.customer_id == customer_id,
                    col(SupportTicketRow.status).in_(_OPEN),
                )
                .order_by(col(SupportTicketRow.id).desc())
                .limit(1)
                .with_for_update()
            )
        ).first()
        return None if row is None else await self._ticket(row)

    async def last_closed_for(self, customer_id: int) -> Ticket | None:
        """The customer's latest closed ticket not rated yet."""
        row = (
            await self._s.exec(
                select(SupportTicketRow)
                .where(
                    SupportTicketRow.customer_id == customer_id,
                    SupportTicketRow.status == TicketStatus.CLOSED.value,
                    col(SupportTicketRow.rating).is_(None),
                )
                .order_by(col(SupportTicketRow.id).desc())
                .limit(1)
            )
        ).first()
        return None if row is None else await self._ticket(row)

    async def open_tickets(self, limit: int = 200) -> list[Ticket]:
        """Open and taken tickets, oldest first (without their messages)."""
        rows = await self._s.exec(
            select(SupportTicketRow)
            .where(col(SupportTicketRow.status).in_(_OPEN))
            .order_by(col(SupportTicketRow.created_at), col(SupportTicketRow.id))
            .limit(limit)
        )
        return [_bare(r) for r in rows.all()]

    async def add_message(self, ticket_id: int, message: TicketMessage) -> None:
        self._s.add(
            TicketMessageRow(
                ticket_id=ticket_id,
                at=message.at,
                sender=message.sender.value,
                by=message.by,
                text_enc=self._c.encrypt(TEXT, message.text),
                photo=message.photo,
            )
        )
        await self._s.flush()

    async def save(self, ticket: Ticket) -> None:
        await self._s.exec(
            update(SupportTicketRow)
            .where(col(SupportTicketRow.id) == ticket.id)
            .values(
                status=ticket.status.value,
                taken_by=ticket.taken_by,
                first_response_at=ticket.first_response_at,
                closed_at=ticket.closed_at,
                closed_by=ticket.closed_by,
                rating=ticket.rating,
            )
        )

    async def claim_alert(self, ticket: Ticket, level: int) -> bool:
        """Move an unanswered open ticket to SLA step ``level``, only if no one else did."""
        result = await self._s.exec(
            update(SupportTicketRow)
            .where(
                col(SupportTicketRow.id) == ticket.id,
                col(SupportTicketRow.status).in_(_OPEN),
                col(SupportTicketRow.first_response_at).is_(None),
                col(SupportTicketRow.alert_level) < level,
            )
            .values(alert_level=level)
        )
        return bool(result.rowcount == 1)

    async def _ticket(self, row: SupportTicketRow) -> Ticket:
        ticket = _bare(row)
        rows = await self._s.exec(
            select(TicketMessageRow)
            .where(TicketMessageRow.ticket_id == row.id)
            .order_by(col(TicketMessageRow.id))
        )
        ticket.messages = [
            TicketMessage(m.at, Sender(m.sender), self._c.decrypt(TEXT, m.text_enc), m.photo, m.by)
            for m in rows.all()
        ]
        return ticket


def _bare(row: SupportTicketRow) -> Ticket:
    return Ticket(
        customer_id=row.customer_id,
        channel=row.channel,
        created_at=row.created_at,
        id=row.id,
        status=TicketStatus(row.status),
        taken_by=row.taken_by,
        first_response_at=row.first_response_at,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        alert_level=row.alert_level,
        rating=row.rating,
    )
