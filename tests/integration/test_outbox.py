"""The outbox on SQLite and PostgreSQL: a platform outage delays messages and never loses or
duplicates them; a message half sent resumes where it stopped; one that can never arrive is
kept as dead; several drains at once send each message once."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from conversations.replies import Reply
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import to_customer
from conversations.services.postman import Postman
from domain.errors import DeliveryFailed
from domain.outbox import OutboxMessage
from domain.people import Channel, Customer, Identity
from domain.rules import NotificationRules
from tests import random_refs

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
RULES = NotificationRules(max_attempts=5, retry_base_s=10, retry_cap_s=60)
_ids = itertools.count(1)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Platform:
    """A chat platform: each reply is one part; ``outage`` calls fail; ``plan`` fails a given
    (user, part) once; ``gone`` users have blocked the bot."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.outage = 0
        self.plan: set[tuple[str, int]] = set()
        self.gone: set[str] = set()
        self.calls = 0

    def prepare(self, channel: str, notice: Any, user_id: str, lang: str) -> None:
        return None

    async def send(
        self,
        channel: str,
        user_id: str,
        replies: list[Reply],
        *,
        extra: dict[str, Any] | None = None,
        skip: int = 0,
        lang: str = "zh",
    ) -> None:
        self.calls += 1
        await asyncio.sleep(0)  # let concurrent drains interleave
        for part, reply in enumerate(replies[skip:], skip):
            if user_id in self.gone:
                raise DeliveryFailed("Forbidden: bot was blocked by the user", permanent=True)
            if self.outage:
                self.outage -= 1
                raise DeliveryFailed("502 Bad Gateway", sent=part)
            if (user_id, part) in self.plan:
                self.plan.discard((user_id, part))
                raise DeliveryFailed("timed out", sent=part)
            self.delivered.append(
                (user_id, getattr(reply, "url", "") or getattr(reply, "text", ""))
            )

    def to(self, user_id: str) -> list[str]:
        return [text for uid, text in self.delivered if uid == user_id]


async def customer_on_web(database) -> tuple[int, str]:
    user_id = f"outbox-{next(_ids)}-{random_refs.phone()}-customer"
    async with database.uow() as uow:
        customer = await uow.customers.add(
            Customer(created_at=START, phone=random_refs.phone(), name="王女士", lang="en")
        )
        await uow.identities.add(Identity(Channel.WEB, user_id, customer.id, None))
        await uow.commit()
    return customer.id, user_id


def postman(database, platform: Platform, clock: Clock) -> Postman:
    return Postman(
        uow=database.uow,
        templates=NoticeTemplates(ZoneInfo("Asia/Shanghai"), clock),
        sender=platform,
        admins=[],
        clock=clock,
        rules=RULES,
    )


async def post(database, p: Postman, customer_id: int, *numbers: int) -> list[OutboxMessage]:
    async with database.uow() as uow:
        ids = await p.post(uow, [to_customer(customer_id, "job_lost", number=n) for n in numbers])
        await uow.commit()
    return ids


async def drain_until_quiet(p: Postman, clock: Clock, rounds: int = 12) -> None:
    for _ in range(rounds):
        await p.drain()
        clock.now += timedelta(seconds=RULES.retry_cap_s)


async def test_an_outage_delays_messages_then_each_arrives_once_and_in_order(database):
    platform, clock = Platform(), Clock()
    p = postman(database, platform, clock)
    (a, user_a), (b, user_b) = await customer_on_web(database), await customer_on_web(database)
    ids = await post(database, p, a, 1, 2, 3) + await post(database, p, b, 4, 5)
    platform.outage = 4
    await p.flush(ids)  # right after the commit: the platform is down
    assert platform.to(user_a) == [] and platform.to(user_b) == []
    await p.drain()  # not due yet: backing off
    assert platform.to(user_a) == []
    await drain_until_quiet(p, clock)
    assert platform.to(user_a) == [f"Order #{n} was taken by another worker." for n in (1, 2, 3)]
    assert platform.to(user_b) == [f"Order #{n} was taken by another worker." for n in (4, 5)]
    calls = platform.calls
    await drain_until_quiet(p, clock)  # nothing left: the sweep is idempotent
    assert platform.calls == calls


async def test_a_message_half_sent_resumes_after_the_part_that_arrived(database):
    platform, clock = Platform(), Clock()
    p = postman(database, platform, clock)
    customer_id, user_id = await customer_on_web(database)
    async with database.uow() as uow:
        notice = to_customer(
            customer_id,
            "finished",
            number=9,
            photos=["https://x.example/1.jpg", "https://x.example/2.jpg"],
            balance=0,
            hours=24,
        )
        ids = await p.post(uow, [notice])
        await uow.commit()
    platform.plan = {(user_id, 2)}  # the second photo's link times out
    await p.flush(ids)
    await drain_until_quiet(p, clock)
    texts = platform.to(user_id)
    assert len(texts) == 3 and "Order #9 is finished" in texts[0]  # the text, once
    assert texts[1:] == ["https://x.example/1.jpg", "https://x.example/2.jpg"]  # once each


async def test_a_person_who_blocked_the_bot_does_not_hold_up_the_others(database):
    platform, clock = Platform(), Clock()
    p = postman(database, platform, clock)
    (a, user_a), (b, user_b) = await customer_on_web(database), await customer_on_web(database)
    platform.gone = {user_a}
    ids = await post(database, p, a, 1) + await post(database, p, b, 2)
    await p.flush(ids)
    assert platform.to(user_b) == ["Order #2 was taken by another worker."]
    calls = platform.calls
    await drain_until_quiet(p, clock)
    assert platform.calls == calls  # dead: never tried again
    async with database.uow() as uow:
        [dead] = await uow.outbox.claim(clock.now, clock.now, 10, [ids[0].id]) or [None]
    assert dead is None  # a dead message is never claimed again


async def test_messages_that_keep_failing_are_given_up_after_the_last_attempt(database):
    platform, clock = Platform(), Clock()
    p = postman(database, platform, clock)
    customer_id, user_id = await customer_on_web(database)
    ids = await post(database, p, customer_id, 1)
    platform.outage = 10**6
    await p.flush(ids)
    await drain_until_quiet(p, clock, rounds=20)
    assert platform.calls == RULES.max_attempts
    platform.outage = 0
    await drain_until_quiet(p, clock)
    assert platform.to(user_id) == []


async def test_several_drains_at_once_send_each_message_once(database):
    platform, clock = Platform(), Clock()
    drains = [postman(database, platform, clock) for _ in range(4)]
    users = [await customer_on_web(database) for _ in range(5)]
    for customer_id, _ in users:
        await post(database, drains[0], customer_id, *range(1, 7))
    for _ in range(3):
        await asyncio.gather(*(d.drain() for d in drains))
        clock.now += timedelta(seconds=RULES.lease_s + 1)
    for _, user_id in users:
        assert platform.to(user_id) == [
            f"Order #{n} was taken by another worker." for n in range(1, 7)
        ]
