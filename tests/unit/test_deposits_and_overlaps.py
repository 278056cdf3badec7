"""The worker deposit's arithmetic (``domain.deposits``) and overlaps among a worker's jobs
(``domain.overlaps``): pure values in, values out."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.deposits import charge, charge_journals, held_journal, target, to_hold
from domain.overlaps import Interval, clashes_with, overlapping_pairs
from domain.rules import DepositRules, WorkerLevel

R = DepositRules()
T0 = datetime(2026, 12, 1, 1, tzinfo=UTC)
BUFFER = timedelta(minutes=30)


def test_the_target_is_the_levels_amount_raised_for_a_high_complaint_rate():
    assert target(WorkerLevel.B, 0, R) == 100_000
    assert target(WorkerLevel.B, 500, R) == 100_000  # at the threshold: not over it
    assert target(WorkerLevel.B, 501, R) == 150_000
    assert target(WorkerLevel.S, 9_999, R) == 75_000


def test_a_settlement_holds_its_share_up_to_what_the_deposit_lacks():
    assert to_hold(10_000, 0, 100_000, R) == 2_000
    assert to_hold(10_000, 99_500, 100_000, R) == 500
    assert to_hold(10_000, 100_000, 100_000, R) == 0
    assert to_hold(10_000, 120_000, 100_000, R) == 0  # over a lowered target: nothing more
    assert to_hold(-5, 0, 100_000, R) == 0


@given(
    owed=st.integers(-50_000, 50_000),
    share=st.integers(0, 50_000),
    beyond=st.integers(-50_000, 50_000),
    held=st.integers(0, 50_000),
)
def test_a_penalty_never_takes_more_than_the_deposit_holds(owed, share, beyond, held):
    c = charge(owed, share, beyond, held)
    assert c.cover >= 0 and c.penalty >= 0 and c.cover + c.penalty <= held
    assert c.cover <= max(share - max(owed, 0), 0)  # only what the balance lacks
    assert c.penalty <= max(beyond, 0)
    for entries in (
        charge_journals("1", 7, 3, c, T0),
        held_journal(240117, 7, 3, to_hold(share, 0, held, R), T0),
    ):
        assert sum(e.amount_cents for e in entries) == 0


def job(key: int, start_h: float, hours: float) -> Interval:
    start = T0 + timedelta(hours=start_h)
    return Interval(key, start, start + timedelta(hours=hours))


def test_jobs_clash_when_less_than_the_travel_buffer_lies_between_them():
    a, b = job(1, 0, 2), job(2, 2.25, 2)  # 15 minutes apart
    far = job(3, 5, 1)
    assert clashes_with(a, [a, b, far], BUFFER) == [2]
    assert clashes_with(far, [a, b, far], BUFFER) == []
    assert clashes_with(job(3, 4.5, 1), [b], BUFFER) == [2]  # 15 minutes after b ends
    assert clashes_with(job(3, 4.75, 1), [b], BUFFER) == []  # 30 minutes: enough


@given(
    st.lists(
        st.tuples(st.integers(0, 48), st.integers(1, 12)), min_size=0, max_size=8, unique=True
    )
)
def test_the_pairs_found_are_exactly_the_clashing_ones(spans):
    jobs = [job(n, start / 2, hours / 2) for n, (start, hours) in enumerate(spans)]
    found = {frozenset(p) for p in overlapping_pairs(jobs, BUFFER)}
    brute = {
        frozenset((a.key, b.key))
        for i, a in enumerate(jobs)
        for b in jobs[i + 1 :]
        if clashes_with(a, [b], BUFFER)
    }
    assert found == brute
