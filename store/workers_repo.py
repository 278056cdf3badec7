"""Workers as the workers table holds them: the row (phone and area centre sealed with the PII
key) and their certificates, written as what changed since they were read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from itertools import groupby
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, Row, Select, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.people import (
    Certificate,
    ServiceArea,
    Worker,
    WorkerId,
    WorkerStatus,
)
from domain.preferred import Served
from domain.rules import WorkerLevel
from store.addresses_repo import point_from_text, point_to_text
from store.crypto import PiiCipher
from store.prepared import fetch, in_chunks, select_rows
from store.tables import CertificateRow, WorkerRow
from store.tables.core import CERTIFICATES, WORKERS

_CERT = {f"cert_{c.name}": c for c in CERTIFICATES.c if c.name != "worker_id"}
"""The certificate's columns as ``with_status`` labels them beside the worker's."""


@lru_cache(maxsize=8)
def _with_status(n: int) -> Select[Any]:
    """Workers whose status is one of ``n`` bound ones (``status_0`` …), each with one row
    per certificate (its columns ``cert_…``; None for a worker without), by id: one
    statement, one snapshot."""
    statuses: list[BindParameter[str]] = [bindparam(f"status_{i}") for i in range(n)]
    certificates = [column.label(name) for name, column in _CERT.items()]
    joined = WORKERS.outerjoin(CERTIFICATES, CERTIFICATES.c.worker_id == WORKERS.c.id)
    return (
        sa_select(WORKERS, *certificates)
        .select_from(joined)
        .where(WORKERS.c.status.in_(statuses))
        .order_by(WORKERS.c.id, CERTIFICATES.c.id)
    )


class WorkerRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher
        self._loaded: dict[int, dict[Certificate, list[int]]] = {}
        """Each worker's certificates as this unit of work read them, with their row ids:
        ``save`` writes only what changed since (see ``_save_certificates``)."""

    async def add(self, worker: Worker) -> Worker:
        row = WorkerRow(created_at=worker.created_at, name=worker.name)
        self._fill(row, worker)
        self._s.add(row)
        await self._s.flush()
        assert row.id is not None  # flushed
        worker.id = WorkerId(row.id)
        await self._save_certificates(worker)
        return worker

    async def save(self, worker: Worker) -> None:
        row = await self._s.get(WorkerRow, worker.id)
        assert row is not None
        self._fill(row, worker)
        await self._save_certificates(worker)

    async def get(self, worker_id: int) -> Worker | None:
        row = await self._s.get(WorkerRow, worker_id)
        return await self._to_domain(row) if row else None

    async def available(self, among: Sequence[int] | None = None) -> list[Worker]:
        """Approved workers who are online (dispatch candidates); of ``among`` only, when
        given (the ones an index ranked first)."""
        if among is not None:
            found = await self._s.exec(
                select(WorkerRow)
                .where(
                    col(WorkerRow.id).in_(list(among)),
                    col(WorkerRow.status) == WorkerStatus.APPROVED.value,
                    col(WorkerRow.online).is_(True),
                )
                .order_by(col(WorkerRow.id))
            )
            return await self._many(found.all())
        rows = await select_rows(
            self._s,
            WORKERS,
            order_by=("id",),
            status=WorkerStatus.APPROVED.value,
            online=True,
        )
        return await self._many(rows)

    async def _many(self, rows: Sequence[WorkerRow | Row[*tuple[Any, ...]]]) -> list[Worker]:
        """Workers with their certificates, in two queries (more for very many workers)."""
        if not rows:
            return []
        by_worker: dict[int, list[CertificateRow]] = {}
        for ids in in_chunks([r.id for r in rows]):
            certs = await self._s.exec(
                select(CertificateRow)
                .where(col(CertificateRow.worker_id).in_(ids))
                .order_by(col(CertificateRow.id))
            )
            for c in certs.all():
                by_worker.setdefault(c.worker_id, []).append(c)
        for r in rows:
            self._loaded[r.id or 0] = _by_certificate(by_worker.get(r.id or 0, []))
        return [self._domain(r, by_worker.get(r.id or 0, [])) for r in rows]

    def _joined(self, rows: Sequence[Row[*tuple[Any, ...]]]) -> list[Worker]:
        """Workers from rows of a worker beside each of its certificates (``_with_status``)."""
        workers: list[Worker] = []
        for worker_id, group in groupby(rows, key=lambda r: r.id):
            held = list(group)
            certs = [
                _HeldCertificate(**{name[5:]: getattr(r, name) for name in _CERT})
                for r in held
                if r.cert_id is not None
            ]
            self._loaded[worker_id] = _by_certificate(certs)
            workers.append(self._domain(held[0], certs))
        return workers

    async def approved_after(self, after: int, limit: int) -> list[Worker]:
        """A page of the approved workers, by id: the first ``limit`` after ``after``."""
        rows = await self._s.exec(
            select(WorkerRow)
            .where(
                col(WorkerRow.status) == WorkerStatus.APPROVED.value,
                col(WorkerRow.id) > after,
            )
            .order_by(col(WorkerRow.id))
            .limit(limit)
        )
        return await self._many(rows.all())

    async def with_status(
        self, statuses: Sequence[WorkerStatus], among: Sequence[int] | None = None
    ) -> list[Worker]:
        """Workers in ``statuses`` (of ``among`` only, when given), by id. Without ``among``
        (dispatch's "nobody free" notice reads every approved or suspended worker) a statement
        built once per number of statuses: through the ORM that read cost a paid order's
        dispatch more client CPU than the rest of it."""
        if among is None:
            values = [s.value for s in statuses]
            if not values:
                return []
            params = {f"status_{i}": v for i, v in enumerate(values)}
            return self._joined(await fetch(self._s, _with_status(len(values)), params))
        query = select(WorkerRow).where(col(WorkerRow.status).in_([s.value for s in statuses]))
        query = query.where(col(WorkerRow.id).in_(list(among)))
        rows = await self._s.exec(query.order_by(col(WorkerRow.id)))
        return await self._many(rows.all())

    async def deposits_due(self, left_before: datetime) -> list[Worker]:
        """Workers who left before ``left_before`` and whose deposit was not released yet."""
        rows = await self._s.exec(
            select(WorkerRow)
            .where(
                col(WorkerRow.status) == WorkerStatus.LEFT.value,
                col(WorkerRow.left_at) <= left_before,
                col(WorkerRow.deposit_released_at).is_(None),
            )
            .order_by(col(WorkerRow.id))
        )
        return await self._many(rows.all())

    async def claim_deposit_release(self, worker_id: int, at: datetime) -> bool:
        """Mark the deposit released, once across processes (a conditional update)."""
        result = await self._s.exec(
            update(WorkerRow)
            .where(
                col(WorkerRow.id) == worker_id,
                col(WorkerRow.deposit_released_at).is_(None),
            )
            .values(deposit_released_at=at)
        )
        return bool(result.rowcount)

    async def documents_named(self, paths: Sequence[str]) -> set[str]:
        """Those of ``paths`` a certificate row holds, whatever its worker's status or its
        own (by the ``file_ref`` index)."""
        if not paths:
            return set()
        rows = await self._s.exec(
            select(CertificateRow.file_ref).where(col(CertificateRow.file_ref).in_(paths))
        )
        return set(rows.all())

    def _fill(self, row: WorkerRow, w: Worker) -> None:
        row.name, row.status, row.online = w.name, w.status.value, w.online
        row.level, row.rating_x100, row.daily_cap, row.lang = (
            w.level.value,
            w.rating_x100,
            w.daily_cap,
            w.lang,
        )
        row.skills = list(w.skills)
        row.good_rate_bp, row.reviews, row.review_note = w.good_rate_bp, w.reviews, w.review_note
        row.credit_score, row.complaint_rate_bp = w.credit_score, w.complaint_rate_bp
        row.level_reviewed_at, row.left_at = w.level_reviewed_at, w.left_at
        row.phone_enc = self._c.encrypt("worker.phone", w.phone)
        row.phone_hash = self._c.lookup_hash("phone", w.phone)
        row.center_enc = self._c.encrypt("worker.center", point_to_text(w.area.center))
        row.radius_m, row.districts = w.area.radius_m, list(w.area.districts)

    async def _save_certificates(self, w: Worker) -> None:
        """Write what changed in the worker's certificates since this unit of work read them:
        the rows of those gone deleted by id, the new ones added. A certificate another
        transaction added meanwhile (a renewal while the worker went online) is not this
        one's to remove: rewriting them all would lose it."""
        assert w.id is not None  # saved before its certificates
        if w.id not in self._loaded:  # not read in this unit of work: as they are now
            held = await self._s.exec(
                select(CertificateRow).where(col(CertificateRow.worker_id) == w.id)
            )
            self._loaded[w.id] = _by_certificate(held.all())
        left = {cert: list(ids) for cert, ids in self._loaded[w.id].items()}
        kept: dict[Certificate, list[int]] = {}
        added: list[Certificate] = []
        for cert in w.certificates:
            if left.get(cert):
                kept.setdefault(cert, []).append(left[cert].pop())
            else:
                added.append(cert)
        gone = [row_id for ids in left.values() for row_id in ids]
        if gone:
            await self._s.exec(delete(CertificateRow).where(col(CertificateRow.id).in_(gone)))
        rows = [
            CertificateRow(
                worker_id=w.id,
                kind=c.kind,
                file_ref=c.file_ref,
                expires_on=c.expires_on,
                verified=c.verified,
            )
            for c in added
        ]
        self._s.add_all(rows)
        if gone or rows:
            await self._s.flush()
        for cert, row in zip(added, rows, strict=True):
            assert row.id is not None  # flushed
            kept.setdefault(cert, []).append(row.id)
        self._loaded[w.id] = kept

    async def _to_domain(self, row: WorkerRow) -> Worker:
        return (await self._many([row]))[0]

    def _domain(self, row: WorkerRow | Row[*tuple[Any, ...]], certs: Sequence[_Held]) -> Worker:
        assert row.id is not None
        return Worker(
            id=WorkerId(row.id),
            name=row.name,
            created_at=row.created_at,
            phone=self._c.decrypt("worker.phone", row.phone_enc),
            skills=tuple(row.skills),
            certificates=tuple(_certificate(c) for c in certs),
            area=ServiceArea(
                point_from_text(self._c.decrypt("worker.center", row.center_enc)),
                row.radius_m,
                tuple(row.districts),
            ),
            status=WorkerStatus(row.status),
            online=row.online,
            level=WorkerLevel(row.level),
            rating_x100=row.rating_x100,
            good_rate_bp=row.good_rate_bp,
            reviews=row.reviews,
            review_note=row.review_note,
            daily_cap=row.daily_cap,
            lang=row.lang,
            credit_score=row.credit_score,
            complaint_rate_bp=row.complaint_rate_bp,
            level_reviewed_at=row.level_reviewed_at,
            left_at=row.left_at,
        )


class _HeldCertificate(NamedTuple):
    """A certificate's row as ``_with_status`` reads it (beside its worker's)."""

    id: int
    kind: str
    file_ref: str
    expires_on: date | None
    verified: bool


_Held = CertificateRow | _HeldCertificate


def _certificate(row: _Held) -> Certificate:
    return Certificate(row.kind, row.file_ref, row.expires_on, row.verified)


def _by_certificate(rows: Sequence[_Held]) -> dict[Certificate, list[int]]:
    """The rows' ids by the certificate each holds (a worker may hold one twice)."""
    out: dict[Certificate, list[int]] = {}
    for row in rows:
        assert row.id is not None
        out.setdefault(_certificate(row), []).append(row.id)
    return out


def served_from_rows(workers: Sequence[Any], documents: Sequence[Any]) -> tuple[Served, ...]:
    """The workers who served a customer, each with their documents, from the rows of a
    checkout's ``served`` and ``served_documents`` parts (``store.order_queries.checkout``)."""
    held: dict[int, list[Certificate]] = {}
    for row in documents:
        held.setdefault(int(row.worker_id), []).append(_certificate(row))
    return tuple(
        Served(
            worker_id=int(row.id),
            name=row.name,
            rating_x100=int(row.rating_x100),
            reviews=int(row.reviews),
            status=WorkerStatus(row.status),
            skills=frozenset(row.skills or ()),
            certificates=tuple(held.get(int(row.id), ())),
            last_order_id=int(row.last_order_id or 0),
        )
        for row in workers
    )
