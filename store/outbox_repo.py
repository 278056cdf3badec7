"""The outbox table: messages written with the change they report, claimed with a lease by
whichever process drains first (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one
writer at a time), so each is sent by one process; a person's messages are due one at a time,
oldest first, so they arrive in order even across retries.

A message's replies and template message are sealed with the PII key (``replies_enc``,
``template_enc``): an SOS to ops carries phones and an address, a relayed message its text. Rows
queued before they were sealed keep theirs in the plain ``replies`` and ``template``, and are
read from there."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Delete, bindparam, delete, exists, func, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.outbox import OutboxMessage, OutboxStatus
from store.crypto import OUTBOX_REPLIES_FIELD, OUTBOX_TEMPLATE_FIELD, PiiCipher
from store.prepared import execute, insert_one
from store.tables import OutboxRow
from store.tables.core import OUTBOX

_FORGET: Delete = delete(OUTBOX).where(
    OUTBOX.c.status != OutboxStatus.PENDING.value,  # sent or dead
    OUTBOX.c.created_at < bindparam("before"),
)


class OutboxRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._cipher = cipher

    async def add(self, message: OutboxMessage) -> int:
        """One prepared INSERT … RETURNING id (an ORM object and its flush cost more than
        the statement)."""
        message.id = await insert_one(
            self._s,
            OUTBOX,
            {
                "channel": message.channel,
                "user_id": message.user_id,
                "lang": message.lang,
                "event": message.event,
                "replies": [],
                "replies_enc": self._cipher.seal(
                    OUTBOX_REPLIES_FIELD, orjson.dumps(message.replies)
                ),
                "template": None,
                "template_enc": self._seal_template(message.template),
                "status": message.status.value,
                "next_attempt_at": message.next_attempt_at,
                "created_at": message.created_at,
                "claimed_until": message.claimed_until,
                "attempts": message.attempts,
                "progress": message.progress,
                "sent_at": message.sent_at,
                "last_error": message.last_error,
            },
        )
        return message.id

    async def claim(
        self, now: datetime, until: datetime, limit: int, ids: Sequence[int] = ()
    ) -> list[OutboxMessage]:
        earlier = aliased(OutboxRow)
        due = select(OutboxRow.id).where(
            OutboxRow.status == OutboxStatus.PENDING.value,
            col(OutboxRow.next_attempt_at) <= now,
            or_(col(OutboxRow.claimed_until).is_(None), col(OutboxRow.claimed_until) < now),
            # one person's messages go out in order: only the oldest pending one is due
            ~exists().where(
                col(earlier.channel) == OutboxRow.channel,
                col(earlier.user_id) == OutboxRow.user_id,
                col(earlier.status) == OutboxStatus.PENDING.value,
                col(earlier.id) < col(OutboxRow.id),
            ),
        )
        if ids:
            due = due.where(col(OutboxRow.id).in_(list(ids)))
        due = due.order_by(col(OutboxRow.id)).limit(limit).with_for_update(skip_locked=True)
        result = await self._s.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id).in_(due.scalar_subquery()))
            .values(claimed_until=until)
            .returning(OutboxRow)
            .execution_options(synchronize_session=False)
        )
        rows = sorted(result.scalars().all(), key=lambda r: r.id or 0)
        return [self._message(r) for r in rows]

    async def waiting_before(self, messages: Sequence[OutboxMessage]) -> set[tuple[str, str]]:
        """The recipients of ``messages`` who have an older message still pending."""
        first: dict[tuple[str, str], int] = {}
        for m in messages:
            first.setdefault((m.channel, m.user_id), m.id or 0)
        rows = await self._s.exec(
            select(OutboxRow.channel, OutboxRow.user_id, func.min(OutboxRow.id))
            .where(
                OutboxRow.status == OutboxStatus.PENDING.value,
                col(OutboxRow.user_id).in_({user for _, user in first}),
            )
            .group_by(col(OutboxRow.channel), col(OutboxRow.user_id))
        )
        return {
            (channel, user)
            for channel, user, oldest in rows.all()
            if (channel, user) in first and oldest is not None and oldest < first[channel, user]
        }

    async def save(self, message: OutboxMessage) -> None:
        await self._s.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id) == message.id)
            .values(
                status=message.status.value,
                attempts=message.attempts,
                progress=message.progress,
                next_attempt_at=message.next_attempt_at,
                sent_at=message.sent_at,
                last_error=message.last_error,
                template=None,
                template_enc=self._seal_template(message.template),
                claimed_until=None,
            )
            .execution_options(synchronize_session=False)
        )

    async def counts(self) -> dict[str, int]:
        rows = await self._s.exec(
            select(OutboxRow.status, func.count()).group_by(col(OutboxRow.status))
        )
        return {status: n for status, n in rows.all()}

    async def forget_before(self, when: datetime) -> int:
        """Drop the sent and dead messages written before ``when``; pending ones stay."""
        return await execute(self._s, _FORGET, {"before": when})

    def _seal_template(self, template: dict[str, Any] | None) -> bytes:
        if template is None:
            return b""
        return self._cipher.seal(OUTBOX_TEMPLATE_FIELD, orjson.dumps(template))

    def _message(self, r: OutboxRow) -> OutboxMessage:
        if r.replies_enc:
            replies = orjson.loads(self._cipher.unseal(OUTBOX_REPLIES_FIELD, r.replies_enc))
        else:  # queued before replies were sealed
            replies = list(r.replies)
        if r.template_enc:
            template = orjson.loads(self._cipher.unseal(OUTBOX_TEMPLATE_FIELD, r.template_enc))
        else:
            template = dict(r.template) if r.template else None
        return OutboxMessage(
            id=r.id,
            channel=r.channel,
            user_id=r.user_id,
            lang=r.lang,
            event=r.event,
            replies=replies,
            template=template,
            created_at=r.created_at,
            next_attempt_at=r.next_attempt_at,
            status=OutboxStatus(r.status),
            attempts=r.attempts,
            progress=r.progress,
            sent_at=r.sent_at,
            last_error=r.last_error,
        )
