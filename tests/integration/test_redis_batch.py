"""Scripts of concurrent turns go to real Redis as one pipeline, each caller with its own
answer — or its own error — and nothing lost when Redis forgot the scripts."""

import asyncio
import uuid

import pytest
import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from store.redis_batch import ScriptBatch

INCR = "return redis.call('INCRBY', KEYS[1], ARGV[1])"


@pytest.fixture
async def client(redis_url):
    client = aioredis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def pipelines(monkeypatch):
    """How many pipelines went out, and how many commands each held."""
    sizes: list[int] = []
    execute = Pipeline.execute

    async def counted(pipe, *args, **kwargs):
        sizes.append(len(pipe))
        return await execute(pipe, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counted)
    return sizes


def key() -> str:
    return f"test:batch:{uuid.uuid4().hex}"


async def test_calls_made_together_go_as_one_pipeline_each_with_its_answer(client, pipelines):
    batch, script = ScriptBatch(client), client.register_script(INCR)
    keys = [key() for _ in range(20)]
    await client.script_load(INCR)
    answers = await asyncio.gather(*(batch.run(script, [k], [i]) for i, k in enumerate(keys)))
    assert answers == list(range(20))
    assert pipelines == [20]
    assert [int(x) for x in await client.mget(keys)] == list(range(20))
    await client.delete(*keys)


async def test_a_call_alone_goes_as_a_plain_call(client, pipelines):
    batch, script = ScriptBatch(client), client.register_script(INCR)
    k = key()
    assert await batch.run(script, [k], [5]) == 5
    assert await batch.run(script, [k], [2]) == 7
    assert pipelines == []
    await client.delete(k)


async def test_scripts_redis_forgot_are_loaded_again_and_nothing_is_lost(client, pipelines):
    # A script of this test's own that Redis does not have, as after a restart of Redis: not
    # SCRIPT FLUSH, which empties the cache of the whole server, under another test (of
    # another pytest-xdist worker) that counts its round trips.
    own = f"{INCR} -- {uuid.uuid4().hex}"
    batch, script = ScriptBatch(client), client.register_script(own)
    assert await client.script_exists(script.sha) == [False]
    k = key()
    answers = await asyncio.gather(*(batch.run(script, [k], [1]) for _ in range(10)))
    assert sorted(answers) == list(range(1, 11))  # each ran exactly once
    assert int(await client.get(k)) == 10
    assert pipelines == [10, 10]  # refused once (NOSCRIPT), loaded, run again
    await client.delete(k)


async def test_one_failing_script_fails_only_its_caller(client, pipelines):
    batch, script = ScriptBatch(client), client.register_script(INCR)
    await client.script_load(INCR)
    good, wrong = key(), key()
    await client.set(wrong, "not a number")
    results = await asyncio.gather(
        batch.run(script, [good], [1]),
        batch.run(script, [wrong], [1]),
        batch.run(script, [good], [1]),
        return_exceptions=True,
    )
    assert results[0] == 1 and results[2] == 2
    assert isinstance(results[1], ResponseError)
    assert pipelines == [3]
    await client.delete(good, wrong)


async def test_a_caller_that_stopped_waiting_does_not_stop_the_others(client):
    batch, script = ScriptBatch(client), client.register_script(INCR)
    await client.script_load(INCR)
    k = key()
    gone = asyncio.ensure_future(batch.run(script, [k], [1]))
    stays = batch.run(script, [k], [1])
    gone.cancel()
    assert await stays in (1, 2)  # the cancelled one's command may have gone out already
    await client.delete(k)


async def test_redis_unreachable_every_caller_hears_of_it():
    client = aioredis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=1)
    batch, script = ScriptBatch(client), client.register_script(INCR)
    results = await asyncio.gather(
        *(batch.run(script, [key()], [1]) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(x, RedisConnectionError) for x in results), results
    alone = await asyncio.gather(batch.run(script, [key()], [1]), return_exceptions=True)
    assert isinstance(alone[0], RedisConnectionError)
    await client.aclose()
