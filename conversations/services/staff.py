"""Who the admins are, as every process sees them: ``DAOJIA_ADMINS`` (the bootstrap, fixed at
start) plus the admins owners add in chat (the ``admins`` table, ``/admin add|remove|list``).

The chat engine asks for the sender's role on every message, so the table is read at most once
per ``ttl_s`` per process and served from memory in between: an added or removed admin takes
effect everywhere within ``ttl_s`` without a restart. Commands that change or reveal something
check the role again in their own transaction (``role_in``), so a removed admin's last seconds
of cache cannot run them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from domain.admin import AdminGrant, check
from domain.audit import contact_read
from domain.catalog import Catalog
from domain.ports import Reads, UnitOfWork
from domain.privacy import loggable_traceback


class Staffed(Protocol):
    """What ``authorize`` needs: the admins as every process sees them."""

    admins: AdminDirectory


log = logging.getLogger(__name__)

Grant = tuple[str, str, str]
"""(channel, user id, role)."""
TTL_S = 5.0


class TtlCache:
    """One value refreshed by ``load`` when older than ``ttl`` (by the injected clock); one
    refresh at a time; a failed refresh keeps serving the last value."""

    def __init__(self, clock: Callable[[], datetime], ttl_s: float) -> None:
        self.clock = clock
        self.ttl = timedelta(seconds=ttl_s)
        self.loaded_at: datetime | None = None
        self._lock = asyncio.Lock()

    def fresh(self) -> bool:
        now = self.clock()
        return self.loaded_at is not None and self.loaded_at <= now < self.loaded_at + self.ttl

    def expire(self) -> None:
        self.loaded_at = None

    async def refresh(self, load: Callable[[], Awaitable[None]]) -> None:
        if self.fresh():
            return
        async with self._lock:
            if self.fresh():  # another task refreshed it while this one waited
                return
            started = self.clock()
            try:
                await load()
            except Exception as exc:  # the database is away: keep what we had, retry next time
                log.warning(
                    "refresh failed; serving the cached value\n%s", loggable_traceback(exc)
                )
            self.loaded_at = started


class AdminDirectory:
    def __init__(
        self,
        *,
        bootstrap: Sequence[Grant] | Mapping[tuple[str, str], str] = (),
        uow: Callable[[], UnitOfWork] | None = None,
        clock: Callable[[], datetime],
        ttl_s: float = TTL_S,
        demo_web_admin: bool = False,
    ) -> None:
        if isinstance(bootstrap, Mapping):
            bootstrap = [(ch, uid, role) for (ch, uid), role in bootstrap.items()]
        self.bootstrap: dict[tuple[str, str], str] = {(ch, uid): r for ch, uid, r in bootstrap}
        self.uow = uow
        self._cache = TtlCache(clock, ttl_s)
        self._added: dict[tuple[str, str], str] = {}
        self.demo_web_admin = demo_web_admin
        """The demo: the web chat's admin pane plays the owner (no configuration needed)."""
        self._panes: set[tuple[str, str]] = set()
        """The demo's admin panes that ever spoke (their language rows say so, read at
        start-up and with the admins): they get the owner's alerts."""
        self._langs: dict[tuple[str, str], str] = {}
        """Each admin's language, as the table says (read with the admins: a row each, of
        role "" for those whose role is given elsewhere — ``DAOJIA_ADMINS``, the demo's
        panes) or as heard since by this process."""

    def configured(self, channel: str, user_id: str) -> bool:
        """True for an admin of ``DAOJIA_ADMINS`` (changed only by configuration)."""
        return (channel, user_id) in self.bootstrap

    async def role(self, channel: str, user_id: str) -> str:
        """The account's admin role, or "" (cached; the hot path of every message)."""
        fixed = self.bootstrap.get((channel, user_id), "")
        if fixed:
            return fixed
        await self._refresh()
        return self._added.get((channel, user_id), "") or self._pane(channel, user_id)

    def known(self, channel: str, user_id: str) -> str | None:
        """The role without reading the database: None when the cache must be refreshed
        first (``role`` does, in the caller's transaction when it is a chat turn's)."""
        fixed = self.bootstrap.get((channel, user_id), "")
        if fixed:
            return fixed
        if self.uow is not None and not self._cache.fresh():
            return None
        return self._added.get((channel, user_id), "") or self._pane(channel, user_id)

    async def grants_in(self, uow: UnitOfWork) -> list[Grant]:
        """Every admin, reading a stale cache through the caller's transaction: a notice
        written inside a unit of work must not wait for a second connection (under load,
        every connection may be held by a turn waiting for one — a deadlock)."""
        if self.uow is not None and not self._cache.fresh():
            self._loaded(await uow.admins.all(languages=True))
            self._cache.loaded_at = self._cache.clock()
        merged = {**dict.fromkeys(self._panes, "owner"), **self._added, **self.bootstrap}
        return [(ch, uid, role) for (ch, uid), role in merged.items()]

    def lang_of(self, channel: str, user_id: str) -> str:
        """The language the admin chats in (their notices'), "zh" until known."""
        return self._langs.get((channel, user_id), "zh")

    def heard(self, channel: str, user_id: str, lang: str) -> bool:
        """The admin spoke in ``lang``; True when that must be written (``SetAdminLanguage``):
        their row says another language, or this process has not read it yet (one write per
        admin and process at most, then only when they change language: a normal turn
        writes nothing). Every admin has a row for it, those of ``DAOJIA_ADMINS`` and the
        demo's panes too (of role "", granting nothing), so every process and every restart
        writes their notices in it."""
        key = (channel, user_id)
        known = self._langs.get(key)
        self._langs[key] = lang
        return known != lang

    async def role_in(self, uow: Reads, channel: str, user_id: str) -> str:
        """The role as the database says now, inside ``uow`` (for commands)."""
        fixed = self.bootstrap.get((channel, user_id), "")
        if fixed:
            return fixed
        grant = await uow.admins.get(channel, user_id)
        return (grant.role if grant else "") or self._pane(channel, user_id)

    def changed(self) -> None:
        """This process changed the table: read it again on the next lookup."""
        self._cache.expire()

    def _pane(self, channel: str, user_id: str) -> str:
        """The owner's role for a demo admin pane that no one gave a role in chat (the caller
        looked for one first: an added role is the pane's), else ""."""
        if self.demo_web_admin and channel == "web" and user_id.endswith("-admin"):
            self._panes.add((channel, user_id))
            return "owner"
        return ""

    async def _refresh(self) -> None:
        if self.uow is None:
            return
        await self._cache.refresh(self._load)

    async def _load(self) -> None:
        assert self.uow is not None
        async with self.uow() as uow:
            rows = await uow.admins.all(languages=True)
        self._loaded(rows)

    def _loaded(self, rows: Sequence[AdminGrant]) -> None:
        """``rows``: the admins added in chat and the language-only rows (role "")."""
        self._added = {(g.channel, g.user_id): g.role for g in rows if g.role}
        self._langs.update({(g.channel, g.user_id): g.lang for g in rows})
        for g in rows:  # a demo pane that spoke before a restart still gets the owner's alerts
            self._pane(g.channel, g.user_id)


