"""The append-only audit log (the database refuses updates and deletes on it)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.audit import AuditEntry
from store.tables import AuditRow


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def append(self, entry: AuditEntry) -> int:
        """Write ``entry``; its id in the log."""
        row = AuditRow(
            at=entry.at,
            actor=entry.actor,
            role=entry.role,
            action=entry.action,
            target=entry.target,
            before=dict(entry.before),
            after=dict(entry.after),
        )
        self._s.add(row)
        await self._s.flush()
        assert row.id is not None
        return row.id

    async def entry(self, entry_id: int) -> AuditEntry | None:
        """The entry of this id, or None."""
        r = await self._s.get(AuditRow, entry_id)
        return None if r is None else _entry(r)

    async def for_target(self, target: str, limit: int = 100) -> list[AuditEntry]:
        rows = await self._s.exec(
            select(AuditRow)
            .where(AuditRow.target == target)
            .order_by(col(AuditRow.id))
            .limit(limit)
        )
        return [_entry(r) for r in rows.all()]

    async def of_actor(self, actor: str, action: str, since: datetime) -> list[AuditEntry]:
        """``actor``'s ``action`` entries at ``since`` or later, newest first (at most 100)."""
        rows = await self._s.exec(
            select(AuditRow)
            .where(AuditRow.actor == actor, AuditRow.action == action, col(AuditRow.at) >= since)
            .order_by(col(AuditRow.id).desc())
            .limit(100)
        )
        return [_entry(r) for r in rows.all()]


def _entry(r: AuditRow) -> AuditEntry:
    return AuditEntry(r.at, r.actor, r.action, r.target, r.role, r.before, r.after)
