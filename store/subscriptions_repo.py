"""Recurring bookings. The next visit's start is the deadline the scheduler sweeps over; it
moves on only by a conditional UPDATE, so each visit is taken by one process once."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, case, exists, func, literal, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.lifecycle import Action
from domain.recurring import DueBy, Subscription, format_at_time, parse_at_time
from store.crypto import PiiCipher
from store.order_rows import selection_from_json, selection_to_json
from store.tables import OrderEventRow, OrderRow, SubscriptionRow
from store.types import UtcDateTime


class SubscriptionRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._cipher = cipher

    async def add(self, sub: Subscription) -> Subscription:
        row = SubscriptionRow(
            customer_id=sub.customer_id,
            channel=sub.channel,
            lang=sub.lang,
            selections=[selection_to_json(x) for x in sub.selections],
            address_id=sub.address_id,
            weekday=sub.weekday,
            at_time=format_at_time(sub.at_time),
            notes_enc=self._cipher.encrypt("subscription.notes", sub.notes),
            active=sub.active,
            next_start_at=sub.next_start_at,
            created_at=sub.created_at,
            bundle_id=sub.bundle_id,
            first_order_id=sub.first_order_id,
        )
        self._s.add(row)
        await self._s.flush()
        assert row.id is not None
        sub.id = row.id
        return sub

    async def get(self, sub_id: int) -> Subscription | None:
        row = await self._s.get(SubscriptionRow, sub_id)
        return self._load(row) if row else None

    async def for_customer(self, customer_id: int, *, active: bool = True) -> list[Subscription]:
        rows = await self._s.exec(
            select(SubscriptionRow)
            .where(SubscriptionRow.customer_id == customer_id, SubscriptionRow.active == active)
            .order_by(col(SubscriptionRow.weekday), col(SubscriptionRow.at_time))
        )
        return [self._load(r) for r in rows.all()]

    async def due(self, by: DueBy, limit: int = 100) -> list[tuple[int, datetime]]:
        """(id, next visit) of active subscriptions whose next visit starts within its lead
        (``by``: up to ``by.until``, or to its bundle's or first item's own instant) and whose
        first order (the one each was set up from) has been paid: one still awaiting its
        payment makes no visit's order yet, nor holds up the others — nor does a visit that
        waits to come within its service's horizon."""
        first, start = col(SubscriptionRow.first_order_id), col(SubscriptionRow.next_start_at)
        paid = exists().where(
            col(OrderEventRow.order_id) == first, col(OrderEventRow.action) == Action.PAY.value
        )
        rows = await self._s.exec(
            select(SubscriptionRow.id, SubscriptionRow.next_start_at)
            .where(SubscriptionRow.active == True)  # noqa: E712
            .where(start <= by.latest, start <= _lead_until(by))  # the index, then each's own
            .where(or_(first.is_(None), paid))
            .order_by(start)
            .limit(limit)
        )
        return [(int(i), at) for i, at in rows.all() if i is not None]

    async def advance(
        self, sub_id: int, expected: datetime, following: datetime, *, stop: bool = False
    ) -> bool:
        """Move an active subscription's next visit from ``expected`` to ``following`` (and
        stop it, with ``stop``); False when it is not at ``expected`` any more (another
        process took this visit) or was stopped."""
        values: dict[str, object] = {"next_start_at": following, "visit_failed_at": None}
        if stop:
            values["active"] = False
        result = await self._s.exec(
            update(SubscriptionRow)
            .where(
                col(SubscriptionRow.id) == sub_id,
                col(SubscriptionRow.active) == True,  # noqa: E712
                col(SubscriptionRow.next_start_at) == expected,
            )
            .values(values)
        )
        return result.rowcount == 1

    async def visit_failed(self, sub_id: int, expected: datetime, at: datetime) -> datetime | None:
        """Note that making the visit at ``expected`` failed ``at`` (unless it failed before:
        the first failure stays, whichever process notes it); returns when it first failed,
        or None when the subscription is not at that visit any more or was stopped."""
        failed_at = col(SubscriptionRow.visit_failed_at)
        # one statement: the first failure stays (COALESCE) and is read back (RETURNING); ``at``
        # typed as the column, else it binds as a plain DateTime (SQLite: its local wall time)
        rows = await self._s.exec(
            update(SubscriptionRow)
            .where(
                col(SubscriptionRow.id) == sub_id,
                col(SubscriptionRow.active) == True,  # noqa: E712
                col(SubscriptionRow.next_start_at) == expected,
            )
            .values(visit_failed_at=func.coalesce(failed_at, literal(at, UtcDateTime())))
            .returning(failed_at)
        )
        return rows.scalar_one_or_none()

    async def visit_order(self, sub_id: int, start_at: datetime) -> int | None:
        """The number of the subscription's order starting at ``start_at`` (whatever its
        status: made by the sweep, or another visit's order moved there), if any."""
        rows = await self._s.exec(
            select(OrderRow.number).where(
                col(OrderRow.subscription_id) == sub_id, col(OrderRow.start_at) == start_at
            )
        )
        return rows.first()

    async def stop(self, sub_id: int, customer_id: int) -> bool:
        """Stop the customer's subscription; False when there is no such active one."""
        result = await self._s.exec(
            update(SubscriptionRow)
            .where(
                col(SubscriptionRow.id) == sub_id,
                col(SubscriptionRow.customer_id) == customer_id,
                col(SubscriptionRow.active) == True,  # noqa: E712
            )
            .values(active=False)
        )
        return result.rowcount == 1

    async def end_unpaid(self, order_id: int) -> list[Subscription]:
        """Stop the active subscriptions set up from order ``order_id``, cancelled before it
        was paid; the ones stopped."""
        rows = await self._s.exec(
            select(SubscriptionRow).where(
                col(SubscriptionRow.first_order_id) == order_id,
                col(SubscriptionRow.active) == True,  # noqa: E712
            )
        )
        ended = [self._load(r) for r in rows.all()]
        if ended:
            await self._s.exec(
                update(SubscriptionRow)
                .where(col(SubscriptionRow.id).in_([x.id for x in ended]))
                .values(active=False)
            )
        return [replace(x, active=False) for x in ended]

    def _load(self, row: SubscriptionRow) -> Subscription:
        assert row.id is not None
        return Subscription(
            id=row.id,
            customer_id=row.customer_id,
            channel=row.channel,
            lang=row.lang,
            selections=tuple(selection_from_json(x) for x in row.selections),
            address_id=row.address_id,
            weekday=row.weekday,
            at_time=parse_at_time(row.at_time),
            notes=self._cipher.decrypt("subscription.notes", row.notes_enc),
            active=row.active,
            next_start_at=row.next_start_at,
            created_at=row.created_at,
            bundle_id=row.bundle_id,
            first_order_id=row.first_order_id,
        )


def _lead_until(by: DueBy) -> ColumnElement[datetime]:
    """Each subscription's own ``until``: its bundle's (a bundle's lead is its items'
    shortest), else its item's (the first selection's), else ``by.until``. Instants typed
    as the column, else they bind as plain DateTime (SQLite: its local wall time)."""

    def at(instant: datetime) -> ColumnElement[datetime]:
        return literal(instant, UtcDateTime())

    bundle = col(SubscriptionRow.bundle_id)
    item = col(SubscriptionRow.selections)[(0, "item_id")].as_string()
    whens = [(bundle == b, at(i)) for b, i in by.bundles.items()]
    if by.items:  # a bundle without a lead of its own has the rule's, whatever its items
        whens.append((bundle.is_not(None), at(by.until)))
        whens += [(item == k, at(i)) for k, i in by.items.items()]
    return case(*whens, else_=at(by.until)) if whens else at(by.until)
