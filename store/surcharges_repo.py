"""On-site extra charges (``domain.surcharge``): kept with their lines and photos; a request
leaves ``requested`` once (a conditional update), whoever answers or lapses it first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.orders import Order
from domain.pricing import LineKind, QuoteLine
from domain.surcharge import Surcharge, SurchargeStatus
from domain.text import Bilingual
from store.tables import OrderRow, QuoteLineRow, SurchargeRow


class SurchargeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, s: Surcharge) -> Surcharge:
        row = SurchargeRow(
            order_id=s.order_id,
            worker_id=s.worker_id,
            status=s.status.value,
            amount_cents=s.amount_cents,
            lines=[_line_json(line) for line in s.lines],
            photos=list(s.photos),
            requested_at=s.requested_at,
            answer_by=s.answer_by,
        )
        self._s.add(row)
        await self._s.flush()
        s.id = row.id
        return s

    async def add_lines(self, order: Order, lines: Sequence[QuoteLine]) -> None:
        """Append quote lines after the order's own; the order's total is the caller's to
        raise (``Orders.save``)."""
        assert order.id is not None
        seq = await self._s.scalar(
            select(func.count()).select_from(QuoteLineRow).where(QuoteLineRow.order_id == order.id)
        )
        for i, line in enumerate(lines):
            self._s.add(
                QuoteLineRow(
                    order_id=order.id,
                    seq=(seq or 0) + i,
                    kind=line.kind.value,
                    label_zh=line.label.get("zh")[:200],
                    label_en=line.label.get("en")[:200],
                    amount_cents=line.amount_cents,
                    item_id=line.item_id,
                )
            )
        await self._s.flush()
        order.lines = (*order.lines, *lines)

    async def open_for_order(self, order_id: int) -> Surcharge | None:
        """The order's request still waiting for the customer (at most one)."""
        rows = await self._s.exec(
            select(SurchargeRow, OrderRow.number)
            .join(OrderRow, col(OrderRow.id) == SurchargeRow.order_id)
            .where(
                SurchargeRow.order_id == order_id,
                SurchargeRow.status == SurchargeStatus.REQUESTED.value,
            )
            .order_by(col(SurchargeRow.id).desc())
        )
        found = rows.first()
        return None if found is None else _surcharge(*found)

    async def for_order(self, order_id: int) -> list[Surcharge]:
        rows = await self._s.exec(
            select(SurchargeRow, OrderRow.number)
            .join(OrderRow, col(OrderRow.id) == SurchargeRow.order_id)
            .where(SurchargeRow.order_id == order_id)
            .order_by(col(SurchargeRow.id))
        )
        return [_surcharge(row, number) for row, number in rows.all()]

    async def get(self, surcharge_id: int) -> Surcharge | None:
        rows = await self._s.exec(
            select(SurchargeRow, OrderRow.number)
            .join(OrderRow, col(OrderRow.id) == SurchargeRow.order_id)
            .where(SurchargeRow.id == surcharge_id)
        )
        found = rows.first()
        return None if found is None else _surcharge(*found)

    async def due(self, now: datetime, limit: int) -> list[int]:
        """Requests past their answer time, still waiting."""
        rows = await self._s.exec(
            select(SurchargeRow.id)
            .where(
                SurchargeRow.status == SurchargeStatus.REQUESTED.value,
                col(SurchargeRow.answer_by) <= now,
            )
            .limit(limit)
        )
        return [i for i in rows.all() if i is not None]

    async def answer(
        self, s: Surcharge, status: SurchargeStatus, now: datetime, reference: str = ""
    ) -> bool:
        """Move a waiting request to ``status`` (once: False when it was answered already)."""
        assert s.id is not None
        result = await self._s.exec(
            update(SurchargeRow)
            .where(
                col(SurchargeRow.id) == s.id,
                col(SurchargeRow.status) == SurchargeStatus.REQUESTED.value,
            )
            .values(status=status.value, answered_at=now, payment_reference=reference)
        )
        if not bool(result.rowcount == 1):
            return False
        s.status, s.answered_at, s.payment_reference = status, now, reference
        return True


def _line_json(line: QuoteLine) -> dict[str, Any]:
    return {
        "kind": line.kind.value,
        "zh": line.label.get("zh"),
        "en": line.label.get("en"),
        "amount_cents": line.amount_cents,
        "item_id": line.item_id,
    }


def _surcharge(row: SurchargeRow, number: int) -> Surcharge:
    assert row.id is not None
    return Surcharge(
        order_id=row.order_id,
        number=number,
        worker_id=row.worker_id,
        lines=tuple(
            QuoteLine(
                LineKind(x["kind"]),
                Bilingual(str(x["zh"]), str(x["en"])),
                int(x["amount_cents"]),
                x.get("item_id"),
            )
            for x in row.lines
        ),
        requested_at=row.requested_at,
        answer_by=row.answer_by,
        photos=tuple(row.photos),
        status=SurchargeStatus(row.status),
        answered_at=row.answered_at,
        payment_reference=row.payment_reference,
        id=row.id,
    )
