"""Dispatch rules one by one, the explanation, and the fast index against the reference."""

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assignment import cost_matrix, greedy, optimal, total
from domain.dispatch import (
    FACTOR_TEXT,
    REFUSAL_TEXT,
    Busy,
    Candidate,
    Job,
    Refusal,
    by_priority,
    excluded_why,
    explain,
    manual_refusal,
    members_first,
    rank,
    refusal,
    score,
    top_refusals,
)
from domain.dispatch_index import DispatchIndex
from domain.offers import Offer, OfferMode, OfferStatus
from domain.people import GeoPoint
from domain.rules import DispatchRules, MemberLevel, WorkerLevel

RULES = DispatchRules()
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
HOME = GeoPoint(31.2000, 121.4500)
JOB = Job(
    order_id=1,
    skill="cleaning",
    start_at=START,
    end_at=START + timedelta(hours=3),
    location=HOME,
    district="徐汇区",
)


def north(km: float) -> GeoPoint:
    return GeoPoint(HOME.lat + km / 110.574, HOME.lon)


def worker(id=1, **kw) -> Candidate:
    base = dict(id=id, skills=frozenset({"cleaning"}), location=north(1), radius_m=10_000)
    return Candidate(**{**base, **kw})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"approved": False}, Refusal.NOT_APPROVED),
        ({"suspended": True}, Refusal.SUSPENDED),
        ({"online": False}, Refusal.OFFLINE),
        ({"skills": frozenset({"nanny"})}, Refusal.SKILL),
        ({"location": north(12)}, Refusal.AREA),
        ({"jobs_that_day": 4, "daily_cap": 4}, Refusal.DAILY_CAP),
        (
            {"busy": (Busy(START + timedelta(hours=3, minutes=10), START + timedelta(hours=5)),)},
            Refusal.OVERLAP,
        ),
    ],
)
def test_each_eligibility_rule_refuses_with_its_reason(change, reason):
    assert refusal(JOB, worker(), RULES) is None
    assert refusal(JOB, worker(**change), RULES) == reason


def test_the_travel_buffer_separates_bookings():
    after = Busy(START + timedelta(hours=3, minutes=31), START + timedelta(hours=5))
    assert refusal(JOB, worker(busy=(after,)), RULES) is None
    before = Busy(START - timedelta(hours=2), START - timedelta(minutes=29))
    assert refusal(JOB, worker(busy=(before,)), RULES) == Refusal.OVERLAP


def test_a_required_certificate_must_be_held_and_valid_on_the_day():
    job = replace(JOB, certificates=("maternity_nurse",))
    assert refusal(job, worker(), RULES) == Refusal.CERTIFICATE
    valid = {"maternity_nurse": date(2027, 1, 1)}
    assert refusal(job, worker(certificates=valid), RULES) is None
    expired = {"maternity_nurse": date(2026, 11, 30)}
    assert refusal(job, worker(certificates=expired), RULES) == Refusal.CERTIFICATE_EXPIRED
    assert refusal(job, worker(certificates={"maternity_nurse": None}), RULES) is None


def test_an_admins_assignment_overrides_where_and_when_but_not_who_the_worker_is():
    """``/assign`` (``manual_refusal``): far, offline, at the day's cap, or having declined
    it the admin may override; suspended, unapproved, without the skill or a document it needs
    (even when also offline: that rule comes first in dispatch's order) never."""
    job = replace(JOB, certificates=("health",), excluded=frozenset({1}))
    fine = worker(certificates={"health": None})
    overridden = {"online": False, "location": north(50), "jobs_that_day": 9, "daily_cap": 4}
    assert refusal(job, replace(fine, **overridden), RULES) == Refusal.EXCLUDED
    assert manual_refusal(job, replace(fine, **overridden)) is None
    for change, reason in [
        ({"suspended": True}, Refusal.SUSPENDED),
        ({"approved": False}, Refusal.NOT_APPROVED),
        ({"skills": frozenset({"ac_cleaning", "appliance_repair"})}, Refusal.SKILL),
        ({"certificates": {}}, Refusal.CERTIFICATE),
        ({"certificates": {"health": date(2026, 11, 30)}}, Refusal.CERTIFICATE_EXPIRED),
    ]:
        assert manual_refusal(job, replace(fine, online=False, **change)) == reason


def test_districts_count_as_service_area_even_without_a_centre():
    w = worker(location=None, radius_m=0, districts=frozenset({"徐汇区"}))
    assert refusal(JOB, w, RULES) is None
    assert refusal(replace(JOB, district="浦东新区"), w, RULES) == Refusal.AREA


def test_an_excluded_worker_is_not_offered_again():
    assert refusal(replace(JOB, excluded=frozenset({1})), worker(), RULES) == Refusal.EXCLUDED


def test_near_and_idle_comes_first():
    near_busy = worker(1, location=north(1), active_now=1)
    near_idle = worker(2, location=north(2.5))
    far_idle = worker(3, location=north(4))
    assert [s.worker_id for s in rank(JOB, [near_busy, far_idle, near_idle], RULES)] == [2, 1, 3]


