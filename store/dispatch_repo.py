"""Offers of jobs to workers, and the photos taken on the job."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.media import JobPhoto
from domain.offers import Offer, OfferMode, OfferStatus
from store.prepared import select_rows
from store.tables import OfferRow, PhotoRow
from store.tables.core import OFFERS


class OfferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, offer: Offer) -> Offer:
        row = OfferRow(
            order_id=offer.order_id,
            worker_id=offer.worker_id,
            mode=offer.mode.value,
            round=offer.round,
            status=offer.status.value,
            earn_cents=offer.earn_cents,
            offered_at=offer.offered_at,
            expires_at=offer.expires_at,
        )
        self._s.add(row)
        await self._s.flush()
        offer.id = row.id
        return offer

    async def for_order(self, order_id: int) -> list[Offer]:
        rows = await select_rows(self._s, OFFERS, order_by=("id",), order_id=order_id)
        return [_offer(r) for r in rows]

    async def open_for_worker(self, worker_id: int) -> list[Offer]:
        rows = await self._s.exec(
            select(OfferRow)
            .where(OfferRow.worker_id == worker_id, OfferRow.status == OfferStatus.OPEN.value)
            .order_by(col(OfferRow.expires_at))
        )
        return [_offer(r) for r in rows.all()]

    async def answer(
        self,
        offer_id: int,
        status: OfferStatus,
        at: datetime,
        *,
        only_if: OfferStatus = OfferStatus.OPEN,
    ) -> bool:
        """Move one offer out of ``only_if``; False when someone else already did (claim)."""
        result = await self._s.exec(
            update(OfferRow)
            .where(col(OfferRow.id) == offer_id, col(OfferRow.status) == only_if.value)
            .values(status=status.value, answered_at=at)
        )
        return result.rowcount == 1

    async def close_others(
        self, order_id: int, keep: int | None, status: OfferStatus, at: datetime
    ) -> list[int]:
        """Close every other open offer of an order; the workers whose offers were closed."""
        query = select(OfferRow.id, OfferRow.worker_id).where(
            OfferRow.order_id == order_id, OfferRow.status == OfferStatus.OPEN.value
        )
        if keep is not None:
            query = query.where(col(OfferRow.id) != keep)
        rows = (await self._s.exec(query)).all()
        closed = []
        for offer_id, worker_id in rows:
            assert offer_id is not None  # a primary key
            if await self.answer(int(offer_id), status, at):
                closed.append(int(worker_id))
        return closed

    async def expired(self, now: datetime, limit: int = 100) -> list[Offer]:
        """Open offers past their deadline (the sweep claims each with ``answer``)."""
        rows = await self._s.exec(
            select(OfferRow)
            .where(OfferRow.status == OfferStatus.OPEN.value, col(OfferRow.expires_at) <= now)
            .order_by(col(OfferRow.expires_at))
            .limit(limit)
        )
        return [_offer(r) for r in rows.all()]


def _offer(r: OfferRow | Row[*tuple[Any, ...]]) -> Offer:
    return Offer(
        id=r.id,
        order_id=r.order_id,
        worker_id=r.worker_id,
        mode=OfferMode(r.mode),
        round=r.round,
        earn_cents=r.earn_cents,
        offered_at=r.offered_at,
        expires_at=r.expires_at,
        status=OfferStatus(r.status),
        answered_at=r.answered_at,
    )


class PhotoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, photo: JobPhoto, uploaded_by: str) -> None:
        self._s.add(
            PhotoRow(
                order_id=photo.order_id,
                kind=photo.kind,
                path=photo.path,
                content_type=photo.content_type,
                size_bytes=photo.size_bytes,
                uploaded_by=uploaded_by,
                created_at=photo.created_at,
            )
        )
        await self._s.flush()

    async def named(self, paths: Sequence[str]) -> set[str]:
        if not paths:
            return set()
        rows = await self._s.exec(select(PhotoRow.path).where(col(PhotoRow.path).in_(paths)))
        return set(rows.all())

    async def for_order(self, order_id: int, kinds: Sequence[str] = ()) -> list[JobPhoto]:
        query = select(PhotoRow).where(PhotoRow.order_id == order_id)
        if kinds:
            query = query.where(col(PhotoRow.kind).in_(list(kinds)))
        rows = await self._s.exec(query.order_by(col(PhotoRow.id)))
        return [
            JobPhoto(r.order_id, r.kind, r.path, r.content_type, r.size_bytes, r.created_at, r.id)
            for r in rows.all()
        ]
