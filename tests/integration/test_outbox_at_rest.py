"""The outbox at rest on SQLite and PostgreSQL: a waiting message's replies and template
message are sealed (an SOS to ops carries phones and an address), rows queued before they
were sealed are still delivered, and sent and dead messages are dropped after their time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from domain.outbox import OutboxMessage, OutboxStatus
from store.outbox_repo import OUTBOX
from tests import random_refs
from tests.integration.test_outbox import START, Clock, Platform, customer_on_web, postman

ADDRESS = "上海市徐汇区漕溪北路88号12楼1203室"


def sos_replies(phones: list[str]) -> list[dict[str, Any]]:
    text_ = f"🆘 紧急求助 #42\n客户 {phones[0]}\n师傅 {phones[1]}\n地址 {ADDRESS}"
    return [
        {"type": "Say", "text": text_, "buttons": []},
        {"type": "Location", "lat": 31.188, "lon": 121.437, "label": ADDRESS},
    ]


def plain_text(value: Any) -> str:
    """A raw column as text, in every form JSON may have kept it (escaped or not)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value) + json.dumps(value, ensure_ascii=False)
    return str(value)


def leaks(row: Any, secrets: list[str]) -> list[str]:
    raw = "".join(plain_text(v) for v in row)
    forms = [s for secret in secrets for s in (secret, json.dumps(secret)[1:-1])]
    forms += [s.encode().decode("latin-1") for s in secrets]  # UTF-8 bytes of a BLOB
    return [s for s in forms if s in raw]


async def test_a_waiting_message_keeps_no_phone_or_address_in_the_clear_and_reads_back_equal(
    database,
):
    phones = [random_refs.phone(), random_refs.phone()]
    replies = sos_replies(phones)
    template = {"touser": "o-ops", "data": {"keyword1": {"value": f"{phones[0]} {ADDRESS}"}}}
    user_id = f"ops-{random_refs.phone()}"
    message = OutboxMessage(
        "telegram", user_id, "sos", replies, START, START, template=template, last_error=""
    )
    async with database.uow() as uow:
        await uow.outbox.add(message)
        await uow.commit()
    async with database.uow() as uow:
        conn = await uow.session.connection()
        [row] = (
            await conn.execute(text("SELECT * FROM outbox WHERE id = :id"), {"id": message.id})
        ).all()
        [read] = await uow.outbox.claim(START, START + timedelta(minutes=1), 10, [message.id])
        read.template = {**template, "fallback": {"touser": "o-ops"}}
        await uow.outbox.save(read)  # a saved template is sealed too
        await uow.commit()
    assert leaks(row, [*phones, ADDRESS, "121.437"]) == []
    assert (read.replies, read.template) == (
        replies,
        {**template, "fallback": {"touser": "o-ops"}},
    )
    async with database.uow() as uow:
        conn = await uow.session.connection()
        [saved] = (
            await conn.execute(text("SELECT * FROM outbox WHERE id = :id"), {"id": message.id})
        ).all()
        [again] = await uow.outbox.claim(START, START, 10, [message.id])
    assert leaks(saved, [*phones, ADDRESS]) == []
    assert (again.replies, again.template) == (read.replies, read.template)


async def test_a_message_queued_before_sealing_is_still_delivered(database):
    platform, clock = Platform(), Clock()
    _, user_id = await customer_on_web(database)
    async with database.uow() as uow:  # as the outbox wrote it before revision 0025
        conn = await uow.session.connection()
        await conn.execute(
            insert(OUTBOX).values(
                channel="web",
                user_id=user_id,
                lang="en",
                event="job_lost",
                replies=[{"type": "Say", "text": "Order #5 was taken by another worker."}],
                template={"quiet": True},
                status="pending",
                attempts=0,
                progress=0,
                next_attempt_at=START,
                created_at=START,
                last_error="",
            )
        )
        await uow.commit()
    assert await postman(database, platform, clock).drain() >= 1
    assert platform.to(user_id) == ["Order #5 was taken by another worker."]


async def test_sent_and_dead_messages_are_dropped_after_their_time_and_pending_ones_stay(
    database,
):
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)
    user_id = f"old-{random_refs.phone()}"
    statuses = [OutboxStatus.SENT, OutboxStatus.DEAD, OutboxStatus.PENDING, OutboxStatus.SENT]
    written = [long_ago, long_ago, long_ago, long_ago + timedelta(days=40)]
    async with database.uow() as uow:
        for status, at in zip(statuses, written, strict=True):
            message = OutboxMessage("web", user_id, "job_lost", [], at, at, status=status)
            await uow.outbox.add(message)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.outbox.forget_before(long_ago + timedelta(days=30)) == 2
        await uow.commit()
    async with database.uow() as uow:
        conn = await uow.session.connection()
        left = await conn.execute(
            select(OUTBOX.c.status, OUTBOX.c.created_at).where(OUTBOX.c.user_id == user_id)
        )
    assert sorted((s, at.year) for s, at in left.all()) == [("pending", 2001), ("sent", 2001)]
