"""Customers' points (``points_movements``, ``points_uses``; the balance on ``customers``) and
the membership level each holds and was told of, with until when it is kept
(``domain.points.Membership``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.errors import DomainError
from domain.membership import Standing
from domain.points import EARNING, Lot, PointsKind, PointsMovement, Use
from domain.rules import MemberLevel
from store.tables import CustomerRow, OrderRow, PointsMovementRow, PointsUseRow


class MembershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def lock(self, customer_id: int) -> int:
        """The balance, the customer's row locked (PostgreSQL; SQLite has one writer).

        ``FOR NO KEY UPDATE``, not ``FOR UPDATE``: a transaction that inserted a row naming
        the customer (an order, a movement) holds a key-share lock on them, which ``FOR
        UPDATE`` would wait for — two checkouts of one customer would deadlock."""
        query = select(CustomerRow.points).where(CustomerRow.id == customer_id)
        assert self._s.bind is not None  # Database binds every session to its engine
        if self._s.bind.dialect.name != "sqlite":
            query = query.with_for_update(key_share=True)
        balance = (await self._s.exec(query)).first()
        if balance is None:
            raise DomainError("unknown customer")
        return int(balance)

    async def set_balance(self, customer_id: int, balance: int) -> None:
        await self._s.exec(
            update(CustomerRow).where(col(CustomerRow.id) == customer_id).values(points=balance)
        )

    async def recorded(self, key: str) -> bool:
        query = select(PointsMovementRow.id).where(PointsMovementRow.key == key)
        return (await self._s.exec(query)).first() is not None

    async def add(self, movement: PointsMovement, uses: Sequence[Use] = ()) -> PointsMovement:
        row = PointsMovementRow(
            customer_id=movement.customer_id,
            kind=movement.kind.value,
            points=movement.points,
            balance=movement.balance,
            at=movement.at,
            key=movement.key,
            order_id=movement.order_id,
            expires_at=movement.expires_at,
            points_left=movement.points if movement.kind in EARNING else 0,
        )
        self._s.add(row)
        await self._s.flush()
        assert row.id is not None
        for lot_id, points in uses:
            self._s.add(PointsUseRow(movement_id=row.id, lot_id=lot_id, points=points))
            await self._s.exec(
                update(PointsMovementRow)
                .where(col(PointsMovementRow.id) == lot_id)
                .values(points_left=col(PointsMovementRow.points_left) + points)
            )
        await self._s.flush()
        return _movement(row)

    async def lots(self, customer_id: int) -> list[Lot]:
        m = PointsMovementRow
        rows = await self._s.exec(
            select(m.id, m.points_left, m.expires_at).where(
                m.customer_id == customer_id, m.points_left > 0
            )
        )
        return [Lot(int(i or 0), left, expires) for i, left, expires in rows.all()]

    async def uses(self, key: str) -> list[Use]:
        rows = await self._s.exec(
            select(PointsUseRow.lot_id, PointsUseRow.points)
            .join(PointsMovementRow, col(PointsMovementRow.id) == col(PointsUseRow.movement_id))
            .where(PointsMovementRow.key == key)
            .order_by(col(PointsUseRow.id))
        )
        return [(lot, points) for lot, points in rows.all()]

    async def for_order(self, order_id: int) -> list[PointsMovement]:
        rows = await self._s.exec(
            select(PointsMovementRow)
            .where(PointsMovementRow.order_id == order_id)
            .order_by(col(PointsMovementRow.id))
        )
        return [_movement(r) for r in rows.all()]

    async def history(self, customer_id: int, limit: int) -> list[PointsMovement]:
        rows = await self._s.exec(
            select(PointsMovementRow, OrderRow.number)
            .join(OrderRow, col(OrderRow.id) == col(PointsMovementRow.order_id), isouter=True)
            .where(PointsMovementRow.customer_id == customer_id)
            .order_by(col(PointsMovementRow.id).desc())
            .limit(limit)
        )
        return [_movement(row, number) for row, number in rows.all()]

    async def expiring(self, until: datetime, limit: int = 100) -> list[tuple[int, int]]:
        rows = await self._s.exec(
            select(PointsMovementRow.id, PointsMovementRow.customer_id)
            .where(
                col(PointsMovementRow.expires_at) <= until,
                PointsMovementRow.points_left > 0,
            )
            .order_by(col(PointsMovementRow.expires_at), col(PointsMovementRow.id))
            .limit(limit)
        )
        return [(int(i or 0), c) for i, c in rows.all()]

    async def level(self, customer_id: int) -> MemberLevel:
        query = select(CustomerRow.member_level).where(CustomerRow.id == customer_id)
        level = (await self._s.exec(query)).first()
        return MemberLevel(level) if level else MemberLevel.REGULAR

    async def levels_due(self, now: datetime, after: int = 0, limit: int = 100) -> list[int]:
        until, level = col(CustomerRow.member_level_until), col(CustomerRow.member_level)
        rows = await self._s.exec(
            select(CustomerRow.id)
            .where(
                col(CustomerRow.id) > after,
                or_(
                    until <= now,
                    and_(until.is_(None), level != MemberLevel.REGULAR.value),
                ),
            )
            .order_by(col(CustomerRow.id))
            .limit(limit)
        )
        return [int(i) for i in rows.all() if i is not None]

    async def standing(self, customer_id: int) -> Standing:
        query = select(CustomerRow.member_level, CustomerRow.member_level_until).where(
            CustomerRow.id == customer_id
        )
        row = (await self._s.exec(query)).first()
        if row is None or not row[0]:
            return Standing(MemberLevel.REGULAR)
        return Standing(MemberLevel(row[0]), row[1])

    async def set_level(
        self, customer_id: int, level: MemberLevel, until: datetime | None = None
    ) -> None:
        await self._s.exec(
            update(CustomerRow)
            .where(col(CustomerRow.id) == customer_id)
            .values(member_level=level.value, member_level_until=until)
        )


def _movement(row: PointsMovementRow | Row[Any], number: int | None = None) -> PointsMovement:
    return PointsMovement(
        customer_id=row.customer_id,
        kind=PointsKind(row.kind),
        points=row.points,
        balance=row.balance,
        at=row.at,
        key=row.key,
        order_id=row.order_id,
        expires_at=row.expires_at,
        number=number,
        id=row.id,
    )
