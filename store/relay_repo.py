"""The masked relay chat's messages (``domain.relay``): text and location encrypted."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.relay import RelayMessage, Side
from store.crypto import PiiCipher
from store.tables.orders import OrderRow
from store.tables.relay import RelayMessageRow

TEXT = "relay.text"
LOCATION = "relay.location"


class RelayRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    async def add(self, message: RelayMessage) -> RelayMessage:
        where = ""
        if message.lat is not None and message.lon is not None:
            where = json.dumps([message.lat, message.lon, message.label])
        row = RelayMessageRow(
            order_id=message.order_id,
            at=message.at,
            sender=message.sender.value,
            text_enc=self._c.encrypt(TEXT, message.text),
            photo=message.photo,
            location_enc=self._c.encrypt(LOCATION, where),
        )
        self._s.add(row)
        await self._s.flush()
        return replace(message, id=row.id)

    async def for_order(self, order_id: int, limit: int = 200) -> list[RelayMessage]:
        rows = await self._s.exec(
            select(RelayMessageRow)
            .where(RelayMessageRow.order_id == order_id)
            .order_by(col(RelayMessageRow.id).desc())
            .limit(limit)
        )
        return [self._message(r) for r in reversed(rows.all())]

    async def wrote_to(
        self, worker_id: int, since: datetime, limit: int = 20
    ) -> list[tuple[int, datetime]]:
        """(order id, time of the last message) of the orders of ``worker_id`` whose
        customer wrote through the relay at ``since`` or later, the latest first."""
        last = func.max(RelayMessageRow.at)
        rows = await self._s.exec(
            select(RelayMessageRow.order_id, last)
            .join(OrderRow, col(OrderRow.id) == RelayMessageRow.order_id)
            .where(
                OrderRow.worker_id == worker_id,
                RelayMessageRow.sender == Side.CUSTOMER.value,
                RelayMessageRow.at >= since,
            )
            .group_by(col(RelayMessageRow.order_id))
            .order_by(last.desc())
            .limit(limit)
        )
        return [(order_id, at) for order_id, at in rows.all()]

    def _message(self, row: RelayMessageRow) -> RelayMessage:
        where = self._c.decrypt(LOCATION, row.location_enc)
        lat = lon = None
        label = ""
        if where:
            lat, lon, label = json.loads(where)
        return RelayMessage(
            order_id=row.order_id,
            at=row.at,
            sender=Side(row.sender),
            text=self._c.decrypt(TEXT, row.text_enc),
            photo=row.photo,
            lat=lat,
            lon=lon,
            label=label,
            id=row.id,
        )
