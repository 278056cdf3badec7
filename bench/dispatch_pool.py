"""Benchmark: one order's dispatch as the product runs it, among N workers in PostgreSQL.

``bench/dispatch.py`` times the index alone (workers in memory); this times what an order's
dispatch reads and ranks in the application (``conversations.services.dispatch_pool``):
reading every worker online with their bookings (what a small company's dispatch does), and
through this process's index of the approved workers (``conversations.services.worker_index``,
from ``dispatch.index_from_workers`` online) — the first few it ranks read afresh. Both choose
the same worker on every order (checked). Prints the index's build time, milliseconds per
dispatch (p50 / p99) each way, the workers read per dispatch, and this process's resident
memory before and after the index is built.

    python bench/dispatch_pool.py                   # 20,000 workers, 200 orders
    python bench/dispatch_pool.py --workers 100000  # city scale (seeding takes minutes)
    python bench/dispatch_pool.py --profile /tmp/pool.prof   # and profile the index's way
    python bench/dispatch_pool.py --workers 100000 --reuse   # the workers of the last run
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvloop
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pg_rig import fresh_database  # noqa: E402 - beside this script
from webhook_rig import rss_mb  # noqa: E402 - beside this script

from conversations.services.dispatch_pool import candidates, pool_for  # noqa: E402
from conversations.services.worker_index import WorkerIndex  # noqa: E402
from domain.dispatch import Job, rank  # noqa: E402
from domain.people import GeoPoint, ServiceArea, Worker, WorkerStatus  # noqa: E402
from domain.rules import WorkerLevel  # noqa: E402
from store.catalog_file import load_catalog  # noqa: E402
from store.crypto import PiiCipher  # noqa: E402
from store.db import create_engine  # noqa: E402
from store.uow import Database  # noqa: E402

NOW = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
BENCH_KEY = bytes(range(32))  # the benchmark's own PII key: its workers are made up
DISTRICTS = ("徐汇区", "浦东新区", "静安区", "黄浦区", "长宁区", "普陀区", "闵行区")


def point(rng: random.Random) -> GeoPoint:
    """Somewhere in a 50 × 50 km square around Shanghai's centre."""
    return GeoPoint(rng.uniform(31.0, 31.45), rng.uniform(121.2, 121.72))


def worker(rng: random.Random, i: int) -> Worker:
    return Worker(
        name=f"师傅{i}",
        phone=f"139{i:08d}",
        created_at=NOW,
        status=WorkerStatus.APPROVED,
        online=rng.random() < 0.7,
        skills=tuple(rng.sample(("cleaning", "deep_cleaning", "nanny", "repair"), 2)),
        area=ServiceArea(
            point(rng), rng.choice([3_000, 5_000, 8_000, 12_000, 20_000]), (rng.choice(DISTRICTS),)
        ),
        level=rng.choice(list(WorkerLevel)),
        rating_x100=rng.randint(350, 500),
        good_rate_bp=rng.choice([10_000, 9_600, 8_500]),
        daily_cap=rng.randint(2, 5),
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def main_async(args) -> None:
    _, rules = load_catalog()
    rules = dataclasses.replace(
        rules, dispatch=dataclasses.replace(rules.dispatch, index_from_workers=1)
    )
    rng = random.Random(args.seed)
    database = Database(create_engine(args.pg_url), PiiCipher(BENCH_KEY))
    if not args.reuse or await approved(database) != args.workers:
        await database.dispose()
        await fresh_database(args.pg_url)
        database = Database(create_engine(args.pg_url), PiiCipher(BENCH_KEY))
        t0 = time.perf_counter()
        for start in range(0, args.workers, 2_000):
            async with database.uow() as uow:
                for i in range(start, min(args.workers, start + 2_000)):
                    await uow.workers.add(worker(rng, i))
                await uow.commit()
        print(f"seeded {args.workers:,} workers in {time.perf_counter() - t0:.0f} s", flush=True)
    gc.collect()
    before = rss_mb(os.getpid())
    index = WorkerIndex(reads=database.reads, rules=rules, clock=lambda: NOW)
    t0 = time.perf_counter()
    await index.refresh()
    built = time.perf_counter() - t0
    gc.collect()
    after = rss_mb(os.getpid())
    jobs = []
    for i in range(args.orders):
        start = NOW + timedelta(days=1, hours=rng.randint(0, 10))
        level = rng.choice(list(rules.dispatch.member_priority_points))
        end = start + timedelta(hours=2)
        jobs.append(Job(i, "cleaning", start, end, point(rng), "", member_level=level))
    times: dict[str, list[float]] = {"every worker": [], "index": []}
    read: dict[str, list[int]] = {"every worker": [], "index": []}
    chosen: dict[str, list[object]] = {"every worker": [], "index": []}
    profiler = cProfile.Profile() if args.profile else None
    for way in times:  # each way on its own: reading everyone leaves much garbage behind
        gc.collect()
        if profiler is not None and way == "index":
            profiler.enable()
        for job in jobs:
            t0 = time.perf_counter()
            async with database.reads() as uow:
                pool = await (
                    candidates(uow, job, rules)
                    if way == "every worker"
                    else pool_for(uow, job, rules, 1, index)
                )
            chosen[way].append(rank(job, [c for c, _ in pool.values()], rules.dispatch)[:1])
            times[way].append((time.perf_counter() - t0) * 1000)
            read[way].append(len(pool))
        if profiler is not None:
            profiler.disable()
    assert chosen["every worker"] == chosen["index"]
    await database.dispose()
    if profiler is not None:
        profiler.dump_stats(args.profile)
    print(
        f"\n{args.workers:,} approved workers (70% online), {args.orders} orders, PostgreSQL; "
        f"the same worker chosen both ways on every order"
    )
    print(f"index build (snapshot read + index): {built:.1f} s")
    print(f"{'dispatch reads':16} {'p50 ms':>8} {'p99 ms':>8} {'workers read (median)':>22}")
    for way in times:
        print(
            f"{way:16} {statistics.median(times[way]):8.1f} {pct(times[way], 0.99):8.1f} "
            f"{statistics.median(read[way]):22.0f}"
        )
    print(f"RSS: {before:.0f} MB before the index, {after:.0f} MB with it")


async def approved(database: Database) -> int:
    """How many approved workers the benchmark's database holds (0: none, or no tables)."""
    try:
        async with database.reads() as uow:
            row = await uow.session.exec(text("SELECT count(*) FROM workers"))
            return int(row.one()[0])
    except Exception:
        return 0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=int, default=20_000)
    p.add_argument("--orders", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--profile", type=Path, help="cProfile the dispatches through the index")
    p.add_argument(
        "--reuse", action="store_true", help="keep the workers of the last run of as many"
    )
    p.add_argument(
        "--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/daojia_dispatch"
    )
    uvloop.run(main_async(p.parse_args()))


if __name__ == "__main__":
    main()