def test_a_good_review_rate_under_ninety_percent_halves_the_score():
    good, poor = worker(1), worker(2, good_rate_bp=8_900)
    assert score(JOB, poor, RULES).score == score(JOB, good, RULES).score // 2
    assert rank(JOB, [poor, good], RULES)[0].worker_id == 1


def test_rating_load_and_level_each_count():
    base = score(JOB, worker(), RULES).score
    assert score(JOB, worker(rating_x100=400), RULES).score == base - 200
    assert score(JOB, worker(jobs_that_day=2), RULES).score == base - 300
    assert score(JOB, worker(level=WorkerLevel.S), RULES).score == base + 200


def test_the_preferred_worker_wins_and_a_previous_one_gets_a_bonus():
    far = worker(9, location=north(8))
    near = worker(1)
    assert rank(replace(JOB, preferred_worker_id=9), [near, far], RULES)[0].worker_id == 9
    bonus = score(replace(JOB, previous_worker_ids=frozenset({9})), far, RULES).score
    assert bonus == score(JOB, far, RULES).score + RULES.previous_points


def test_explanation_lists_scores_and_refusals():
    out = explain(JOB, [worker(1), worker(2, online=False), worker(3, location=north(30))], RULES)
    assert out.chosen is not None and out.chosen.worker_id == 1
    assert dict(out.refused) == {2: Refusal.OFFLINE, 3: Refusal.AREA}
    assert ("near_idle", RULES.near_idle_points) in out.chosen.factors
    assert {name for name, _ in out.chosen.factors} <= set(FACTOR_TEXT)


def test_every_required_credential_is_checked_missing_before_expired():
    job = replace(JOB, certificates=("health", "maternity_nurse"), end_at=START)
    day = START.date()
    valid = {"health": day, "maternity_nurse": day + timedelta(days=1)}
    assert refusal(job, worker(certificates=valid), RULES) is None
    lapsed = {"health": day - timedelta(days=1), "maternity_nurse": None}
    assert refusal(job, worker(certificates=lapsed), RULES) == Refusal.CERTIFICATE_EXPIRED
    only_health = {"health": None}
    assert refusal(job, worker(certificates=only_health), RULES) == Refusal.CERTIFICATE
    # an expired document keeps the worker out of the fast index and the batch too
    pool = [worker(1, certificates=lapsed), worker(2, certificates=valid, location=north(5))]
    assert [s.worker_id for s in DispatchIndex(pool, RULES).best(job, 5)] == [2]
    assert optimal(cost_matrix([job], pool, RULES)) == {0: 1}


def test_refusals_are_counted_most_first_and_each_has_words():
    refused = [(1, Refusal.AREA), (2, Refusal.OFFLINE), (3, Refusal.AREA), (4, Refusal.SKILL)]
    assert top_refusals(refused) == [(Refusal.AREA, 2), (Refusal.SKILL, 1), (Refusal.OFFLINE, 1)]
    assert set(REFUSAL_TEXT) == set(Refusal)


def offer(worker_id: int, status: OfferStatus, minutes: int, mode=OfferMode.PUSH) -> Offer:
    at = START - timedelta(hours=5) + timedelta(minutes=minutes)
    return Offer(1, worker_id, mode, 1, 8000, at, at + timedelta(minutes=5), status, at)


def test_a_worker_kept_out_for_an_offer_withdrawn_is_not_said_to_have_declined_it():
    """Each worker offered the order is kept out by how their last offer of it ended: one
    declined or timed out is theirs; one withdrawn (the order given by hand, moved, a grab
    taken first) or taken from them after they accepted it is no refusal of theirs."""
    offers = [
        offer(1, OfferStatus.DECLINED, 0),
        offer(2, OfferStatus.EXPIRED, 5),
        offer(3, OfferStatus.WITHDRAWN, 10),
        offer(4, OfferStatus.LOST, 10, OfferMode.GRAB),
        offer(5, OfferStatus.ACCEPTED, 10),  # then the admin reassigned it to 6
        offer(6, OfferStatus.ACCEPTED, 20, OfferMode.MANUAL),
        offer(7, OfferStatus.DECLINED, 0),
        offer(7, OfferStatus.WITHDRAWN, 30, OfferMode.TRANSFER),  # the last one tells
        offer(8, OfferStatus.OPEN, 30),  # past its deadline by now: timed out
    ]
    assert excluded_why(reversed(offers), holder=6) == {
        1: Refusal.EXCLUDED,
        2: Refusal.EXCLUDED,
        3: Refusal.WITHDRAWN,
        4: Refusal.WITHDRAWN,
        5: Refusal.REASSIGNED,
        7: Refusal.WITHDRAWN,
        8: Refusal.EXCLUDED,
    }
    assert REFUSAL_TEXT[Refusal.WITHDRAWN].get("zh") == "派单已撤回"
    assert REFUSAL_TEXT[Refusal.EXCLUDED].get("zh") == "已拒绝或超时未接此单"


