"""Batch assignment of scheduled jobs to workers, minimising total travel distance.

``greedy`` takes the globally shortest remaining (job, worker) pair each time; ``optimal``
solves the assignment problem exactly (Hungarian method, scipy). Pairs a worker may not take
cost ``INELIGIBLE`` and are never chosen.

Members first: a job's cost carries, in metres, how far its priority is below the batch's
highest (``dispatch.priority`` at ``points_per_km``): with fewer workers than jobs the
members' jobs are the ones served (a gold member's 2,000 points outweigh 20 km of travel —
the widest service radius), and with enough workers for all, the same constant per job
changes nothing of who goes where.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from domain.dispatch import Candidate, Job, priority, refusal
from domain.geo import distance_m
from domain.rules import DispatchRules

INELIGIBLE = 10**9


def cost_matrix(
    jobs: Sequence[Job], workers: Sequence[Candidate], rules: DispatchRules
) -> npt.NDArray[np.int64]:
    """Metres from each worker to each job, plus the job's priority below the highest (in
    metres); ``INELIGIBLE`` where the rules forbid the pair."""
    cost = np.full((len(jobs), len(workers)), INELIGIBLE, dtype=np.int64)
    top = max((priority(job, rules) for job in jobs), default=0)
    for i, job in enumerate(jobs):
        behind = (top - priority(job, rules)) * 1000 // max(rules.points_per_km, 1)
        for j, w in enumerate(workers):
            if job.location and w.location and refusal(job, w, rules) is None:
                cost[i, j] = distance_m(job.location, w.location) + behind
    return cost


def optimal(cost: npt.NDArray[np.int64]) -> dict[int, int]:
    """job index → worker index minimising the total cost (ineligible pairs dropped)."""
    rows, cols = linear_sum_assignment(cost)
    return {int(r): int(c) for r, c in zip(rows, cols, strict=True) if cost[r, c] < INELIGIBLE}


def greedy(cost: npt.NDArray[np.int64]) -> dict[int, int]:
    """Repeatedly take the cheapest remaining pair."""
    flat = np.argsort(cost, axis=None, kind="stable")
    taken_jobs: set[int] = set()
    taken_workers: set[int] = set()
    out: dict[int, int] = {}
    n_jobs = cost.shape[0]
    for idx in flat:
        r, c = divmod(int(idx), cost.shape[1])
        if cost[r, c] >= INELIGIBLE or len(out) == n_jobs:
            break
        if r in taken_jobs or c in taken_workers:
            continue
        out[r] = c
        taken_jobs.add(r)
        taken_workers.add(c)
    return out


def total(cost: npt.NDArray[np.int64], assignment: dict[int, int]) -> int:
    return int(sum(int(cost[r, c]) for r, c in assignment.items()))
