"""What admins change and read: admins added in chat, catalog price changes, shared rate limits
(the broadcast), and the reports behind ``/stats``, ``/orders`` and the broadcast audience."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from domain.admin import AdminGrant
from domain.lifecycle import OrderStatus
from domain.oversight import Attention, Flag, LoyaltyStats, OrderBrief, PeriodStats, PriceChange
from store import loyalty_reports_repo
from store.prepared import fetch
from store.quality_reports_repo import QualityReports
from store.reports_repo import BOOKED, GMV, SERVED, ReportsRepository, order_lines
from store.tables import (
    AdminRow,
    ComplaintRow,
    CustomerRow,
    IdentityRow,
    OrderEventRow,
    OrderRow,
    PriceChangeRow,
    ThrottleRow,
)

S = OrderStatus
CANCELLED = (S.CANCELLED.value, S.REFUNDED.value)
"""Ended without service: cancelled, or refunded (``SERVED`` tells a job refunded after it was
done, which counts as completed)."""


LANGUAGE_ONLY = ""
"""The role of a row that keeps only an admin's language: one whose role is given elsewhere
(``DAOJIA_ADMINS``, the demo's admin pane). It grants nothing: such an admin dropped from the
configuration is no admin, and ``/admin list|remove`` do not see the row."""


class AdminRepository:
    """Admins added in chat (one row per chat account), and the language of every admin who
    chose one (``LANGUAGE_ONLY`` rows for those whose role is given elsewhere)."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def all(self, *, languages: bool = False) -> list[AdminGrant]:
        """The admins added in chat; ``languages``: with the ``LANGUAGE_ONLY`` rows (role "")."""
        query = select(AdminRow).order_by(col(AdminRow.id))
        if not languages:
            query = query.where(AdminRow.role != LANGUAGE_ONLY)
        rows = await self._s.exec(query)
        return [AdminGrant(r.channel, r.user_id, r.role, r.lang) for r in rows.all()]

    async def get(self, channel: str, user_id: str) -> AdminGrant | None:
        rows = await self._s.exec(
            select(AdminRow).where(AdminRow.channel == channel, AdminRow.user_id == user_id)
        )
        row = rows.first()
        return AdminGrant(row.channel, row.user_id, row.role, row.lang) if row else None

    async def put(self, grant: AdminGrant, by: str, at: datetime) -> None:
        """Add the admin, or change their role."""
        rows = await self._s.exec(
            select(AdminRow).where(
                AdminRow.channel == grant.channel, AdminRow.user_id == grant.user_id
            )
        )
        row = rows.first() or AdminRow(
            channel=grant.channel, user_id=grant.user_id, role=grant.role, added_by=by, added_at=at
        )
        row.role, row.added_by, row.added_at = grant.role, by, at
        self._s.add(row)
        await self._s.flush()

    async def remove(self, channel: str, user_id: str) -> bool:
        result = await self._s.exec(
            delete(AdminRow).where(
                col(AdminRow.channel) == channel,
                col(AdminRow.user_id) == user_id,
                col(AdminRow.role) != LANGUAGE_ONLY,
            )
        )
        return bool(result.rowcount)

    async def set_lang(self, channel: str, user_id: str, lang: str, at: datetime) -> None:
        """The admin speaks ``lang``: their row says so, made (``LANGUAGE_ONLY``) for an
        admin whose role is given elsewhere — one statement either way."""
        assert self._s.bind is not None
        make = sqlite.insert if self._s.bind.dialect.name == "sqlite" else postgresql.insert
        insert = make(AdminRow).values(
            channel=channel,
            user_id=user_id,
            role=LANGUAGE_ONLY,
            added_by="",
            added_at=at,
            lang=lang,
        )
        await self._s.exec(
            insert.on_conflict_do_update(
                index_elements=["channel", "user_id"], set_={"lang": insert.excluded.lang}
            )
        )


_CURRENT_PRICES = select(PriceChangeRow.item_id, PriceChangeRow.new_cents).where(
    col(PriceChangeRow.id).in_(
        select(func.max(PriceChangeRow.id)).group_by(col(PriceChangeRow.item_id)).scalar_subquery()
    )
)  # built once: every quote reads it


class PriceMemory:
    """The current prices as last read, with the number of price changes they include: the
    changes are append-only (a trigger refuses UPDATE and DELETE), so that number names the
    prices exactly. One per ``Database``: every process keeps its own, each in step with the
    database by the number it is given."""

    def __init__(self) -> None:
        self.changes: int | None = None
        self.prices: dict[str, int] = {}


class PriceRepository:
    """The catalog price changes; an item's latest change is its price for new orders."""

    def __init__(self, session: AsyncSession, memory: PriceMemory | None = None) -> None:
        self._s = session
        self._memory = memory

    async def current(self, changes: int | None = None) -> dict[str, int]:
        """The current prices. ``changes``: how many price changes the database holds, read
        in this transaction (``Customers.for_checkout``): the prices are read only when they
        are not those remembered for that number."""
        memory = self._memory
        if memory is not None and changes is not None and memory.changes == changes:
            return dict(memory.prices)
        prices = {item: int(cents) for item, cents in await fetch(self._s, _CURRENT_PRICES)}
        if memory is not None and changes is not None:
            memory.changes, memory.prices = changes, dict(prices)
        return prices

    async def change(self, change: PriceChange) -> None:
        self._s.add(
            PriceChangeRow(
                item_id=change.item_id,
                old_cents=change.old_cents,
                new_cents=change.new_cents,
                changed_by=change.by,
                role=change.role,
                changed_at=change.at,
            )
        )
        await self._s.flush()

    async def history(self, item_id: str, limit: int = 5) -> list[PriceChange]:
        """The item's latest changes, newest first."""
        rows = await self._s.exec(
            select(PriceChangeRow)
            .where(PriceChangeRow.item_id == item_id)
            .order_by(col(PriceChangeRow.id).desc())
            .limit(limit)
        )
        return [
            PriceChange(r.item_id, r.old_cents, r.new_cents, r.changed_by, r.role, r.changed_at)
            for r in rows.all()
        ]


class ThrottleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(self, name: str, now: datetime, next_at: datetime) -> datetime | None:
        """Take the named action's turn (None), or say when it is free again.

        A conditional UPDATE: of two transactions the second waits for the first's row lock
        (PostgreSQL) or the write lock (SQLite), then finds ``next_at`` in the future.
        """
        claimed = await self._s.exec(
            update(ThrottleRow)
            .where(col(ThrottleRow.name) == name, col(ThrottleRow.next_at) <= now)
            .values(next_at=next_at)
        )
        if claimed.rowcount == 1:
            return None
        busy = await self._s.exec(select(ThrottleRow.next_at).where(ThrottleRow.name == name))
        until = busy.first()
        if until is not None:
            return until
        try:
            async with self._s.begin_nested():
                self._s.add(ThrottleRow(name=name, next_at=next_at))
                await self._s.flush()
        except IntegrityError:  # another process made the row first: its turn
            return next_at
        return None


class AdminReports:
    """Read-only figures and lists for the admin commands."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def stats(self, start: datetime, end: datetime) -> PeriodStats:
        """The orders created in [start, end) and what became of them. ``booked``: those
        paid (``BOOKED``); GMV (``GMV``, as on the dashboard): what customers paid on them less
        what was refunded (so far), neither the list price of an order refunded in full nor a
        balance still unpaid. Completed: the booked ones served (``SERVED``, as the dashboard's
        jobs done), refunded since or not; cancelled: the others that ended cancelled or
        refunded."""
        created = (col(OrderRow.created_at) >= start, col(OrderRow.created_at) < end)
        by_status = await self._s.exec(
            select(OrderRow.status, func.count())
            .where(*created, col(OrderRow.status) != S.QUOTED.value)
            .group_by(col(OrderRow.status))
        )
        booked = await self._s.exec(
            select(OrderRow.status, func.count(), GMV)
            .where(*created, BOOKED)
            .group_by(col(OrderRow.status))
        )
        counts = {status: (int(n), int(total)) for status, n, total in booked.all()}
        ended, served = (
            await self._s.exec(
                select(func.count(), func.coalesce(func.sum(case((SERVED, 1), else_=0)), 0)).where(
                    *created, BOOKED, or_(SERVED, col(OrderRow.status).in_(CANCELLED))
                )
            )
        ).one()
        paid_at = func.min(OrderEventRow.at)
        accepted = await self._s.exec(
            select(OrderRow.accepted_at, paid_at)
            .join(OrderEventRow, col(OrderEventRow.order_id) == col(OrderRow.id))
            .where(
                col(OrderRow.accepted_at) >= start,
                col(OrderRow.accepted_at) < end,
                OrderEventRow.to_status == S.PAID.value,
            )
            .group_by(col(OrderRow.id), col(OrderRow.accepted_at))
        )
        waits = [
            max(0, int((at - paid).total_seconds()))
            for at, paid in accepted.all()
            if at is not None and paid is not None
        ]
        complaints = await self._count(
            select(func.count())
            .select_from(ComplaintRow)
            .where(col(ComplaintRow.created_at) >= start, col(ComplaintRow.created_at) < end)
        )
        customers = await self._count(
            select(func.count())
            .select_from(CustomerRow)
            .where(col(CustomerRow.created_at) >= start, col(CustomerRow.created_at) < end)
        )
        return PeriodStats(
            by_status={status: int(n) for status, n in by_status.all()},
            booked=sum(n for n, _ in counts.values()),
            gmv_cents=sum(total for _, total in counts.values()),
            accept_seconds=waits,
            completed=int(served),
            cancelled=int(ended) - int(served),
            complaints=complaints,
            new_customers=customers,
        )

    async def loyalty(self, start: datetime, end: datetime) -> LoyaltyStats:
        return await loyalty_reports_repo.loyalty(self._s, start, end)

    async def _count(self, query: SelectOfScalar[int]) -> int:
        result = await self._s.exec(query)
        return int(result.one())

    async def orders(
        self,
        statuses: Sequence[str],
        start: datetime | None,
        end: datetime | None,
        limit: int = 30,
        booked: tuple[datetime, datetime] | None = None,
    ) -> tuple[int, list[OrderBrief]]:
        """(how many match, the first ``limit``): orders in ``statuses`` (any when empty)
        starting from ``start`` and before ``end`` (no bound when None), by start time;
        ``booked``: only those placed in [a, b) and booked (paid, ``BOOKED``, as ``/stats``
        counts them), newest first."""
        where = [col(OrderRow.status) != S.QUOTED.value]
        if statuses:
            where.append(col(OrderRow.status).in_(list(statuses)))
        if start is not None:
            where.append(col(OrderRow.start_at) >= start)
        if end is not None:
            where.append(col(OrderRow.start_at) < end)
        if booked is not None:
            where += [BOOKED, col(OrderRow.created_at) >= booked[0]]
            where.append(col(OrderRow.created_at) < booked[1])
        total = await self._count(select(func.count()).select_from(OrderRow).where(*where))
        lines = order_lines(*where, limit=limit)
        if booked is not None:
            lines = lines.order_by(None).order_by(
                col(OrderRow.created_at).desc(), col(OrderRow.id).desc()
            )
        rows = await self._s.exec(lines)
        return total, [
            OrderBrief(
                o.number,
                o.status,
                o.item_id,
                o.start_at,
                district or "",
                worker or "",
                o.total_cents,
            )
            for o, district, worker in rows.all()
        ]

    async def flagged(
        self,
        now: datetime,
        accept_within: timedelta,
        respond_within: timedelta,
        limit: int = 50,
        starting: tuple[datetime, datetime] | None = None,
    ) -> list[Flag]:
        """Orders that need someone: unaccepted past the offer timeout, held, nobody found,
        the worker late, a complaint unanswered — oldest first; ``starting``: only orders
        that start in [start, end) (a day's)."""
        stuck = await ReportsRepository(self._s).stuck(now, accept_within, limit, starting)
        flags = [Flag(s.number, Attention(s.reason.value), s.since) for s in stuck]
        complaints = await QualityReports(self._s).complaints(now, respond_within, limit, starting)
        flags += [
            Flag(c.order_number, Attention.COMPLAINT, c.created_at)
            for c in complaints
            if c.overdue
        ]
        return sorted(flags, key=lambda f: f.since)[:limit]

    async def audience(
        self, after: int, limit: int = 500
    ) -> tuple[int | None, list[tuple[str, str, str]]]:
        """A page of a broadcast's recipients: the next ``limit`` customers by id after
        ``after``, as (the last customer id of the page or None when there are no more, their
        chat accounts as (channel, user id, language)). Customers who unsubscribed (退订) and
        accounts the platform said are unreachable are left out."""
        customers = (
            await self._s.exec(
                select(CustomerRow.id, CustomerRow.lang, CustomerRow.marketing_opt_out_at)
                .where(col(CustomerRow.id) > after)
                .order_by(col(CustomerRow.id))
                .limit(limit)
            )
        ).all()
        if not customers:
            return None, []
        last = max(int(i) for i, _, _ in customers if i is not None)
        lang = {int(i): str(x) for i, x, out in customers if i is not None and out is None}
        rows = await self._s.exec(
            select(IdentityRow.customer_id, IdentityRow.channel, IdentityRow.channel_user_id)
            .where(
                col(IdentityRow.customer_id).in_(list(lang)),
                col(IdentityRow.unreachable_at).is_(None),
            )
            .order_by(col(IdentityRow.customer_id), col(IdentityRow.id))
        )
        return last, [
            (ch, uid, lang.get(int(c or 0), "zh"))
            for c, ch, uid in rows.all()
            # a web chat pane speaks for one role only
            if ch != "web" or uid.endswith("-customer")
        ]
