"""Fast dispatch over large worker pools: a spatial grid and district index narrow the pool to
workers who could possibly serve the place, numpy computes an upper bound of every score, and
the exact rules of ``domain.dispatch`` are applied best-bound-first until nothing left can
beat the result. The answer is exactly ``dispatch.rank(...)[:k]``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from math import cos, radians

import numpy as np
import numpy.typing as npt

from domain.dispatch import Candidate, Job, Scored, refusal, score, sort_key
from domain.rules import DispatchRules

KM_PER_DEG_LAT = 110.574
CELL_KM = 2.0
SLACK_M = 2  # float vs exact distance: bounds stay upper bounds


class DispatchIndex:
    """Built once from candidate snapshots (rebuild when workers change)."""

    def __init__(self, workers: Sequence[Candidate], rules: DispatchRules) -> None:
        self.workers = list(workers)
        self.rules = rules
        located = [w.location for w in self.workers if w.location is not None]
        self._lat0 = sum(p.lat for p in located) / len(located) if located else 0.0
        self._kx = 111.320 * cos(radians(self._lat0))
        self.lat = np.array([w.location.lat if w.location else np.nan for w in self.workers])
        self.lon = np.array([w.location.lon if w.location else np.nan for w in self.workers])
        with np.errstate(invalid="ignore"):
            self.cx = np.nan_to_num(self.lon * self._kx // CELL_KM, nan=-(10**9)).astype(np.int64)
            self.cy = np.nan_to_num(self.lat * KM_PER_DEG_LAT // CELL_KM, nan=-(10**9)).astype(
                np.int64
            )
        districts: defaultdict[str, list[int]] = defaultdict(list)
        skills: defaultdict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(self.workers):
            for d in w.districts:
                districts[d].append(i)
            for sk in w.skills:
                skills[sk].append(i)
        self._district_rows = {d: np.array(r, dtype=np.int64) for d, r in districts.items()}
        self.ids = np.array([w.id for w in self.workers], dtype=np.int64)
        self.radius = np.array([w.radius_m for w in self.workers], dtype=np.int64)
        ok = np.array(
            [
                w.approved and not w.suspended and w.online and w.jobs_that_day < w.daily_cap
                for w in self.workers
            ],
            dtype=bool,
        )
        # per skill, the rows of workers who could ever take it (approved, online, under cap)
        self._skill_rows = {
            sk: np.array([i for i in r if ok[i]], dtype=np.int64) for sk, r in skills.items()
        }
        # the score's parts that do not depend on the job, exact integers
        self.static = np.array(
            [
                10_000
                + w.rating_x100 * rules.points_per_rating_star // 100
                - w.jobs_that_day * rules.points_per_active_job
                + rules.level_points.get(w.level, 0)
                for w in self.workers
            ],
            dtype=np.int64,
        )
        self.rating = np.array([w.rating_x100 for w in self.workers], dtype=np.int64)
        self.idle = np.array([w.active_now == 0 for w in self.workers], dtype=bool)
        self.halved = np.array(
            [w.good_rate_bp < rules.good_rate_floor_bp for w in self.workers], dtype=bool
        )

    def best(self, job: Job, k: int = 1) -> list[Scored]:
        """The ``k`` best eligible workers, exactly as ``rank(job, workers)[:k]``."""
        rows = self._skill_rows.get(job.skill)
        if rows is None or rows.size == 0:
            return []
        by_district = (
            np.isin(rows, self._district_rows[job.district])
            if job.district in self._district_rows
            else np.zeros(rows.size, bool)
        )
        if job.location is not None:  # coarse grid: cells within the largest radius
            reach = int(self.rules.max_service_radius_km // CELL_KM) + 1
            qx = int(job.location.lon * self._kx // CELL_KM)
            qy = int(job.location.lat * KM_PER_DEG_LAT // CELL_KM)
            close = (np.abs(self.cx[rows] - qx) <= reach) & (np.abs(self.cy[rows] - qy) <= reach)
            keep = close | by_district
            rows, by_district = rows[keep], by_district[keep]
        else:
            rows, by_district = rows[by_district], by_district[by_district]
        if rows.size == 0:
            return []
        bound = self.static[rows].copy()
        in_area = by_district.copy()
        if job.location is not None:
            dist = _haversine_m(job.location.lat, job.location.lon, self.lat[rows], self.lon[rows])
            has = ~np.isnan(dist)
            near = np.where(has, dist - SLACK_M, 0.0)
            in_area |= has & (near <= self.radius[rows])
            penalty = np.where(
                has, np.floor(np.maximum(near, 0) * self.rules.points_per_km / 1000), 0
            ).astype(np.int64)
            bonus = has & self.idle[rows] & (near <= self.rules.near_km * 1000)
            bound += np.where(bonus, self.rules.near_idle_points, 0) - penalty
        rows, bound = rows[in_area], bound[in_area]
        member = self.rules.member_rating_points_per_star.get(job.member_level, 0)
        if member:  # a member's job: each star of rating counts more (exact, as in ``score``)
            bound += self.rating[rows] * member // 100
        if job.preferred_worker_id is not None or job.previous_worker_ids:
            ids = self.ids[rows]
            bound += np.where(
                ids == (job.preferred_worker_id or -1),
                self.rules.preferred_points,
                np.where(
                    np.isin(ids, list(job.previous_worker_ids)), self.rules.previous_points, 0
                ),
            )
        bound = np.where(self.halved[rows], bound // 2, bound)
        order = np.argsort(-bound, kind="stable")
        found: list[Scored] = []
        for pos in order:
            if len(found) >= k and bound[pos] < found[k - 1].score:
                break
            worker = self.workers[int(rows[pos])]
            if refusal(job, worker, self.rules) is None:
                found.append(score(job, worker, self.rules))
                found.sort(key=sort_key)
        return found[:k]


def _haversine_m(
    lat: float, lon: float, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    p1, p2 = np.radians(lat), np.radians(lats)
    dlat, dlon = p2 - p1, np.radians(lons - lon)
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    out: npt.NDArray[np.float64] = 2 * 6_371_000 * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out
