"""Emergency contacts (``domain.emergency``): one per customer or worker, the name and the
phone encrypted at rest."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.emergency import EmergencyContact, Holder
from store.crypto import PiiCipher
from store.tables import EmergencyContactRow

NAME = "emergency.name"
PHONE = "emergency.phone"


class EmergencyContactRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    async def _row(self, holder: Holder, holder_id: int) -> EmergencyContactRow | None:
        query = select(EmergencyContactRow).where(
            EmergencyContactRow.holder == holder.value,
            EmergencyContactRow.holder_id == holder_id,
        )
        return (await self._s.exec(query)).first()

    async def get(self, holder: Holder, holder_id: int) -> EmergencyContact | None:
        row = await self._row(holder, holder_id)
        if row is None:
            return None
        return EmergencyContact(
            self._c.decrypt(NAME, row.name_enc),
            self._c.decrypt(PHONE, row.phone_enc),
            row.relation,
        )

    async def save(
        self, holder: Holder, holder_id: int, contact: EmergencyContact, now: datetime
    ) -> None:
        """Set (or replace) the person's contact."""
        row = await self._row(holder, holder_id) or EmergencyContactRow(
            holder=holder.value, holder_id=holder_id, updated_at=now
        )
        row.name_enc = self._c.encrypt(NAME, contact.name)
        row.phone_enc = self._c.encrypt(PHONE, contact.phone)
        row.relation = contact.relation
        row.updated_at = now
        self._s.add(row)
        await self._s.flush()
