"""One person, several chat accounts (DESIGN §4b): a chat account joins the account that
holds a phone number once the code sent to that account's own chats is typed back.

The code is made by the asking chat's flow and kept there as a hash; this desk only sends it,
to the holder's chats — never to the asker — and says the same to the asker whether or not
anyone holds the number. The asker's own account (made at their first message) is left behind
if it has no orders (its prepaid cards move to the account joined); one with orders is not
merged, and is told so when it asks, before any code is sent.

Codes are capped in the database, for every process at once (``domain.risk.link_windows``):
per asking chat account and per number — the number counted whether or not anyone holds it,
so a refusal tells nothing of a holder — and a lockout after too many wrong codes holds both
for ``risk.link_lockout_minutes``. A refused asker is told from when they may ask again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from conversations.events import Result
from conversations.results.customers import AccountLinked, LinkRequested
from conversations.services.deps import Deps
from conversations.services.notices import to_customer
from domain import commands as c
from domain.errors import DomainError
from domain.moments import When, local_when
from domain.people import Channel, Identity
from domain.ports import UnitOfWork
from domain.risk import link_locks, link_windows
from domain.text import N_


class HasOrders(DomainError):
    """The asking chat's own account has orders: it is not merged into another."""

    def __init__(self) -> None:
        super().__init__(N_("这个聊天账号已有订单,不能再绑定到另一个账户。"))


class TooManyCodes(DomainError):
    """No new code before ``until``: a cap or a lockout of the asker or of the number."""

    def __init__(self, until: When) -> None:
        super().__init__(N_("获取验证码的次数太多了,请在 {when} 之后再发送「绑定」。", when=until))


class LinkDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.RequestLink: self.request, c.LinkAccount: self.link, c.LockLink: self.lock}

    async def request(self, cmd: c.RequestLink) -> list[Result]:
        async with self.s.uow() as uow:
            holder = await uow.customers.by_phone(cmd.phone) if cmd.phone else None
            asker = await uow.identities.get(Channel(cmd.channel), cmd.user_id)
            own = asker.customer_id if asker is not None else None
            # refused before any code is sent, as ``link`` would refuse it once typed back;
            # whoever holds the number (but the asker), so it tells the asker nothing of them
            if (
                own is not None
                and (holder is None or own != holder.id)
                and await uow.orders.for_customer(own, limit=1)
            ):
                raise HasOrders()
            target = uow.link_limits.target(cmd.phone)
            await self._count(uow, f"{cmd.channel}:{cmd.user_id}", target)
            if (
                holder is None
                or holder.id is None
                or (asker is not None and asker.customer_id == holder.id)
            ):
                await uow.commit()  # counted all the same
                return [LinkRequested(None, target)]
            notice = to_customer(
                holder.id, "link_code", code=cmd.code, channel=cmd.channel, minutes=cmd.minutes
            )
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return [LinkRequested(holder.id, target)]

    async def _count(self, uow: UnitOfWork, asker: str, target: str) -> None:
        """Count a code for ``target`` asked by ``asker``, or refuse it (``TooManyCodes``,
        with the latest end among the lockouts and the full windows: the unit of work, not
        committed, forgets whatever was counted)."""
        now = self.s.clock()
        rules = self.s.rules.risk
        until: datetime | None = await uow.link_limits.locked_until(link_locks(asker, target), now)
        for window in link_windows(asker, target, now, self.s.tz, rules):
            if not await uow.link_limits.take(window):
                until = max(until or window.until, window.until)
        if until is not None:
            raise TooManyCodes(local_when(until, now, self.s.tz))

    async def lock(self, cmd: c.LockLink) -> list[Result]:
        async with self.s.uow() as uow:
            keys = link_locks(f"{cmd.channel}:{cmd.user_id}", cmd.target)
            await uow.link_limits.lock(keys, cmd.until)
            await uow.commit()
        return []

    async def link(self, cmd: c.LinkAccount) -> list[Result]:
        async with self.s.uow() as uow:
            holder = await uow.customers.get(cmd.customer_id)
            if holder is None or holder.id is None:
                raise DomainError(N_("绑定失败,请重新获取验证码"))
            identity = await uow.identities.get(Channel(cmd.channel), cmd.user_id)
            own = identity.customer_id if identity is not None else None
            if (
                own is not None
                and own != holder.id
                and await uow.orders.for_customer(own, limit=1)
            ):
                raise HasOrders()
            joined = Identity(
                Channel(cmd.channel),
                cmd.user_id,
                holder.id,
                identity.worker_id if identity is not None else None,
            )
            if identity is None:
                await uow.identities.add(joined)
            else:
                await uow.identities.put(joined)
            if own is not None and own != holder.id:  # its prepaid cards come along
                await uow.cards.move(own, holder.id)
            notice = to_customer(holder.id, "account_linked", channel=cmd.channel)
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return [AccountLinked(holder.id)]
