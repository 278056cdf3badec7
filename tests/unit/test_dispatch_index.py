"""The fast paths against the reference, with every eligibility rule in play: the dispatch index
against ``rank`` (one worker at a time), the vectorised cost matrix against the pair-by-pair
one, the heap greedy against a scan of all pairs."""

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assignment import (
    INELIGIBLE,
    assign,
    cost_matrix,
    greedy,
    optimal,
    reference_cost_matrix,
    total,
)
from domain.dispatch import Busy, Candidate, Job, Refusal, rank, refusal
from domain.dispatch_index import DispatchIndex
from domain.people import GeoPoint
from domain.rules import DispatchRules, MemberLevel, WorkerLevel

RULES = DispatchRules()
DAY1 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
START = DAY1 + timedelta(days=5, hours=2)  # day 6
HOME = GeoPoint(31.2000, 121.4500)
DISTRICTS = ["徐汇区", "静安区", "浦东新区"]
SKILLS = ["cleaning", "nanny", "repair"]


def near(rng: random.Random, spread: float = 0.15) -> GeoPoint:
    return GeoPoint(
        HOME.lat + rng.uniform(-spread, spread), HOME.lon + rng.uniform(-spread, spread)
    )


def bookings(rng: random.Random) -> tuple[Busy, ...]:
    out = []
    for _ in range(rng.choice([0, 0, 0, 1, 2, 3])):
        if rng.random() < 0.2:  # a long placement: from 1 to 30 days
            first = START - timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 23))
            out.append(Busy(first, first + timedelta(days=rng.randint(1, 30))))
        else:
            at = START + timedelta(minutes=30 * rng.randint(-16, 16))
            out.append(Busy(at, at + timedelta(hours=rng.randint(1, 4))))
    return tuple(out)


def papers(rng: random.Random) -> dict[str, date | None]:
    out: dict[str, date | None] = {}
    for kind in ("health", "maternity_nurse"):
        if rng.random() < 0.4:
            out[kind] = rng.choice([None, START.date() + timedelta(days=rng.randint(-3, 3))])
    return out


def random_worker(rng: random.Random, i: int) -> Candidate:
    located = rng.random() > 0.1
    return Candidate(
        id=i + 1,
        skills=frozenset(rng.sample(SKILLS, rng.randint(1, 2))),
        approved=rng.random() > 0.05,
        suspended=rng.random() < 0.03,
        online=rng.random() > 0.15,
        location=near(rng, rng.choice([0.05, 0.15, 0.5])) if located else None,
        radius_m=rng.choice([0, 3000, 5000, 10_000, 20_000, 60_000]),
        districts=frozenset(rng.sample(DISTRICTS, rng.randint(0, 2)))
        if rng.random() < 0.3
        else frozenset(),
        certificates=papers(rng),
        daily_cap=rng.randint(1, 5),
        jobs_that_day=rng.randint(0, 4),
        busy=bookings(rng),
        active_now=rng.randint(0, 1),
        rating_x100=rng.randint(300, 500),
        good_rate_bp=rng.randint(8_000, 10_000),
        level=rng.choice(list(WorkerLevel)),
    )


def random_job(rng: random.Random, i: int, n: int) -> Job:
    at = START + timedelta(minutes=30 * rng.randint(-8, 8))
    return Job(
        order_id=i,
        skill=rng.choice(SKILLS),
        start_at=at,
        end_at=at + timedelta(hours=rng.randint(1, 4)),
        location=near(rng, rng.choice([0.1, 0.6])) if rng.random() > 0.1 else None,
        district=rng.choice(["", *DISTRICTS]),
        certificates=tuple(rng.sample(["health", "maternity_nurse"], rng.choice([0, 0, 1, 2]))),
        preferred_worker_id=rng.randint(1, n) if rng.random() < 0.2 else None,
        previous_worker_ids=frozenset(rng.sample(range(1, n + 1), min(n, rng.randint(0, 3)))),
        excluded=frozenset(rng.sample(range(1, n + 1), min(n, rng.randint(0, 5)))),
        member_level=rng.choice(list(MemberLevel)),
    )


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 5), st.integers(20, 400))
def test_the_index_chooses_exactly_as_the_rules_one_worker_at_a_time(seed, k, n):
    rng = random.Random(seed)
    pool = [random_worker(rng, i) for i in range(n)]
    whole, squares = DispatchIndex(pool, RULES), DispatchIndex(pool, RULES, whole=0)
    for i in range(8):
        job = random_job(rng, i, n)
        reference = rank(job, pool, RULES)[:k]
        assert whole.best(job, k) == reference  # small pools: every worker of the skill at once
        assert squares.best(job, k) == reference  # large ones: squares of cells around the job


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6))
def test_few_workers_within_a_few_cells_of_the_job_are_all_seen(seed):
    """A sparse pool around the job: the best is often at the edge of the first square of
    cells, or just outside it (a square one cell too narrow fails here)."""
    rng = random.Random(seed)
    pool = [
        Candidate(
            i + 1,
            frozenset({"nanny"}),
            location=near(rng, 0.05),
            radius_m=20_000,
            rating_x100=rng.randint(300, 500),
            active_now=rng.randint(0, 1),
            level=rng.choice(list(WorkerLevel)),
        )
        for i in range(rng.randint(2, 30))
    ]
    index = DispatchIndex(pool, RULES, whole=0)
    for i in range(5):
        job = Job(i, "nanny", START, START + timedelta(hours=3), location=near(rng, 0.03))
        assert index.best(job, 3) == rank(job, pool, RULES)[:3]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 40), st.integers(1, 120))
