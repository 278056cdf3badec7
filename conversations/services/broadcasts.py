"""Broadcasts: ``/broadcast TEXT`` previews a message to every customer — what they will read,
how many chat accounts it reaches on each channel — and keeps it as a draft; ``/broadcast send
ID`` sends it, once, through the outbox (its sweep delivers at the platforms' pace).

The draft is the preview's entry in the audit log (``broadcast_preview``, the text in it), as a
campaign's draft is its row: the log is append-only, so the text confirmed is the text
previewed. The sending is logged as ``broadcast`` on ``broadcast:ID``; a draft with that entry
is not sent again. At most one broadcast per ``rules.risk.broadcast_every_minutes``, shared by
every process: the claim of that turn also orders two confirmations of one draft.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from conversations.events import Result
from conversations.replies import Ask, Say
from conversations.results.admin_people import BroadcastPreviewed, BroadcastQueued
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_customer
from conversations.services.staff import authorize
from domain import commands as c
from domain import limits
from domain.admin import broadcast_next_at
from domain.audit import AuditEntry
from domain.errors import DomainError
from domain.limits import within
from domain.moments import clock_or_when
from domain.people import Channel
from domain.ports import UnitOfWork
from domain.text import N_

AUDIENCE_PAGE = 500
PREVIEWED = "broadcast_preview"
"""The audit action that keeps a draft."""


def _target(draft: int) -> str:
    return f"broadcast:{draft}"


class BroadcastDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.Broadcast: self.preview, c.SendBroadcast: self.send}

    def _seen(self, notice: Notice, lang: str) -> str:
        """The message as a customer reading ``lang`` gets it."""
        head = self.s.postman.templates.render(notice, Channel.TELEGRAM, lang)[0]
        return head.text if isinstance(head, Say | Ask) else ""

    async def preview(self, cmd: c.Broadcast) -> list[Result]:
        """Count the accounts the text would reach and keep it as a draft; nothing is sent."""
        now = self.s.clock()
        text = cmd.text.strip()
        if not text:
            raise DomainError(N_("请写群发内容"))
        within(limits.BROADCAST, text)  # the console said so already; a direct caller too
        counts: Counter[str] = Counter()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "broadcast", cmd.admin)
            after: int | None = 0
            while after is not None:
                after, accounts = await uow.admin_reports.audience(after, AUDIENCE_PAGE)
                counts.update(channel for channel, _, _ in accounts)
            to = sum(counts.values())
            draft = await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    PREVIEWED,
                    "customers",
                    role,
                    {},
                    {"text": text, "to": to, "channels": dict(counts)},
                )
            )
            await uow.commit()
        notice = to_customer(0, "broadcast", text=text)
        order = [str(x) for x in Channel] + sorted(set(counts) - {str(x) for x in Channel})
        return [
            BroadcastPreviewed(
                draft,
                tuple((lang, self._seen(notice, lang)) for lang in ("zh", "en")),
                tuple((ch, counts[ch]) for ch in order if counts[ch]),
                to,
            )
        ]

    async def _sent(self, uow: UnitOfWork, draft: int) -> None:
        if await uow.audit.for_target(_target(draft), 1):
            raise DomainError(N_("群发 #{id} 已发送过", id=draft))

    async def send(self, cmd: c.SendBroadcast) -> list[Result]:
        """The confirmation: the draft to every customer's chat accounts (those reachable
        now, which may be more or fewer than the preview counted)."""
        now = self.s.clock()
        every = self.s.rules.risk.broadcast_every_minutes
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "broadcast", cmd.admin)
            kept = await uow.audit.entry(cmd.draft)
            if kept is None or kept.action != PREVIEWED:
                raise DomainError(N_("没有群发 #{id}", id=cmd.draft))
            await self._sent(uow, cmd.draft)
            busy = await uow.throttles.claim("broadcast", now, broadcast_next_at(now, every))
            if busy is not None:
                at = clock_or_when(busy, now, self.s.tz)
                raise DomainError(
                    N_("每 {every} 分钟最多群发一次,{at} 后可再发", every=every, at=at)
                )
            await self._sent(uow, cmd.draft)  # a confirmation that waited for the turn
            text = str(kept.after.get("text", ""))
            notice = to_customer(0, "broadcast", text=text)
            after: int | None = 0
            sent = 0
            while after is not None:
                after, accounts = await uow.admin_reports.audience(after, AUDIENCE_PAGE)
                sent += len(await self.s.postman.post_to(uow, notice, accounts))
            await uow.audit.append(
                AuditEntry(
                    now,
                    cmd.admin,
                    "broadcast",
                    _target(cmd.draft),
                    role,
                    {},
                    {"text": text, "to": sent},
                )
            )
            await uow.commit()
        return [BroadcastQueued(sent, broadcast_next_at(now, every))]
