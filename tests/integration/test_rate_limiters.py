"""One contract for both message rate limiters: in memory (one process) and real Redis."""

import asyncio
import uuid

import pytest
import redis.asyncio as aioredis

from store.rate_limits import LocalRateLimiter, RedisRateLimiter

WINDOW = 29_500_000  # a window number (minutes since the epoch, late 2026)


@pytest.fixture(params=["local", "redis"])
async def limiter(request):
    if request.param == "local":
        yield LocalRateLimiter()
        return
    client = aioredis.from_url(request.getfixturevalue("redis_url"))
    yield RedisRateLimiter(client)
    await client.aclose()


def user() -> str:
    return uuid.uuid4().hex[:12]


async def test_messages_are_counted_per_person_and_channel(limiter):
    a, b = user(), user()
    assert [await limiter.hit("telegram", a, WINDOW) for _ in range(3)] == [1, 2, 3]
    assert await limiter.hit("telegram", b, WINDOW) == 1
    assert await limiter.hit("wechat", a, WINDOW) == 1
    assert await limiter.hit("telegram", a, WINDOW) == 4


async def test_a_new_window_counts_from_one(limiter):
    uid = user()
    for _ in range(5):
        await limiter.hit("web", uid, WINDOW)
    assert await limiter.hit("web", uid, WINDOW + 1) == 1
    assert await limiter.hit("web", uid, WINDOW + 1) == 2


async def test_concurrent_messages_get_distinct_counts(limiter):
    uid = user()
    counts = await asyncio.gather(*[limiter.hit("web", uid, WINDOW) for _ in range(50)])
    assert sorted(counts) == list(range(1, 51))


async def test_redis_counts_are_shared_between_processes_and_expire(redis_url):
    uid = user()
    clients = [aioredis.from_url(redis_url) for _ in range(3)]
    try:
        limiters = [RedisRateLimiter(c, keep_s=90) for c in clients]
        counts = await asyncio.gather(
            *[limiters[i % 3].hit("wechat", uid, WINDOW) for i in range(30)]
        )
        assert sorted(counts) == list(range(1, 31))
        ttl = await clients[0].ttl(f"daojia:wechat:{uid}:rate:{WINDOW}")
        assert 0 < ttl <= 90
    finally:
        for client in clients:
            await client.aclose()


async def test_the_local_limiter_keeps_only_the_newest_window():
    limiter = LocalRateLimiter()
    uid = user()
    assert await limiter.hit("web", uid, WINDOW) == 1
    assert await limiter.hit("web", user(), WINDOW + 1) == 1
    # a message stamped with an older window counts in the newest (nothing to keep for it)
    assert await limiter.hit("web", uid, WINDOW) == 1
    assert await limiter.hit("web", uid, WINDOW + 1) == 2
