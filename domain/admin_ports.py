"""What the admin side needs from persistence: the audit log, the admins added in chat, the
prices they change and the throttles of their actions (``store`` implements these Protocols;
``domain.ports.Reads`` holds them)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.admin import AdminGrant
from domain.audit import AuditEntry
from domain.oversight import PriceChange


class Audit(Protocol):
    async def append(self, entry: AuditEntry) -> int:
        """Write ``entry``; its id in the log."""
        ...

    async def entry(self, entry_id: int) -> AuditEntry | None:
        """The entry of this id (``append``'s answer), or None."""
        ...

    async def for_target(self, target: str, limit: int = 100) -> list[AuditEntry]: ...
    async def of_actor(self, actor: str, action: str, since: datetime) -> list[AuditEntry]: ...


class Admins(Protocol):
    """Admins added in chat (``DAOJIA_ADMINS`` stay the bootstrap, outside the database),
    and every admin's language: an admin whose role is given elsewhere (``DAOJIA_ADMINS``, the
    demo's pane) has a row of role "" that keeps only that (and grants nothing)."""

    async def all(self, *, languages: bool = False) -> list[AdminGrant]:
        """The admins added in chat; ``languages``: with the rows of role "" too."""
        ...

    async def get(self, channel: str, user_id: str) -> AdminGrant | None:
        """The account's row (role "": only their language is kept), or None."""
        ...

    async def put(self, grant: AdminGrant, by: str, at: datetime) -> None: ...
    async def remove(self, channel: str, user_id: str) -> bool:
        """Remove an admin added in chat (False: none, a row of role "" included)."""
        ...

    async def set_lang(self, channel: str, user_id: str, lang: str, at: datetime) -> None:
        """The admin speaks ``lang`` (their row made, of role "", when they have none)."""
        ...


class Prices(Protocol):
    """Catalog unit prices changed by admins (for new orders), with their history."""

    async def current(self, changes: int | None = None) -> dict[str, int]:
        """``changes``: the number of price changes read in this transaction (they are
        append-only): prices remembered for that number may be answered without a read."""
        ...

    async def change(self, change: PriceChange) -> None: ...
    async def history(self, item_id: str, limit: int = 5) -> list[PriceChange]: ...


class Throttles(Protocol):
    async def claim(self, name: str, now: datetime, next_at: datetime) -> datetime | None:
        """Take the named action's turn until ``next_at`` (None), or say when it is free."""
        ...
