"""Batch assignment of scheduled jobs to workers, minimising total travel distance.

``greedy`` takes the globally shortest remaining (job, worker) pair each time; ``optimal``
solves the assignment problem exactly (scipy's ``linear_sum_assignment``). Pairs a worker may
not take cost ``INELIGIBLE`` and are never chosen.

``cost_matrix`` is vectorised (numpy, the jobs in chunks that stay in the cache): every rule
of ``dispatch.refusal`` becomes a boolean column or matrix, and the distances are
``geo.distance_m``'s haversine from per-point sines and cosines of half angles
(``sin((b-a)/2) = sin(b/2)cos(a/2) - cos(b/2)sin(a/2)``) with ``asin`` as its series (exact
to the last bit for the distances of a city). The few distances that fall within a
millionth of a metre of half a metre, where the float error could round the other way, are
computed again with ``distance_m``: the matrix is exactly ``reference_cost_matrix``'s.

Members first: a job's cost carries, in metres, how far its priority is below the batch's
highest (``dispatch.priority`` at ``points_per_km``): with fewer workers than jobs the
members' jobs are the ones served (a gold member's 2,000 points outweigh 20 km of travel —
the widest service radius), and with enough workers for all, the same constant per job
changes nothing of who goes where.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from domain.dispatch import Candidate, Job, priority, refusal
from domain.geo import EARTH_RADIUS_M, distance_m
from domain.people import GeoPoint
from domain.rules import DispatchRules

INELIGIBLE = 10**9
TWO_R = 2.0 * EARTH_RADIUS_M
CHUNK = 32  # jobs at a time: 32 × 5,000 pairs of float64 stay in the cache
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
K = TypeVar("K", bound=Hashable)


def reference_cost_matrix(
    jobs: Sequence[Job], workers: Sequence[Candidate], rules: DispatchRules
) -> Ints:
    """``cost_matrix`` one pair at a time with ``refusal`` and ``distance_m`` (the reference)."""
    cost = np.full((len(jobs), len(workers)), INELIGIBLE, dtype=np.int64)
    for i, behind in enumerate(_behind(jobs, rules)):
        job = jobs[i]
        for j, w in enumerate(workers):
            if job.location and w.location and refusal(job, w, rules) is None:
                cost[i, j] = distance_m(job.location, w.location) + behind
    return cost


def cost_matrix(jobs: Sequence[Job], workers: Sequence[Candidate], rules: DispatchRules) -> Floats:
    """Metres from each worker to each job, plus the job's priority below the highest (in
    metres); ``INELIGIBLE`` where the rules forbid the pair (or either has no place). Whole
    numbers in float64. ``costs``' matrix with a column for every worker."""
    cost = np.full((len(jobs), len(workers)), float(INELIGIBLE))
    part, cols = costs(jobs, workers, rules)
    cost[:, cols] = part
    return cost


def costs(
    jobs: Sequence[Job], workers: Sequence[Candidate], rules: DispatchRules
) -> tuple[Floats, Ints]:
    """``cost_matrix``'s columns of the workers who could take some job at all (approved, not
    suspended, online, under their daily cap, placed), and those workers' indices: the other
    columns are ``INELIGIBLE`` throughout and change no assignment. Each chunk of rows is
    filled while in the cache (no ``np.full`` pass over the whole matrix first)."""
    w = _Workers(workers)
    cols = w.cols  # only the workers who could take something
    cost = np.empty((len(jobs), cols.size))
    if not jobs or not cols.size:
        cost.fill(INELIGIBLE)
        return cost, cols
    behind = np.array(_behind(jobs, rules), float)[:, None]
    skills = _Groups([job.skill for job in jobs], w.skilled)
    districts = _Groups([job.district for job in jobs], w.serving)
    papers = _Groups([(job.certificates, job.end_at.date()) for job in jobs], w.credentials)
    buffer = timedelta(minutes=rules.travel_buffer_minutes)
    free = _Groups([(job.start_at - buffer, job.end_at + buffer) for job in jobs], w.free)
    places = [job.location or GeoPoint(0.0, 0.0) for job in jobs]
    lat, lon = _halves(places, job_side=True)
    w_lat, w_lon = _halves([c.location or GeoPoint(0.0, 0.0) for c in w.pool], job_side=False)
    radius = w.radius
    # a squared chord beyond which no pair is within the radius (a millimetre to spare)
    reach = np.where(radius > 0, (TWO_R * np.sin((radius + 0.501) / TWO_R)) ** 2, -1.0)
    x, y = np.empty((CHUNK, cols.size)), np.empty((CHUNK, cols.size))  # reused
    for lo in range(0, len(jobs), CHUNK):
        hi = min(lo + CHUNK, len(jobs))
        h, m = x[: hi - lo], y[: hi - lo]
        # the squared chord (2R)²·haversine: (2R·sin(Δφ/2))² + (2R·sqrt(cos φ cos φ')·sin(Δλ/2))²
        np.matmul(lat[lo:hi], w_lat, out=h)
        h *= h
        np.matmul(lon[lo:hi], w_lon, out=m)
        m *= m
        h += m
        district = districts.matrix(lo, hi)
        allowed = h <= reach
        allowed |= district
        allowed &= skills.matrix(lo, hi)
        allowed &= papers.matrix(lo, hi)
        allowed &= free.matrix(lo, hi)
        for r in range(lo, hi):
            if jobs[r].location is None:
                allowed[r - lo] = False
            for wid in jobs[r].excluded:
                if (c := w.at.get(wid)) is not None:
                    allowed[r - lo, c] = False
        at = np.flatnonzero(allowed)  # the few pairs left: their metres, exactly
        row, col = np.divmod(at, cols.size)
        metres = _metres(h.ravel()[at])
        for i in np.flatnonzero(metres < 0).tolist():  # unsure of the rounding
            a, b = jobs[lo + row[i]].location, w.pool[col[i]].location
            assert a is not None and b is not None  # placed: both
            metres[i] = distance_m(a, b)
        keep = (metres <= radius[col]) | district.ravel()[at]
        block = cost[lo:hi]
        block.fill(INELIGIBLE)
        block.ravel()[row[keep] * cols.size + col[keep]] = metres[keep] + behind[lo + row[keep], 0]
    return cost, cols


