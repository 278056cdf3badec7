"""The shared counters behind the caps on codes to join a chat account ("绑定",
``domain.risk.link_windows``) and the lockouts after too many wrong codes
(``domain.risk.link_locks``), in ``link_limits`` — one database for every process."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.risk import LinkWindow
from store.crypto import PiiCipher
from store.tables import LinkLimitRow

_TABLE = LinkLimitRow.__table__  # type: ignore[attr-defined]


class LinkLimitRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    def target(self, phone: str) -> str:
        """The key of a phone number's counters: a keyed hash (no number in clear), its own
        (not the customers' lookup hash), the same whether or not anyone holds it."""
        return self._c.lookup_hash("link_target", phone)

    def _insert(self) -> postgresql.Insert | sqlite.Insert:
        assert self._s.bind is not None
        return (sqlite.insert if self._s.bind.dialect.name == "sqlite" else postgresql.insert)(
            _TABLE
        )

    async def take(self, window: LinkWindow) -> bool:
        """Count one code in ``window`` if it has room (True), else nothing (False): one
        conditional upsert — a concurrent one waits for this row and sees its count."""
        insert = self._insert().values(key=window.key, until=window.until, count=1)
        taken = await self._s.exec(
            insert.on_conflict_do_update(
                index_elements=["key", "until"],
                set_={"count": _TABLE.c.count + 1},
                where=_TABLE.c.count < window.cap,
            ).returning(_TABLE.c.count)
        )
        return taken.first() is not None

    async def locked_until(self, keys: Sequence[str], now: datetime) -> datetime | None:
        """The end of the latest lockout of ``keys`` still running at ``now``, if any."""
        rows = await self._s.exec(
            select(func.max(LinkLimitRow.until)).where(
                col(LinkLimitRow.key).in_(keys), col(LinkLimitRow.until) > now
            )
        )
        return rows.first()

    async def lock(self, keys: Sequence[str], until: datetime) -> None:
        """Lock ``keys`` until ``until`` (a lockout already running on as long stays)."""
        rows = [{"key": key, "until": until, "count": 0} for key in keys]
        await self._s.exec(self._insert().values(rows).on_conflict_do_nothing())

    async def forget_before(self, now: datetime) -> int:
        """Drop the windows and lockouts over by ``now``."""
        gone = await self._s.exec(delete(LinkLimitRow).where(col(LinkLimitRow.until) <= now))
        return int(gone.rowcount or 0)