def random_pool(rng: random.Random, n: int) -> list[Candidate]:
    pool = []
    for i in range(n):
        pool.append(
            Candidate(
                id=i + 1,
                skills=frozenset(rng.sample(["cleaning", "nanny", "repair"], 2)),
                approved=rng.random() > 0.05,
                online=rng.random() > 0.2,
                location=GeoPoint(
                    31.2 + rng.uniform(-0.15, 0.15), 121.45 + rng.uniform(-0.15, 0.15)
                )
                if rng.random() > 0.1
                else None,
                radius_m=rng.choice([3000, 5000, 10_000, 20_000]),
                districts=frozenset({"徐汇区"}) if rng.random() < 0.1 else frozenset(),
                jobs_that_day=rng.randint(0, 4),
                daily_cap=4,
                active_now=rng.randint(0, 1),
                rating_x100=rng.randint(300, 500),
                good_rate_bp=rng.randint(8_000, 10_000),
                level=rng.choice(list(WorkerLevel)),
                busy=(
                    Busy(
                        START + timedelta(hours=rng.randint(-6, 6)),
                        START + timedelta(hours=rng.randint(7, 9)),
                    ),
                )
                if rng.random() < 0.2
                else (),
            )
        )
    return pool


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 5))
def test_the_fast_index_gives_exactly_the_reference_ranking(seed, k):
    rng = random.Random(seed)
    pool = random_pool(rng, 300)
    index = DispatchIndex(pool, RULES)
    for _ in range(5):
        job = replace(
            JOB,
            location=GeoPoint(31.2 + rng.uniform(-0.1, 0.1), 121.45 + rng.uniform(-0.1, 0.1)),
            skill=rng.choice(["cleaning", "nanny", "repair"]),
            preferred_worker_id=rng.choice([None, rng.randint(1, 300)]),
            excluded=frozenset(rng.sample(range(1, 301), 5)),
            member_level=rng.choice(list(MemberLevel)),
        )
        assert index.best(job, k) == rank(job, pool, RULES)[:k]


def test_optimal_assignment_never_travels_more_than_greedy():
    rng = random.Random(7)
    pool = [
        replace(w, online=True, approved=True, jobs_that_day=0, busy=(), radius_m=30_000)
        for w in random_pool(rng, 60)
        if w.location
    ]
    jobs = [
        replace(
            JOB,
            order_id=i,
            skill="cleaning",
            district="",
            location=GeoPoint(31.2 + rng.uniform(-0.1, 0.1), 121.45 + rng.uniform(-0.1, 0.1)),
        )
        for i in range(20)
    ]
    cost = cost_matrix(jobs, pool, RULES)
    best, quick = optimal(cost), greedy(cost)
    assert len(best) >= len(quick)  # greedy can strand a job the optimum places
    if len(best) == len(quick):
        assert total(cost, best) <= total(cost, quick)
    assert len(set(best.values())) == len(best)


def test_a_members_job_prefers_the_better_rated_worker_with_its_own_factor():
    near = worker(2, location=north(0.1), rating_x100=400)
    rated = worker(3, location=north(2.5), rating_x100=500)
    regular = rank(JOB, [near, rated], RULES)
    gold = rank(replace(JOB, member_level=MemberLevel.GOLD), [near, rated], RULES)
    assert regular[0].worker_id == 2 and gold[0].worker_id == 3
    assert ("member gold: rating", 500 * 200 // 100) in gold[0].factors
    assert not any(name.startswith("member") for name, _ in regular[0].factors)


def test_a_batch_serves_the_members_job_when_jobs_compete_for_one_worker():
    only = worker(1, location=HOME, radius_m=20_000)
    regular = replace(JOB, order_id=1, location=HOME)  # right next to them, placed first
    gold = replace(JOB, order_id=2, location=north(8), member_level=MemberLevel.GOLD)
    jobs = [regular, gold]
    assert optimal(cost_matrix(jobs, [only], RULES)) == {1: 0}
    assert by_priority(jobs, RULES) == [1, 0]
    two = [only, worker(2, location=north(8), radius_m=20_000)]  # enough: travel decides
    assert optimal(cost_matrix(jobs, two, RULES)) == {0: 0, 1: 1}
    plain = [regular, replace(gold, member_level=MemberLevel.REGULAR)]
    assert optimal(cost_matrix(plain, [only], RULES)) == {0: 0}


def test_orders_offered_again_together_go_to_members_first_and_otherwise_keep_their_order():
    levels = [
        MemberLevel.REGULAR,
        MemberLevel.GOLD,
        MemberLevel.REGULAR,
        MemberLevel.DIAMOND,
        MemberLevel.SILVER,
        MemberLevel.GOLD,
    ]
    assert members_first(levels, RULES) == [3, 1, 5, 4, 0, 2]
    flat = replace(RULES, member_priority_points={})
    assert members_first(levels, flat) == list(range(6))  # no priority: as they came
