"""Prepaid visit cards (``prepaid_cards``) and the visit each order took (``card_visits``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.cards import Card, CardStatus
from domain.lifecycle import OrderStatus
from domain.text import Bilingual
from store.prepared import select_rows
from store.tables import CardVisitRow, OrderRow, PrepaidCardRow
from store.tables.core import CARDS


class CardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, card: Card) -> Card:
        row = PrepaidCardRow(**_values(card), created_at=card.created_at)
        self._s.add(row)
        await self._s.flush()
        card.id = row.id
        return card

    async def get(self, card_id: int) -> Card | None:
        row = await self._s.get(PrepaidCardRow, card_id)
        return card_from_row(row) if row else None

    async def lock(self, card_id: int) -> Card | None:
        """``FOR NO KEY UPDATE`` (an order's visit row naming the card holds a key-share lock
        on it, which ``FOR UPDATE`` would wait for); read again, never from the session's
        identity map."""
        query = select(PrepaidCardRow).where(PrepaidCardRow.id == card_id)
        assert self._s.bind is not None
        if self._s.bind.dialect.name != "sqlite":
            query = query.with_for_update(key_share=True)
        row = (await self._s.exec(query.execution_options(populate_existing=True))).first()
        return card_from_row(row) if row else None

    async def save(self, card: Card) -> None:
        await self._s.exec(
            update(PrepaidCardRow).where(col(PrepaidCardRow.id) == card.id).values(**_values(card))
        )

    async def for_customer(self, customer_id: int) -> list[Card]:
        """A customer's cards, oldest first (read on every quote: a prepared statement)."""
        rows = await select_rows(self._s, CARDS, order_by=("id",), customer_id=customer_id)
        return [card_from_row(r) for r in rows]

    async def to_expire(self, now: datetime, limit: int = 100) -> list[int]:
        rows = await self._s.exec(
            select(PrepaidCardRow.id)
            .where(
                PrepaidCardRow.status == CardStatus.ACTIVE.value,
                col(PrepaidCardRow.valid_until) <= now,
            )
            .order_by(col(PrepaidCardRow.id))
            .limit(limit)
        )
        return [int(i or 0) for i in rows.all()]

    async def to_lapse(self, before: datetime, limit: int = 100) -> list[int]:
        rows = await self._s.exec(
            select(PrepaidCardRow.id)
            .where(
                PrepaidCardRow.status == CardStatus.AWAITING_PAYMENT.value,
                col(PrepaidCardRow.created_at) < before,
            )
            .order_by(col(PrepaidCardRow.id))
            .limit(limit)
        )
        return [int(i or 0) for i in rows.all()]

    async def to_remind(self, until: datetime, limit: int = 100) -> list[int]:
        rows = await self._s.exec(
            select(PrepaidCardRow.id)
            .where(
                PrepaidCardRow.status == CardStatus.ACTIVE.value,
                col(PrepaidCardRow.valid_until) <= until,
                col(PrepaidCardRow.reminded_at).is_(None),
                PrepaidCardRow.visits_left > 0,
            )
            .order_by(col(PrepaidCardRow.id))
            .limit(limit)
        )
        return [int(i or 0) for i in rows.all()]

    async def move(self, from_customer: int, to_customer: int) -> None:
        await self._s.exec(
            update(PrepaidCardRow)
            .where(col(PrepaidCardRow.customer_id) == from_customer)
            .values(customer_id=to_customer)
        )

    async def add_visit(self, card_id: int, order_id: int, value: int, at: datetime) -> None:
        self._s.add(
            CardVisitRow(order_id=order_id, card_id=card_id, value_cents=value, used_at=at)
        )
        await self._s.flush()

    async def visit_of(self, order_id: int) -> tuple[int, int] | None:
        row = await self._s.get(CardVisitRow, order_id)
        if row is None or row.returned_at is not None:
            return None
        return row.card_id, row.value_cents

    async def return_visit(self, order_id: int, at: datetime) -> bool:
        result = await self._s.exec(
            update(CardVisitRow)
            .where(col(CardVisitRow.order_id) == order_id, col(CardVisitRow.returned_at).is_(None))
            .values(returned_at=at)
        )
        return result.rowcount == 1

    async def held_by(self, card_id: int, statuses: Iterable[OrderStatus]) -> list[int]:
        rows = await self._s.exec(
            select(OrderRow.number)
            .join(CardVisitRow, col(CardVisitRow.order_id) == col(OrderRow.id))
            .where(
                col(CardVisitRow.card_id) == card_id,
                col(CardVisitRow.returned_at).is_(None),
                col(OrderRow.status).in_([s.value for s in statuses]),
            )
            .order_by(col(OrderRow.number))
        )
        return [int(n) for n in rows.all()]


def _values(c: Card) -> dict[str, Any]:
    return {
        "customer_id": c.customer_id,
        "product_id": c.product_id,
        "name": {"zh": c.name.zh, "en": c.name.en},
        "item_ids": list(c.item_ids),
        "paid_visits": c.paid_visits,
        "free_visits": c.free_visits,
        "price_cents": c.price_cents,
        "valid_days": c.valid_days,
        "channel": c.channel,
        "status": c.status.value,
        "visits_left": c.visits_left,
        "deferred_cents": c.deferred_cents,
        "paid_at": c.paid_at,
        "valid_until": c.valid_until,
        "reminded_at": c.reminded_at,
        "units_per_visit": c.units_per_visit,
    }


def card_from_row(r: Any) -> Card:
    """A card from its row (an ORM row or a prepared statement's, read by column name)."""
    return Card(
        customer_id=r.customer_id,
        product_id=r.product_id,
        name=Bilingual(r.name.get("zh", r.product_id), r.name.get("en", r.product_id)),
        item_ids=tuple(r.item_ids),
        paid_visits=r.paid_visits,
        free_visits=r.free_visits,
        price_cents=r.price_cents,
        valid_days=r.valid_days,
        created_at=r.created_at,
        channel=r.channel,
        status=CardStatus(r.status),
        visits_left=r.visits_left,
        deferred_cents=r.deferred_cents,
        paid_at=r.paid_at,
        valid_until=r.valid_until,
        reminded_at=r.reminded_at,
        units_per_visit=r.units_per_visit,
        id=r.id,
    )