class LivePrices:
    """The catalog with the admins' price changes, for showing prices in chat (cached like
    the admins). Quotes never use this: ``order_steps.price`` reads the number of price
    changes in its own transaction (and the prices when that number moved), so an order is
    always priced as the database says."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        uow: Callable[[], UnitOfWork] | None = None,
        clock: Callable[[], datetime],
        ttl_s: float = TTL_S,
    ) -> None:
        self.base = catalog
        self.uow = uow
        self._cache = TtlCache(clock, ttl_s)
        self._prices: dict[str, int] = {}
        self._catalog = catalog

    async def catalog(self) -> Catalog:
        if self.uow is not None:
            await self._cache.refresh(self._load)
        return self._catalog

    def changed(self) -> None:
        self._cache.expire()

    async def _load(self) -> None:
        assert self.uow is not None
        async with self.uow() as uow:
            prices = await uow.prices.current()
        if prices != self._prices:
            self._prices, self._catalog = prices, self.base.with_prices(prices)


async def authorize(s: Staffed, uow: Reads, command: str, admin: str) -> str:
    """The admin's role as it is now; raises NotPermitted naming the roles that may."""
    return await role_for(s.admins, uow, command, admin)


async def role_for(admins: AdminDirectory, uow: Reads, command: str, admin: str) -> str:
    """``authorize`` for a view, which names the directory rather than a desk's ``Deps``."""
    channel, _, user_id = admin.partition(":")
    role = await admins.role_in(uow, channel, user_id)
    check(role, command)
    return role


async def audit_read(
    uow: UnitOfWork,
    at: datetime,
    admin: str,
    role: str,
    action: str,
    target: str,
    fields: list[str],
    **about: object,
) -> None:
    """Put on the record (and commit) that ``admin`` was shown ``fields`` of ``target`` in
    full (``contact_read``: which fields, never their values); none shown, nothing is."""
    if fields:
        await uow.audit.append(contact_read(at, admin, role, action, target, fields, **about))
        await uow.commit()
