"""Fast dispatch over large worker pools, exactly ``dispatch.rank(...)[:k]``.

Built once from candidate snapshots (rebuild when workers change). Per skill, the workers who
could ever take a job (approved, not suspended, online, under their daily cap, with a radius or
districts) sit in a grid of ~1 km cells, sorted by cell, with their unit vectors and the parts
of the score that do not depend on the job as rows of one array. A query takes the square of
cells reaching just past ``near_km`` (a few slices), bounds every score there from above in a
dozen numpy operations (a chord is never longer than its arc; documents compared as day
numbers), and applies the exact rules of ``domain.dispatch`` best bound first until nothing
left can beat the k-th found. Workers outside the square are at least its half-width away,
which bounds their scores too; when that bound is not beaten the square widens to where it
would be. A small grid (or that of the holders of a rare document) is scanned whole. A
worker's bookings are sorted once (starts, with the running maximum of their ends), so "busy
then?" is one bisection whatever their number or length (a placement of 26 days is one
interval). The preferred and previous workers, and workers serving the job's district without
a centre, are checked directly. ``tests/unit/test_dispatch_index.py`` compares with ``rank``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from math import asin, cos, floor, radians, sin

import numpy as np
import numpy.typing as npt

from domain.dispatch import Candidate, Job, Scored, refusal, score, sort_key
from domain.geo import EARTH_RADIUS_M
from domain.people import GeoPoint
from domain.rules import DispatchRules, MemberLevel

CELL_M = 1_000
WHOLE = 1_024  # a grid of at most so many workers is scanned whole
SLACK_M = 3.0  # the float error, the 1 m² below, and the rounding to whole metres
M_PER_DEG = EARTH_RADIUS_M * np.pi / 180
NEVER = -1  # a credential not held: no day is on or before its expiry
FOREVER = 10**9  # held without an expiry date
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
CHORD2 = 2.0 * EARTH_RADIUS_M**2  # the squared chord is CHORD2 · (1 - cos θ)
# the rows of a skill's block: minus the unit vector × CHORD2, then CHORD2 + 1 m² (so that
# float error never takes the squared chord below zero), radius + slack, near-idle points,
# the halving factor, the worker's row, and per member level the score's fixed part + slack
X, Y, Z, ONE, RADIUS, IDLE, FACTOR, ROW = range(8)
LEVELS = list(MemberLevel)
STATIC = {level: 8 + i for i, level in enumerate(LEVELS)}
EXPIRY = STATIC[LEVELS[-1]] + 1  # in the grids of the holders of documents only


class _Skill:
    """The grid of one skill: cell keys (sorted) and the block of attributes in that order
    (one row per attribute: a square's slices concatenate into contiguous rows)."""

    def __init__(self, keys: Ints, block: Floats, top: dict[MemberLevel, int]) -> None:
        self.keys, self.block, self.top = keys, block, top
        cy, cx = keys >> 32, (keys << 32) >> 32  # the high and the low (signed) 32 bits
        self._box = int(cy.min()), int(cy.max()), int(cx.min()), int(cx.max())

    def covered(self, y0: int, y1: int, x0: int, x1: int) -> bool:
        """Whether the cells from (y0, x0) to (y1, x1) hold every worker of the skill."""
        low_y, high_y, low_x, high_x = self._box
        return y0 <= low_y and high_y <= y1 and x0 <= low_x and high_x <= x1


class DispatchIndex:
    def __init__(
        self, workers: Sequence[Candidate], rules: DispatchRules, whole: int = WHOLE
    ) -> None:
        self.workers = list(workers)
        self._whole = whole
        self.rules = rules
        self._row = {w.id: i for i, w in enumerate(self.workers)}
        located = [w.location for w in self.workers if w.location is not None]
        lat0 = sum(p.lat for p in located) / len(located) if located else 0.0
        self._max_lat = max((abs(p.lat) for p in located), default=0.0)
        self._dlat = CELL_M / M_PER_DEG  # a cell's height and width in degrees
        self._dlon = CELL_M / (M_PER_DEG * cos(radians(lat0)))
        self._buffer = timedelta(minutes=rules.travel_buffer_minutes)
        near = rules.near_km * 1000
        self._reach = next(n for n in range(1, 10**6) if self._away(n, lat0) > near)
        statics = {level: _static(self.workers, rules, level) for level in LEVELS}
        self._statics = statics
        self._halved = np.array(
            [w.good_rate_bp < rules.good_rate_floor_bp for w in self.workers], bool
        )
        self._offsets: dict[int, Ints] = {}
        self._holding: dict[tuple[str, tuple[str, ...]], _Skill | None] = {}
        self._outside_of: dict[int, float] = {}
        ok = [
            w.approved and not w.suspended and w.online and w.jobs_that_day < w.daily_cap
            for w in self.workers
        ]
        by_skill: defaultdict[str, list[int]] = defaultdict(list)
        unlocated: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        in_district: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        for i, w in enumerate(self.workers):
            if not ok[i]:
                continue
            for sk in w.skills:
                for d in w.districts:
                    in_district[sk, d].append(i)
                    if w.location is None:
                        unlocated[sk, d].append(i)
                if w.location is not None and (w.radius_m > 0 or w.districts):
                    by_skill[sk].append(i)
        self._in_district = {k: np.array(r, np.int64) for k, r in in_district.items()}
        self._unlocated = {k: np.array(r, np.int64) for k, r in unlocated.items()}
        self._most = {  # the best any of them can score but for the preferred/previous bonus
            k: max(max(int(s[rows].max()), int(s[rows].max()) // 2) for s in statics.values())
            for k, rows in self._in_district.items()
        }
        self._member = {  # per district, who serves it (the square's area test)
            d: np.zeros(len(self.workers), bool) for w in self.workers for d in w.districts
        }
        for i, w in enumerate(self.workers):
            for d in w.districts:
                self._member[d][i] = True
        self._skills = {sk: self._grid(rows, statics) for sk, rows in by_skill.items()}
        kinds = {kind for w in self.workers for kind in w.certificates}
        self._expiry = {
            kind: np.array([_expiry(w, kind) for w in self.workers], np.int64) for kind in kinds
        }
        # bookings sorted by start, with the running maximum of their ends
        self._busy: dict[int, tuple[list[datetime], list[datetime]]] = {}
        for i, w in enumerate(self.workers):
            if w.busy:
                ordered = sorted(w.busy, key=lambda b: b.start_at)
                ends, latest = [], ordered[0].end_at
                for b in ordered:
                    latest = max(latest, b.end_at)
                    ends.append(latest)
                self._busy[i] = ([b.start_at for b in ordered], ends)

    def _grid(self, rows: list[int], statics: dict[MemberLevel, Ints]) -> _Skill:
        """The block of one skill. A chord is never longer than its arc and ``distance_m``
        rounds to the metre, so with ``d = sqrt(CHORD2 + 1 - v·q)`` (``v`` the scaled unit
        vector) a worker is at least ``d - SLACK_M`` away: then ``floor(dist · per_m)`` is at
        least ``(d - SLACK_M) · per_m - 1``, and ``static + SLACK_M · per_m + 1 - d · per_m``
        bounds the score before the near-idle bonus; halving halves the bound."""
        r = np.array(rows, np.int64)
        ws = [self.workers[i] for i in rows]
        lat = np.radians([w.location.lat for w in ws if w.location])
        lon = np.radians([w.location.lon for w in ws if w.location])
        keys = np.array([self._key(w.location.lat, w.location.lon) for w in ws if w.location])
        margin = SLACK_M * self.rules.points_per_km / 1000 + 1
        columns = [
            -CHORD2 * np.cos(lat) * np.cos(lon),
            -CHORD2 * np.cos(lat) * np.sin(lon),
            -CHORD2 * np.sin(lat),
            np.full(len(rows), CHORD2 + 1.0),
            np.array([w.radius_m for w in ws], float) + SLACK_M,
            np.array([w.active_now == 0 for w in ws], float) * self.rules.near_idle_points,
            np.where(self._halved[r], 0.5, 1.0),
            r.astype(float),
            *(statics[level][r] + margin for level in LEVELS),
        ]
        order = np.argsort(keys, kind="stable")
        top = {level: int(statics[level][r].max()) for level in LEVELS}
        return _Skill(keys[order], np.ascontiguousarray(np.vstack(columns)[:, order]), top)

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return floor(lat / self._dlat), floor(lon / self._dlon)

    def _key(self, lat: float, lon: float) -> int:
        cy, cx = self._cell(lat, lon)
        return (cy << 32) + cx

    def _outside(self, n: int, lat: float) -> float:
        """``_away`` for a point no further from the equator than the workers (cached)."""
        if abs(lat) > self._max_lat:
            return self._away(n, lat)
        if (out := self._outside_of.get(n)) is None:
            out = self._outside_of[n] = self._away(n, self._max_lat)
        return out

    def _away(self, n: int, lat: float) -> float:
        """A lower bound of the distance from a point to any worker more than ``n`` cells
        away from its cell in either direction (metres): ``d ≥ R·Δφ``, and
        ``d ≥ 2R·asin(cos φmax · sin(Δλ/2))``."""
        along = EARTH_RADIUS_M * radians(n * self._dlat)
        c = cos(radians(min(89.0, max(self._max_lat, abs(lat)))))
        across = 2 * EARTH_RADIUS_M * asin(min(1.0, c * sin(radians(n * self._dlon) / 2)))
        return min(along, across) - SLACK_M

    def best(self, job: Job, k: int = 1) -> list[Scored]:
        """The ``k`` best eligible workers, exactly as ``rank(job, workers)[:k]``."""
        found: list[Scored] = []
        seen: set[int] = set()
        for wid in {job.preferred_worker_id, *job.previous_worker_ids}:
            if wid is not None and (row := self._row.get(wid)) is not None:
                self._check(job, row, found, seen)
        if job.location is not None and (grid := self._grid_for(job)) is not None:
            self._square(job, job.location, grid, found, seen, k)
        # workers serving the district with no centre (or every one, for a job with no place)
        key = (job.skill, job.district)
        rows = (self._unlocated if job.location else self._in_district).get(key)
        if rows is not None and (len(found) < k or found[k - 1].score <= self._most[key]):
            if job.certificates:
                rows = rows[self._credentials(job, rows)]
            self._exact(job, rows, self._flat(job, rows), found, seen, k)
        return found[:k]

    def _square(
        self, job: Job, at: GeoPoint, grid: _Skill, found: list[Scored], seen: set[int], k: int
    ) -> None:
        """The grid's workers, in squares of cells around ``at`` until none outside can win
        (a small grid at once: a sparse one would be widened several times)."""
        qy, qx = self._cell(at.lat, at.lon)
        p, lam = radians(at.lat), radians(at.lon)
        q = np.array([cos(p) * cos(lam), cos(p) * sin(lam), sin(p), 1.0])
        if grid.keys.size <= self._whole:
            self._scan(job, grid.block, q, found, seen, k)
            return
        per_m = self.rules.points_per_km / 1000
        n = self._reach
        while True:
            edges = grid.keys.searchsorted(self._edges_of(n) + ((qy << 32) + qx)).tolist()
            rows = 2 * n + 1
            parts = [
                grid.block[:, a:b]
                for a, b in zip(edges[:rows], edges[rows:], strict=True)
                if b > a
            ]
            if parts:
                blk = np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]
                self._scan(job, blk, q, found, seen, k)
            if grid.covered(qy - n, qy + n, qx - n, qx + n):
                return
            if len(found) < k or per_m <= 0:
                n *= 2
                continue
            if self._beaten(n, at.lat, grid.top[job.member_level], found[k - 1].score):
                return
            # the smallest wider square whose outside cannot beat the k-th found
            unit = self._outside(1, at.lat) + SLACK_M
            need = (grid.top[job.member_level] - found[k - 1].score) / per_m
            n = max(n + 1, int(need / unit))
            while not (
                self._beaten(n, at.lat, grid.top[job.member_level], found[k - 1].score)
                or grid.covered(qy - n, qy + n, qx - n, qx + n)
            ):
                n += 1

    def _scan(
        self, job: Job, blk: Floats, q: Floats, found: list[Scored], seen: set[int], k: int
    ) -> None:
        """Bound the scores of the workers of ``blk`` (columns of a grid's block) for the job
        at unit vector ``q``, then apply the rules best bound first."""
        d = np.sqrt(q @ blk[X : ONE + 1])  # never shorter than the distance - slack
        area = d <= blk[RADIUS]
        if job.district and (member := self._member.get(job.district)) is not None:
            area |= member[blk[ROW].astype(np.int64)]
        if job.certificates:  # the documents' first expiry: valid to the job's end
            area &= blk[EXPIRY] >= job.end_at.date().toordinal()
        bound = blk[STATIC[job.member_level]] - d * (self.rules.points_per_km / 1000)
        bound += (d <= self.rules.near_km * 1000 + SLACK_M) * blk[IDLE]
        bound *= blk[FACTOR]
        self._exact(job, blk[ROW], np.where(area, bound, -np.inf), found, seen, k)

    def _beaten(self, n: int, lat: float, most: int, kth: int) -> bool:
        """Whether no worker outside the square of ``n`` cells can score ``kth`` or more:
        their fixed part is at most ``most`` and their distance at least ``_outside``."""
        out = self._outside(n, lat)
        top = most - floor(out * self.rules.points_per_km / 1000)
        top += self.rules.near_idle_points if out <= self.rules.near_km * 1000 else 0
        return kth > max(top, top // 2)

    def _grid_for(self, job: Job) -> _Skill | None:
        """The skill's grid; for a job needing documents, of the workers holding them all,
        with the day the first of them expires (made at the first such job: a rare document
        makes a sparse grid, searched wide)."""
        grid = self._skills.get(job.skill)
        if grid is None or not job.certificates:
            return grid
        key = (job.skill, tuple(sorted(set(job.certificates))))
        if key not in self._holding:
            rows = grid.block[ROW].astype(np.int64)
            held = np.ones(rows.size, bool)
            for kind in key[1]:
                held &= kind in self._expiry and self._expiry[kind][rows] != NEVER
            rows = rows[held]
            first = np.min([self._expiry[kind][rows] for kind in key[1]], axis=0)
            self._holding[key] = (
                _Skill(
                    grid.keys[held],
                    np.ascontiguousarray(np.vstack([grid.block[:, held], first])),
                    {level: int(self._statics[level][rows].max()) for level in LEVELS},
                )
                if rows.size
                else None
            )
        return self._holding[key]

    def _edges_of(self, n: int) -> Ints:
        """The keys' offsets from the centre cell's of where the rows of a square of
        ``2n + 1`` cells start, then of where they end (one past): one ``searchsorted``."""
        if (edges := self._offsets.get(n)) is None:
            rows = np.arange(-n, n + 1, dtype=np.int64) << 32
            edges = self._offsets[n] = np.concatenate([rows - n, rows + (n + 1)])
        return edges

    def _flat(self, job: Job, rows: Ints) -> Floats:
        """The exact score but for the preferred/previous bonus (no distance to the job)."""
        bound = self._statics[job.member_level][rows]
        out: Floats = np.where(self._halved[rows], bound // 2, bound).astype(float)
        return out

    def _credentials(self, job: Job, rows: Ints) -> npt.NDArray[np.bool_]:
        """Rows holding every document the job needs, valid to its end (exact)."""
        ok = np.ones(rows.size, bool)
        day = job.end_at.date().toordinal()
        for kind in job.certificates:
            expiry = self._expiry.get(kind)
            if expiry is None:
                return np.zeros(rows.size, bool)
            ok &= expiry[rows] >= day
        return ok

    def _exact(
        self,
        job: Job,
        rows: Ints | Floats,
        bound: Floats,
        found: list[Scored],
        seen: set[int],
        k: int,
    ) -> None:
        """Apply the rules to ``rows`` best bound first, while one could still be in the top k
        (``bound`` is -inf where they cannot be eligible; it is used up)."""
        if not bound.size:
            return
        while len(found) < k:
            pos = int(bound.argmax())
            if bound[pos] == -np.inf:
                return
            bound[pos] = -np.inf
            self._check(job, int(rows[pos]), found, seen)
        ahead = (bound >= found[k - 1].score).nonzero()[0].tolist()
        for pos in sorted(ahead, key=lambda i: -bound[i]):
            if bound[pos] < found[k - 1].score:
                return
            self._check(job, int(rows[pos]), found, seen)

    def _check(self, job: Job, row: int, found: list[Scored], seen: set[int]) -> None:
        """The rules of ``dispatch`` for one worker, once per query."""
        if row in seen:
            return
        seen.add(row)
        if self._busy_then(row, job):
            return
        worker = self.workers[row]
        if refusal(job, worker, self.rules) is None:
            found.append(score(job, worker, self.rules))
            found.sort(key=sort_key)

    def _busy_then(self, row: int, job: Job) -> bool:
        """A booking overlapping the job, travel buffer included (as ``refusal``)."""
        busy = self._busy.get(row)
        if busy is None:
            return False
        starts, ends = busy
        before = bisect_left(starts, job.end_at + self._buffer)  # bookings starting before
        return before > 0 and job.start_at < ends[before - 1] + self._buffer


def _static(workers: list[Candidate], rules: DispatchRules, member: MemberLevel) -> Ints:
    """The parts of each worker's score that do not depend on the job's place (exact)."""
    extra = rules.member_rating_points_per_star.get(member, 0)
    return np.array(
        [
            10_000
            + w.rating_x100 * rules.points_per_rating_star // 100
            + (w.rating_x100 * extra // 100 if extra else 0)
            - w.jobs_that_day * rules.points_per_active_job
            + rules.level_points.get(w.level, 0)
            for w in workers
        ],
        np.int64,
    )


def _expiry(w: Candidate, kind: str) -> int:
    if kind not in w.certificates:
        return NEVER
    expires = w.certificates[kind]
    return FOREVER if expires is None else expires.toordinal()