def assign(
    jobs: Sequence[Job], workers: Sequence[Candidate], rules: DispatchRules
) -> dict[int, int]:
    """job index → worker index minimising the total cost: ``optimal(cost_matrix(...))``'s
    total, solved over the columns of ``costs`` only."""
    cost, cols = costs(jobs, workers, rules)
    return {r: int(cols[c]) for r, c in optimal(cost).items()}


def optimal(cost: Ints | Floats) -> dict[int, int]:
    """job index → worker index minimising the total cost (ineligible pairs dropped).

    scipy is imported here, by the batch's first solve: importing ``scipy.optimize`` takes
    a tenth of a process's start (~0.6 s of ~5 on a busy machine) that the chat never needs."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(cost)
    return {int(r): int(c) for r, c in zip(rows, cols, strict=True) if cost[r, c] < INELIGIBLE}


def greedy(cost: Ints | Floats) -> dict[int, int]:
    """Repeatedly take the cheapest remaining pair (of equal costs, the first in row order).

    Each job's eligible workers sorted once; a heap holds each waiting job's cheapest worker
    not known to be taken, so pairs are taken in the order a scan of all pairs sorted would
    take them (``tests/unit/test_dispatch_index.py`` compares the two)."""
    choices: list[list[int]] = []
    heap: list[tuple[int, int, int]] = []
    for r in range(cost.shape[0]):
        cols = np.flatnonzero(cost[r] < INELIGIBLE)
        ranked = cols[np.argsort(cost[r, cols], kind="stable")].tolist()
        choices.append(ranked)
        if ranked:
            heap.append((int(cost[r, ranked[0]]), r, ranked[0]))
    heapq.heapify(heap)
    nxt = [0] * cost.shape[0]
    taken: set[int] = set()
    out: dict[int, int] = {}
    while heap:
        _, r, w = heapq.heappop(heap)
        if w not in taken:
            out[r] = w
            taken.add(w)
            continue
        nxt[r] += 1
        if nxt[r] < len(choices[r]):
            w = choices[r][nxt[r]]
            heapq.heappush(heap, (int(cost[r, w]), r, w))
    return out


def total(cost: Ints | Floats, assignment: dict[int, int]) -> int:
    return int(sum(int(cost[r, c]) for r, c in assignment.items()))


def _behind(jobs: Sequence[Job], rules: DispatchRules) -> list[int]:
    top = max((priority(job, rules) for job in jobs), default=0)
    per_km = max(rules.points_per_km, 1)
    return [(top - priority(job, rules)) * 1000 // per_km for job in jobs]


class _Groups(Generic[K]):
    """Jobs grouped by what a rule needs of them (a skill, a district, a time): one row over
    the workers per distinct value, gathered into a matrix for a chunk of jobs."""

    def __init__(self, keys: list[K], column: Callable[[K], Bools]) -> None:
        seen: dict[K, int] = {}
        self.index = np.array([seen.setdefault(key, len(seen)) for key in keys], np.int64)
        self.columns = np.stack([column(key) for key in seen])

    def matrix(self, lo: int, hi: int) -> Bools:
        out: Bools = self.columns[self.index[lo:hi]]
        return out


def _halves(points: Sequence[GeoPoint], job_side: bool) -> tuple[Floats, Floats]:
    """Factors whose products give ``2R·sin(Δφ/2)`` and ``2R·sqrt(cos φ cos φ')·sin(Δλ/2)``
    (``sin((b-a)/2) = sin(b/2)cos(a/2) - cos(b/2)sin(a/2)``): for a job two columns, for a
    worker two rows, so that one matrix product gives every pair."""
    lat = np.radians(np.array([p.lat for p in points], float))
    lon = np.radians(np.array([p.lon for p in points], float))
    scale = np.sqrt(np.cos(lat))
    if job_side:
        return (
            np.column_stack([np.cos(lat / 2), -np.sin(lat / 2)]),
            np.column_stack([np.cos(lon / 2), -np.sin(lon / 2)]) * scale[:, None],
        )
    two_r = 2 * EARTH_RADIUS_M
    return (
        np.vstack([np.sin(lat / 2), np.cos(lat / 2)]) * two_r,
        np.vstack([np.sin(lon / 2), np.cos(lon / 2)]) * (scale * two_r),
    )


def _metres(chord2: Floats) -> Floats:
    """``distance_m`` from squared chords, -1 where float error could round either way.

    ``2R·asin(s) = 2R·s(1 + s²/6 + 3s⁴/40 + …)`` with ``s = chord / 2R``: exact in float64
    for s ≤ 0.004 (51 km); further pairs go through the library's ``arcsin``."""
    x = np.sqrt(chord2)
    d = chord2 * (3 / 40 / TWO_R**4)
    d += 1 / 6 / TWO_R**2
    d *= chord2
    d += 1.0
    d *= x
    if x.size and x.max() > 0.004 * TWO_R:
        far = x > 0.004 * TWO_R
        d[far] = np.arcsin(np.minimum(x[far] / TWO_R, 1.0)) * TWO_R
    metres = np.rint(d)
    metres[np.abs(d - metres) > 0.5 - 1e-6] = -1.0
    return metres


class _Workers:
    """The workers who could take some job (approved, not suspended, online, under their
    daily cap, with a place): ``cols``, their columns, and what the rules need of them."""

    def __init__(self, workers: Sequence[Candidate]) -> None:
        self.cols = np.array(
            [
                i
                for i, w in enumerate(workers)
                if w.approved
                and not w.suspended
                and w.online
                and w.jobs_that_day < w.daily_cap
                and w.location is not None
            ],
            np.int64,
        )
        self.pool = [workers[i] for i in self.cols.tolist()]
        self.at = {w.id: i for i, w in enumerate(self.pool)}
        self.radius = np.array([w.radius_m if w.radius_m > 0 else -1 for w in self.pool], float)
        owners, starts, ends = [], [], []
        for i, w in enumerate(self.pool):
            for b in w.busy:
                owners.append(i)
                starts.append(b.start_at.timestamp())
                ends.append(b.end_at.timestamp())
        self.owners = np.array(owners, np.int64)
        self.starts, self.ends = np.array(starts, float), np.array(ends, float)
        self._expiry: dict[str, Ints] = {}
        # workers share a few sets of skills and of districts: a code per distinct set
        self._skill_sets: dict[frozenset[str], int] = {}
        self._skill_code = _codes([w.skills for w in self.pool], self._skill_sets)
        self._district_sets: dict[frozenset[str], int] = {}
        self._district_code = _codes([w.districts for w in self.pool], self._district_sets)

    def skilled(self, skill: str) -> Bools:
        return _having(skill, self._skill_sets, self._skill_code)

    def serving(self, district: str) -> Bools:
        return _having(district, self._district_sets, self._district_code)

    def credentials(self, key: tuple[tuple[str, ...], date]) -> Bools:
        """Holding every document, valid to the job's last day (``credential_refusal``)."""
        kinds, day = key
        ok = np.ones(len(self.pool), bool)
        for kind in kinds:
            if kind not in self._expiry:
                self._expiry[kind] = np.array([_expiry(w, kind) for w in self.pool], np.int64)
            ok &= self._expiry[kind] >= day.toordinal()
        return ok

    def free(self, key: tuple[datetime, datetime]) -> Bools:
        """No booking overlapping ``(start - buffer, end + buffer)``, whatever its length.
        Instants as POSIX seconds: ``timestamp()`` divides exact microseconds by 10⁶ with
        one rounding, and floats near 2×10⁹ are 2.4×10⁻⁷ apart, so distinct microseconds stay
        distinct and in order: the comparisons are those of the datetimes."""
        start, end = key
        clash = (start.timestamp() < self.ends) & (self.starts < end.timestamp())
        ok = np.ones(len(self.pool), bool)
        ok[self.owners[clash]] = False
        return ok


def _codes(sets: list[frozenset[str]], seen: dict[frozenset[str], int]) -> Ints:
    return np.array([seen.setdefault(one, len(seen)) for one in sets], np.int64)


def _having(name: str, seen: dict[frozenset[str], int], codes: Ints) -> Bools:
    """Which workers' sets (``codes`` into ``seen``) hold ``name`` ("" none)."""
    table = np.array([bool(name) and name in one for one in seen], bool)
    out: Bools = table[codes] if table.size else np.zeros(codes.size, bool)
    return out


def _expiry(w: Candidate, kind: str) -> int:
    if kind not in w.certificates:
        return -1
    expires = w.certificates[kind]
    return 10**9 if expires is None else expires.toordinal()
