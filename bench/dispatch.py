"""Benchmark: choosing the best worker among 1k / 10k / 100k, and batch assignment.

    python bench/dispatch.py [--sizes 1000 10000 100000] [--queries 200]

Workers are spread uniformly over a 30 × 30 km city with 8 skills, 80% idle, radii of
3-20 km. For each pool: build time of the index, then per order the time of
``DispatchIndex.best`` (p50/p99) next to the reference ``rank`` over every worker, and whether
both chose the same worker. Batch: 200 scheduled orders to 1,000 workers, total travel of the
greedy assignment against the optimum (scipy ``linear_sum_assignment``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.assignment import cost_matrix, greedy, optimal, total  # noqa: E402
from domain.dispatch import Candidate, Job, rank  # noqa: E402
from domain.dispatch_index import DispatchIndex  # noqa: E402
from domain.people import GeoPoint  # noqa: E402
from domain.rules import DispatchRules, MemberLevel, WorkerLevel  # noqa: E402

SKILLS = [f"skill{i}" for i in range(8)]
CENTRE = GeoPoint(31.23, 121.47)
HALF_DEG_LAT, HALF_DEG_LON = 15 / 110.574, 15 / 95.3
START = datetime(2026, 12, 1, 2, tzinfo=UTC)
RULES = DispatchRules()
LEVELS = [MemberLevel.REGULAR] * 7 + [MemberLevel.SILVER, MemberLevel.GOLD, MemberLevel.DIAMOND]


def point(rng: random.Random) -> GeoPoint:
    return GeoPoint(
        CENTRE.lat + rng.uniform(-HALF_DEG_LAT, HALF_DEG_LAT),
        CENTRE.lon + rng.uniform(-HALF_DEG_LON, HALF_DEG_LON),
    )


def pool(n: int, rng: random.Random) -> list[Candidate]:
    return [
        Candidate(
            id=i + 1,
            skills=frozenset(rng.sample(SKILLS, 2)),
            location=point(rng),
            radius_m=rng.choice([3000, 5000, 10_000, 20_000]),
            active_now=0 if rng.random() < 0.8 else 1,
            jobs_that_day=rng.randint(0, 3),
            rating_x100=rng.randint(350, 500),
            good_rate_bp=rng.randint(8_500, 10_000),
            level=rng.choice(list(WorkerLevel)),
        )
        for i in range(n)
    ]


def job(rng: random.Random, i: int) -> Job:
    return Job(
        order_id=i,
        skill=rng.choice(SKILLS),
        start_at=START,
        end_at=START + timedelta(hours=3),
        location=point(rng),
        member_level=rng.choice(LEVELS),  # a member's job: priority, better-rated workers
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def selection(sizes: list[int], queries: int) -> None:
    print(
        f"{'workers':>8} {'build ms':>9} {'index p50 ms':>13} {'index p99 ms':>13} "
        f"{'brute p50 ms':>13} {'brute p99 ms':>13} {'same choice':>12}"
    )
    for n in sizes:
        rng = random.Random(n)
        workers = pool(n, rng)
        t0 = time.perf_counter()
        index = DispatchIndex(workers, RULES)
        build = (time.perf_counter() - t0) * 1000
        jobs = [job(rng, i) for i in range(queries)]
        brute_n = queries if n <= 10_000 else max(10, queries // 10)
        fast, slow, same = [], [], 0
        for j in jobs:
            t0 = time.perf_counter()
            index.best(j, 1)
            fast.append((time.perf_counter() - t0) * 1000)
        for j in jobs[:brute_n]:
            t0 = time.perf_counter()
            reference = rank(j, workers, RULES)[:1]
            slow.append((time.perf_counter() - t0) * 1000)
            same += index.best(j, 1) == reference
        print(
            f"{n:8d} {build:9.0f} {pct(fast, 0.5):13.3f} {pct(fast, 0.99):13.3f} "
            f"{pct(slow, 0.5):13.1f} {pct(slow, 0.99):13.1f} {same:>6d}/{brute_n:<5d}"
        )


def batch(orders: int, workers_n: int, seeds: int) -> None:
    ratios, t_matrix, t_greedy, t_opt = [], [], [], []
    for seed in range(seeds):
        rng = random.Random(1000 + seed)
        workers = [w for w in pool(workers_n, rng)]
        workers = [
            Candidate(
                **{**w.__dict__}
                if False
                else {
                    "id": w.id,
                    "skills": frozenset(SKILLS),
                    "location": w.location,
                    "radius_m": 20_000,
                }
            )
            for w in workers
        ]
        jobs = [job(rng, i) for i in range(orders)]
        t0 = time.perf_counter()
        cost = cost_matrix(jobs, workers, RULES)
        t_matrix.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        g = greedy(cost)
        t_greedy.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        o = optimal(cost)
        t_opt.append(time.perf_counter() - t0)
        assert len(o) == len(g) == orders
        ratios.append(total(cost, g) / total(cost, o))
    print(f"\nbatch: {orders} orders × {workers_n} workers, {seeds} seeds")
    print(f"  cost matrix  {statistics.median(t_matrix) * 1000:8.0f} ms (median)")
    print(
        f"  greedy       {statistics.median(t_greedy) * 1000:8.1f} ms, total travel "
        f"{statistics.mean(ratios):.4f} × optimal (worst {max(ratios):.4f})"
    )
    print(f"  optimal      {statistics.median(t_opt) * 1000:8.1f} ms (linear_sum_assignment)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--seeds", type=int, default=5)
    args = p.parse_args()
    selection(args.sizes, args.queries)
    batch(200, 1000, args.seeds)


if __name__ == "__main__":
    main()
