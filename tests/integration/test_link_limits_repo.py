"""The shared link-code counters (``link_limits``) on SQLite and PostgreSQL: a window's cap is
never passed by concurrent requests, lockouts hold their keys until they end, and the sweep
drops what is over."""

import asyncio
from datetime import UTC, datetime, timedelta

from domain.errors import DomainError
from domain.risk import LinkWindow
from tests import random_refs

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def _take(database, window: LinkWindow) -> bool:
    try:
        async with database.uow() as uow:
            taken = await uow.link_limits.take(window)
            await uow.commit()
    except DomainError:  # SQLite: another writer holds the lock — this one did not count
        return False
    return taken


async def test_concurrent_codes_never_pass_a_window_s_cap(database):
    window = LinkWindow(random_refs.code("target-h:"), NOW + timedelta(hours=1), 3)
    taken = await asyncio.gather(*(_take(database, window) for _ in range(8)))
    assert sum(taken) == 3
    assert not await _take(database, window)
    later = LinkWindow(window.key, NOW + timedelta(hours=2), 3)  # the next window: room again
    assert await _take(database, later)


async def test_a_lockout_holds_its_keys_until_it_ends_and_the_sweep_drops_it(database):
    asker, target = random_refs.code("lock-asker:"), random_refs.code("lock-target:")
    until = NOW + timedelta(minutes=60)
    async with database.uow() as uow:
        assert await uow.link_limits.locked_until([asker, target], NOW) is None
        await uow.link_limits.lock([asker, target], until)
        await uow.link_limits.lock([asker], until)  # twice: still one lockout
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.link_limits.locked_until([target], NOW) == until
        assert await uow.link_limits.locked_until([asker, "other"], until - timedelta(seconds=1))
        assert await uow.link_limits.locked_until([asker, target], until) is None
        assert uow.link_limits.target("13800000000") == uow.link_limits.target("13800000000")
        assert uow.link_limits.target("13800000000") != uow.customers._c.lookup_hash(
            "phone", "13800000000"
        )
    async with database.uow() as uow:
        assert await uow.link_limits.forget_before(until) >= 2
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.link_limits.locked_until([asker, target], NOW) is None
