"""Benchmark: choosing the best worker among 1k / 10k / 100k, and batch assignment.

    python bench/dispatch.py [--sizes 1000 10000 100000] [--queries 300] [--batch 1000 5000]
        [--before ROOT]

Workers are spread over a 30 × 30 km city of 16 districts with 8 skills and every rule of
``domain.dispatch`` in play: 3% not approved, 1% suspended, 15% offline; radii of 3-20 km and
a quarter serving one or two districts (some of those with no centre at all); a health
certificate held by 60% (a tenth of those expired), a maternity-nurse one by 10%; daily caps
of 2-6 and 0-4 jobs that day; 30% with one to three bookings that day and 5% on a long
placement (a live-in job of 26 days around the day asked); 80% idle; ratings, review rates
and levels. Orders: a fifth need the health certificate, 3% the maternity nurse's; a twentieth
give only a district; some name a preferred worker, previous workers, or workers who already
declined; three in ten are members'.

For each pool: build time of the index, then per order the time of ``DispatchIndex.best``
(p50/p99 of wall time, and of the thread's CPU time, which a loaded machine's waiting for a
core leaves out; and the p99 over orders of each order's fastest round, the tail that is the
orders' own rather than the machine's) and of the reference ``rank`` over every worker, and
whether both chose the same worker (every order is checked). Batch: orders × workers to
assign at once, optimal (``linear_sum_assignment`` over the columns of the workers available
at all, its total checked against the full matrix's optimum) with the vectorised cost matrix
(its time included; the process's first batch shown apart), the full matrix checked against
the one-pair-at-a-time reference on its first rows, and the total travel of the greedy
assignment against the optimum.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.assignment import (  # noqa: E402
    INELIGIBLE,
    cost_matrix,
    costs,
    greedy,
    optimal,
    reference_cost_matrix,
    total,
)
from domain.dispatch import Busy, Candidate, Job, priority, rank  # noqa: E402
from domain.dispatch_index import DispatchIndex  # noqa: E402
from domain.people import GeoPoint  # noqa: E402
from domain.rules import DispatchRules, MemberLevel, WorkerLevel  # noqa: E402

SKILLS = [f"skill{i}" for i in range(8)]
CENTRE = GeoPoint(31.23, 121.47)
HALF_DEG_LAT, HALF_DEG_LON = 15 / 110.574, 15 / 95.3
START = datetime(2026, 12, 1, 1, tzinfo=UTC)
DAY = START.date()
RULES = DispatchRules()
LEVELS = [MemberLevel.REGULAR] * 7 + [MemberLevel.SILVER, MemberLevel.GOLD, MemberLevel.DIAMOND]


def point(rng: random.Random) -> GeoPoint:
    return GeoPoint(
        CENTRE.lat + rng.uniform(-HALF_DEG_LAT, HALF_DEG_LAT),
        CENTRE.lon + rng.uniform(-HALF_DEG_LON, HALF_DEG_LON),
    )


def district(p: GeoPoint) -> str:
    """One of 16 districts: a 4 × 4 grid over the city."""
    row = min(3, max(0, int((p.lat - CENTRE.lat + HALF_DEG_LAT) / (HALF_DEG_LAT / 2))))
    col = min(3, max(0, int((p.lon - CENTRE.lon + HALF_DEG_LON) / (HALF_DEG_LON / 2))))
    return f"d{row}{col}"


def expiry(rng: random.Random) -> date | None:
    return None if rng.random() < 0.3 else DAY + timedelta(days=rng.randint(-30, 300))


def bookings(rng: random.Random) -> tuple[Busy, ...]:
    if rng.random() < 0.05:  # a live-in placement: one interval of 26 days
        first = START - timedelta(days=rng.randint(1, 20))
        return (Busy(first, first + timedelta(days=26)),)
    if rng.random() < 0.3 / 0.95:
        out = []
        for _ in range(rng.randint(1, 3)):
            at = START + timedelta(minutes=30 * rng.randint(0, 24))
            out.append(Busy(at, at + timedelta(hours=rng.choice([2, 3, 4]))))
        return tuple(out)
    return ()


def worker(i: int, rng: random.Random) -> Candidate:
    home = point(rng)
    located = rng.random() > 0.02
    districts = frozenset()
    if rng.random() < 0.25 or not located:
        districts = frozenset(
            {district(home), district(point(rng))} if rng.random() < 0.4 else {district(home)}
        )
    papers: dict[str, date | None] = {}
    if rng.random() < 0.6:
        papers["health"] = expiry(rng)
    if rng.random() < 0.1:
        papers["maternity_nurse"] = expiry(rng)
    cap = rng.randint(2, 6)
    return Candidate(
        id=i + 1,
        skills=frozenset(rng.sample(SKILLS, 2)),
        approved=rng.random() > 0.03,
        suspended=rng.random() < 0.01,
        online=rng.random() > 0.15,
        location=home if located else None,
        radius_m=rng.choice([3000, 5000, 10_000, 20_000]) if rng.random() > 0.1 else 0,
        districts=districts,
        certificates=papers,
        daily_cap=cap,
        jobs_that_day=rng.randint(0, 4),
        busy=bookings(rng),
        active_now=0 if rng.random() < 0.8 else 1,
        rating_x100=rng.randint(350, 500),
        good_rate_bp=rng.randint(8_500, 10_000),
        level=rng.choice(list(WorkerLevel)),
    )


def pool(n: int, rng: random.Random) -> list[Candidate]:
    return [worker(i, rng) for i in range(n)]


def job(rng: random.Random, i: int, n: int) -> Job:
    at = START + timedelta(minutes=30 * rng.randint(0, 24))
    place = point(rng)
    papers = ("health",) if rng.random() < 0.2 else ()
    if rng.random() < 0.03:
        papers += ("maternity_nurse",)
    return Job(
        order_id=i,
        skill=rng.choice(SKILLS),
        start_at=at,
        end_at=at + timedelta(hours=rng.choice([2, 3, 4])),
        location=place if rng.random() > 0.05 else None,
        district=district(place),
        certificates=papers,
        preferred_worker_id=rng.randint(1, n) if rng.random() < 0.05 else None,
        previous_worker_ids=frozenset(rng.sample(range(1, n + 1), rng.randint(1, 3)))
        if rng.random() < 0.2
        else frozenset(),
        excluded=frozenset(rng.sample(range(1, n + 1), 3)) if rng.random() < 0.2 else frozenset(),
        member_level=rng.choice(LEVELS),
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def selection(sizes: list[int], queries: int, rounds: int, before: ModuleType | None) -> bool:
    """With ``before`` (another checkout's ``dispatch_index`` module) both indexes answer the
    same orders in alternating rounds, each row of figures labelled."""
    print(
        f"{'workers':>14} {'build ms':>9} {'index p50 ms':>13} {'index p99 ms':>13} "
        f"{'cpu p50 ms':>11} {'cpu p99 ms':>11} {'best-of p99':>12} "
        f"{'brute p50 ms':>13} {'brute p99 ms':>13} {'same choice':>12}"
    )
    all_same = True
    kinds = [("", DispatchIndex)] + ([(" before", before.DispatchIndex)] if before else [])
    for n in sizes:
        rng = random.Random(n)
        workers = pool(n, rng)
        indexes, build = {}, {}
        for label, kind in kinds:
            t0 = time.perf_counter()
            indexes[label] = kind(workers, RULES)
            build[label] = (time.perf_counter() - t0) * 1000
        jobs = [job(rng, i, n) for i in range(queries)]
        for index in indexes.values():  # warm up (and the grids of the documents asked)
            for j in jobs:
                index.best(j, 1)
        fast: dict[str, list[float]] = {label: [] for label in indexes}
        cpu: dict[str, list[float]] = {label: [] for label in indexes}
        gc.collect()
        for r in range(rounds):  # each order timed ``rounds`` times, interleaved
            for label in list(indexes)[:: 1 if r % 2 == 0 else -1]:
                index = indexes[label]
                for j in jobs:
                    c0, t0 = time.thread_time(), time.perf_counter()
                    index.best(j, 1)
                    fast[label].append((time.perf_counter() - t0) * 1000)
                    cpu[label].append((time.thread_time() - c0) * 1000)
        slow, same = [], dict.fromkeys(indexes, 0)
        for j in jobs:
            t0 = time.perf_counter()
            reference = rank(j, workers, RULES)[:1]
            slow.append((time.perf_counter() - t0) * 1000)
            for label, index in indexes.items():
                same[label] += index.best(j, 1) == reference
        all_same &= same[""] == len(jobs)
        for label, t in fast.items():
            print(
                f"{f'{n}{label}':>14} {build[label]:9.0f} {pct(t, 0.5):13.3f} "
                f"{pct(t, 0.99):13.3f} {pct(cpu[label], 0.5):11.3f} {pct(cpu[label], 0.99):11.3f} "
                f"{pct([min(t[i::queries]) for i in range(queries)], 0.99):12.3f} "
                f"{pct(slow, 0.5):13.1f} {pct(slow, 0.99):13.1f} "
                f"{same[label]:>6d}/{len(jobs):<5d}"
            )
    return all_same


def batch(
    orders: int, workers_n: int, seeds: int, check_rows: int, before: ModuleType | None
) -> bool:
    """Workers with every skill (so that every order has someone), the other rules as above.

    The optimum is solved over the columns of the workers available at all (``costs``) and
    its total checked against the optimum of the full matrix (every worker a column, as the
    batch was solved before); the full matrix is checked against the one-pair-at-a-time
    reference on its first rows. The first seed's batch is the process's first. With
    ``before`` (another checkout's ``assignment`` module) its ``optimal(cost_matrix(...))``
    runs on the same batches, first on odd seeds, its total checked too."""
    times, t_matrix, t_solve, t_greedy, cpu, old, old_cpu = [], [], [], [], [], [], []
    travel_g, travel_o, placed, same, equal_total = [], [], [], True, True
    for seed in range(seeds):
        rng = random.Random(1000 + seed)
        workers = [
            Candidate(**{**_fields(w), "skills": frozenset(SKILLS), "approved": True})
            for w in pool(workers_n, rng)
        ]
        jobs = [job(rng, i, workers_n) for i in range(orders)]
        jobs = [j if j.location else Job(**{**_fields(j), "location": point(rng)}) for j in jobs]
        if before and seed % 2:
            old_total = _before(before, jobs, workers, old, old_cpu)
        gc.collect()
        c0, t0 = time.thread_time(), time.perf_counter()
        cost, cols = costs(jobs, workers, RULES)
        t1 = time.perf_counter()
        o = {r: int(cols[c]) for r, c in optimal(cost).items()}  # = assign(jobs, workers, RULES)
        t2, c2 = time.perf_counter(), time.thread_time()
        times.append(t2 - t0)
        t_matrix.append(t1 - t0)
        t_solve.append(t2 - t1)
        cpu.append(c2 - c0)
        if before and seed % 2 == 0:
            old_total = _before(before, jobs, workers, old, old_cpu)
        t2 = time.perf_counter()
        g = {r: int(cols[c]) for r, c in greedy(cost).items()}
        t_greedy.append(time.perf_counter() - t2)
        full = cost_matrix(jobs, workers, RULES)
        equal_total &= total(full, o) == total(full, optimal(full))
        equal_total &= before is None or old_total == total(full, o)
        # rows checked: the first ones and a job of the highest priority (which sets the
        # cost every other job carries for being behind it)
        rows = list(range(min(check_rows, orders)))
        rows += [max(range(orders), key=lambda i: priority(jobs[i], RULES))]
        reference = reference_cost_matrix([jobs[i] for i in rows], workers, RULES)
        same &= bool((reference == full[rows]).all())
        placed.append((len(o), len(g)))
        travel_o.append(total(full, o))
        travel_g.append(total(full, g))
    eligible = float((full < INELIGIBLE).mean())
    print(
        f"\nbatch: {orders} orders × {workers_n} workers ({eligible:.0%} of pairs eligible; "
        f"{cols.size} workers available)"
    )
    ms = statistics.median
    print(
        f"  optimal, matrix incl.    {ms(times) * 1000:7.1f} ms (median; matrix"
        f" {ms(t_matrix) * 1000:.1f}, solver {ms(t_solve) * 1000:.1f};"
        f" CPU {ms(cpu) * 1000:.1f} ms)"
    )
    print(
        f"  the process's first      {times[0] * 1000:7.1f} ms (matrix {t_matrix[0] * 1000:.1f},"
        f" solver {t_solve[0] * 1000:.1f}; CPU {cpu[0] * 1000:.1f} ms)"
    )
    if old:
        print(
            f"  before, matrix incl.     {ms(old) * 1000:7.1f} ms (median; CPU"
            f" {ms(old_cpu) * 1000:.1f} ms; its first {old[0] * 1000:.1f} ms)"
        )
    print(f"  greedy (same matrix)     {ms(t_greedy) * 1000:7.1f} ms (median)")
    print(f"  optimal total = the full matrix's optimum: {equal_total}")
    print(f"  full matrix = reference on its first {check_rows} rows (and a top one's): {same}")
    for seed, ((po, pg), to, tg) in enumerate(zip(placed, travel_o, travel_g, strict=True)):
        print(
            f"  seed {seed}: placed optimal {po}, greedy {pg}; travel optimal {to / 1000:.1f} km,"
            f" greedy {tg / 1000:.1f} km ({tg / to:.4f} ×)"
        )
    return same and equal_total


def _before(
    module: ModuleType,
    jobs: list[Job],
    workers: list[Candidate],
    times: list[float],
    cpu: list[float],
) -> int:
    """The other checkout's optimal batch, timed; its total travel."""
    gc.collect()
    c0, t0 = time.thread_time(), time.perf_counter()
    cost = module.cost_matrix(jobs, workers, RULES)
    chosen = module.optimal(cost)
    times.append(time.perf_counter() - t0)
    cpu.append(time.thread_time() - c0)
    return int(module.total(cost, chosen))


def _load(root: Path, name: str) -> ModuleType:
    """``domain/<name>.py`` of another checkout (its own imports of ``domain`` are this
    checkout's)."""
    spec = importlib.util.spec_from_file_location(f"before_{name}", root / "domain" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--rounds", type=int, default=3, help="times each order is timed")
    p.add_argument("--batch", type=int, nargs=2, default=[1000, 5000], metavar=("ORDERS", "W"))
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--check-rows", type=int, default=20)
    p.add_argument(
        "--before",
        type=Path,
        metavar="ROOT",
        help="another checkout (e.g. a git worktree of an older commit): its index and batch "
        "timed on the same orders, interleaved",
    )
    args = p.parse_args()
    index = _load(args.before, "dispatch_index") if args.before else None
    assignment = _load(args.before, "assignment") if args.before else None
    ok = selection(args.sizes, args.queries, args.rounds, index)
    ok &= batch(*args.batch, args.seeds, args.check_rows, assignment)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
