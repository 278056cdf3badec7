"""The conversation checkpoints (``conversation_checkpoints``): a person's conversation as the
last turn that wrote to the database left it, sealed with the PII key (``store.turns``)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Delete, Insert, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.turns import Checkpoint
from store.crypto import REPLIES_FIELD, STATE_FIELD, PiiCipher
from store.prepared import execute, select_one
from store.tables.core import CHECKPOINTS

_COLUMNS = ("channel", "user_id", "version", "message_id", "state_enc", "replies_enc", "saved_at")


@cache
def _upsert(dialect_name: str) -> Insert:
    """INSERT the checkpoint, or UPDATE the stored one unless it is newer than ``base``."""
    make = sqlite.insert if dialect_name == "sqlite" else postgresql.insert
    insert = make(CHECKPOINTS).values({c: bindparam(c) for c in _COLUMNS})
    return insert.on_conflict_do_update(
        index_elements=["channel", "user_id"],
        set_={c: insert.excluded[c] for c in _COLUMNS[2:]},
        where=CHECKPOINTS.c.version <= bindparam("base"),
    )


_FORGET: Delete = delete(CHECKPOINTS).where(CHECKPOINTS.c.saved_at < bindparam("before"))


class CheckpointRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._cipher = cipher

    async def get(self, channel: str, user_id: str) -> Checkpoint | None:
        row = await select_one(self._s, CHECKPOINTS, channel=channel, user_id=user_id)
        if row is None:
            return None
        return Checkpoint(
            row.version,
            row.message_id,
            self._cipher.unseal(STATE_FIELD, row.state_enc),
            self._cipher.unseal(REPLIES_FIELD, row.replies_enc),
            row.saved_at,
        )

    async def save(
        self, channel: str, user_id: str, checkpoint: Checkpoint, base_version: int
    ) -> bool:
        params = {
            "channel": channel,
            "user_id": user_id,
            "version": checkpoint.version,
            "message_id": checkpoint.message_id,
            "state_enc": self._cipher.seal(STATE_FIELD, checkpoint.state),
            "replies_enc": self._cipher.seal(REPLIES_FIELD, checkpoint.replies),
            "saved_at": checkpoint.at,
            "base": base_version,
        }
        dialect = self._s.sync_session.get_bind().dialect.name
        return await execute(self._s, _upsert(dialect), params) == 1

    async def forget_before(self, when: datetime) -> int:
        return await execute(self._s, _FORGET, {"before": when})