def test_the_vectorised_cost_matrix_is_the_reference_one(seed, jobs_n, workers_n):
    rng = random.Random(seed)
    pool = [random_worker(rng, i) for i in range(workers_n)]
    jobs = [random_job(rng, i, workers_n) for i in range(jobs_n)]
    assert (cost_matrix(jobs, pool, RULES) == reference_cost_matrix(jobs, pool, RULES)).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 40), st.integers(1, 60))
def test_the_batch_over_the_available_workers_is_as_optimal_as_over_all(seed, jobs_n, workers_n):
    rng = random.Random(seed)
    pool = [random_worker(rng, i) for i in range(workers_n)]
    jobs = [random_job(rng, i, workers_n) for i in range(jobs_n)]
    reference = reference_cost_matrix(jobs, pool, RULES)
    chosen = assign(jobs, pool, RULES)
    assert len(set(chosen.values())) == len(chosen)  # one job per worker
    assert all(reference[r, c] < INELIGIBLE for r, c in chosen.items())
    best = optimal(reference)
    assert (len(chosen), total(reference, chosen)) == (len(best), total(reference, best))


def test_a_long_placement_keeps_a_worker_out_of_any_job_inside_it():
    placed = Candidate(
        id=1,
        skills=frozenset({"nanny"}),
        location=HOME,
        radius_m=10_000,
        busy=(Busy(DAY1, DAY1 + timedelta(days=26)),),  # busy from day 1 to day 26
    )
    free = replace(placed, id=2, busy=(), location=GeoPoint(HOME.lat + 0.05, HOME.lon))
    job = Job(1, "nanny", START, START + timedelta(hours=3), location=HOME)
    assert refusal(job, placed, RULES) == Refusal.OVERLAP
    assert [s.worker_id for s in DispatchIndex([placed, free], RULES).best(job, 2)] == [2]
    assert optimal(cost_matrix([job], [placed, free], RULES)) == {0: 1}
    after = replace(
        job, start_at=DAY1 + timedelta(days=27), end_at=DAY1 + timedelta(days=27, hours=2)
    )
    assert [s.worker_id for s in DispatchIndex([placed, free], RULES).best(after, 1)] == [1]


def test_a_district_worker_far_away_costs_their_true_distance():
    far = Candidate(
        1, frozenset({"repair"}), location=GeoPoint(39.9, 116.4), districts=frozenset({"徐汇区"})
    )
    job = Job(1, "repair", START, START + timedelta(hours=2), location=HOME, district="徐汇区")
    cost = cost_matrix([job], [far], RULES)
    assert cost[0, 0] == reference_cost_matrix([job], [far], RULES)[0, 0] > 1_000_000
    assert DispatchIndex([far], RULES).best(job, 1) == rank(job, [far], RULES)


def scan_greedy(cost):
    """The greedy as it was: every pair sorted, taken in order when both are free."""
    flat = np.argsort(cost, axis=None, kind="stable")
    jobs, workers, out = set(), set(), {}
    for idx in flat:
        r, c = divmod(int(idx), cost.shape[1])
        if cost[r, c] >= INELIGIBLE or len(out) == cost.shape[0]:
            break
        if r not in jobs and c not in workers:
            out[r] = c
            jobs.add(r)
            workers.add(c)
    return out


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 12), st.integers(1, 12))
def test_the_heap_greedy_takes_the_pairs_a_scan_of_all_would(seed, rows, cols):
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 6, (rows, cols)).astype(float)  # many ties
    cost[rng.random((rows, cols)) < 0.3] = INELIGIBLE
    assert greedy(cost) == scan_greedy(cost)
