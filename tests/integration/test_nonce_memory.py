"""One contract for both nonce memories (WeChat's replay window): in memory (one process) and
real Redis."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as aioredis

from store.nonces import LocalNonceMemory, RedisNonceMemory

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.fixture(params=["local", "redis"])
async def memory(request):
    if request.param == "local":
        yield LocalNonceMemory()
        return
    client = aioredis.from_url(request.getfixturevalue("redis_url"))
    yield RedisNonceMemory(client)
    await client.aclose()


def key() -> str:
    return uuid.uuid4().hex


async def test_a_new_request_is_admitted_and_so_is_the_identical_one_again(memory):
    k = key()
    assert await memory.admit("wechat", k, "body-a", 300, NOW)
    assert await memory.admit("wechat", k, "body-a", 300, NOW + timedelta(seconds=5))
    assert await memory.admit("wechat", k, "body-a", 300, NOW + timedelta(seconds=9))


async def test_the_same_key_with_other_content_is_refused_and_does_not_replace_the_first(memory):
    k = key()
    assert await memory.admit("wechat", k, "body-a", 300, NOW)
    assert not await memory.admit("wechat", k, "body-b", 300, NOW)
    assert await memory.admit("wechat", k, "body-a", 300, NOW)  # the first one still passes


async def test_keys_are_kept_apart_by_key_and_channel(memory):
    k = key()
    assert await memory.admit("wechat", k, "body-a", 300, NOW)
    assert await memory.admit("wechat", key(), "body-b", 300, NOW)
    assert await memory.admit("other", k, "body-b", 300, NOW)


async def test_of_concurrent_requests_under_one_key_only_one_content_gets_in(memory):
    k = key()
    admitted = await asyncio.gather(
        *[memory.admit("wechat", k, f"body-{i % 4}", 300, NOW) for i in range(40)]
    )
    winners = {f"body-{i % 4}" for i, ok in enumerate(admitted) if ok}
    assert len(winners) == 1
    assert sum(admitted) == 10  # every copy of the winning content


async def test_redis_memory_is_shared_between_processes_and_expires(redis_url):
    k = key()
    clients = [aioredis.from_url(redis_url) for _ in range(2)]
    try:
        one, two = (RedisNonceMemory(c) for c in clients)
        assert await one.admit("wechat", k, "body-a", 120, NOW)
        assert not await two.admit("wechat", k, "body-b", 120, NOW)
        assert await two.admit("wechat", k, "body-a", 120, NOW)
        ttl = await clients[0].ttl(f"daojia:wechat:nonce:{k}")
        assert 0 < ttl <= 120
    finally:
        for client in clients:
            await client.aclose()


async def test_the_local_memory_forgets_by_the_clock_it_is_given():
    memory = LocalNonceMemory()
    k = key()
    assert await memory.admit("wechat", k, "body-a", 300, NOW)
    assert not await memory.admit("wechat", k, "body-b", 300, NOW + timedelta(seconds=299))
    assert await memory.admit("wechat", k, "body-b", 300, NOW + timedelta(seconds=300))
    assert not await memory.admit("wechat", k, "body-a", 300, NOW + timedelta(seconds=301))
    for i in range(5):  # expired entries are dropped as time goes on
        await memory.admit("wechat", key(), "x", 10, NOW + timedelta(seconds=400 + i))
    assert len(memory) == 6  # k (kept until 900 s) and the five new ones
    await memory.admit("wechat", key(), "x", 10, NOW + timedelta(seconds=901))
    assert len(memory) == 1


async def test_the_local_memory_is_bounded_and_lets_the_oldest_go_first():
    memory = LocalNonceMemory(max_entries=3)
    keys = [key() for _ in range(4)]
    for k in keys:
        assert await memory.admit("wechat", k, "body-a", 300, NOW)
    assert len(memory) == 3
    assert await memory.admit("wechat", keys[0], "body-b", 300, NOW)  # forgotten
    assert not await memory.admit("wechat", keys[3], "body-b", 300, NOW)


async def test_redis_checks_arriving_together_share_one_round_trip(redis_url, monkeypatch):
    """The checks of requests that arrive in one pass of the event loop go as one pipeline
    (``store.redis_batch``), each still answered on its own."""
    from redis.asyncio.client import Pipeline

    sent: list[int] = []
    execute = Pipeline.execute

    async def counted(pipe: Pipeline, *args, **kwargs):
        sent.append(len(pipe.command_stack))
        return await execute(pipe, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counted)
    client = aioredis.from_url(redis_url)
    try:
        memory = RedisNonceMemory(client)
        taken = key()
        assert await memory.admit("wechat", taken, "body-a", 300, NOW)  # alone: a plain call
        assert sent == []
        admitted = await asyncio.gather(
            *[memory.admit("wechat", key(), "body", 300, NOW) for _ in range(20)],
            memory.admit("wechat", taken, "body-b", 300, NOW),
        )
    finally:
        await client.aclose()
    assert admitted == [True] * 20 + [False]
    assert sent == [21]
