"""The approved workers of a large pool, indexed by where they work (``domain.dispatch_index``),
so that dispatching an order reads a few workers afresh instead of every one online.

Each process keeps one, built in the background from a snapshot of every approved worker with
what changes by the minute at its most favourable — online, no job that day, nothing booked,
not busy now — so that the index's score of a worker is never below the score the same
worker gets on fresh data: it orders the workers by an upper bound. ``dispatch_pool.pool_for``
reads the first of them afresh and stops once nobody left could beat the ones it read.

The snapshot is rebuilt when older than ``dispatch.index_refresh_seconds``, in the
background (the dispatch going on with the old one); a worker approved, or whose skills, area,
documents or rating improved since, is found from the next one. It is built only once an
order's dispatch has seen ``dispatch.index_from_workers`` workers online, and dropped when a
rebuild finds fewer approved: a small company's dispatch reads everyone, as before.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from domain.dispatch import Candidate, candidate_of
from domain.dispatch_index import DispatchIndex
from domain.people import Worker
from domain.ports import UnitOfWork
from domain.rules import Rules

log = logging.getLogger(__name__)
SNAPSHOT_PAGE = 1_000
"""Approved workers read per unit of work while the snapshot is taken."""


def optimistic(worker: Worker, rules: Rules) -> Candidate:
    """``worker`` (approved) as dispatch would see them at best: online, free all day, idle."""
    return replace(candidate_of(worker, rules.credit), online=True)


class WorkerIndex:
    """This process's index of the approved workers (see the module docstring).

    Args:
        reads: a unit of work for the snapshot (opened in a task of its own, never inside a
            chat turn's transaction).
        rules: the rules the index scores by (``rules.dispatch``) and its size and age.
        clock: now.
    """

    def __init__(
        self, *, reads: Callable[[], UnitOfWork], rules: Rules, clock: Callable[[], datetime]
    ) -> None:
        self._reads = reads
        self._rules = rules
        self._clock = clock
        self._index: DispatchIndex | None = None
        self._built_at: datetime | None = None
        self._building: asyncio.Task[None] | None = None
        self.workers = 0
        """How many approved workers the current snapshot holds (0: none built)."""

    def current(self) -> DispatchIndex | None:
        """The index to dispatch with, or None (no large pool seen yet); a stale one is
        rebuilt in the background meanwhile."""
        if self._index is not None and self._stale():
            self._start()
        return self._index

    def saw(self, online: int) -> None:
        """A dispatch read ``online`` workers: from ``index_from_workers`` on, build one."""
        if online >= self._rules.dispatch.index_from_workers and self._stale():
            self._start()

    async def refresh(self) -> None:
        """Build the index now from a fresh snapshot (or drop it: too few approved)."""
        at = self._clock()
        snapshot: list[Candidate] = []
        while True:  # in pages, each its own unit of work: chat turns go on in between
            async with self._reads() as uow:
                after = snapshot[-1].id if snapshot else 0
                page = await uow.workers.approved_after(after, SNAPSHOT_PAGE)
            snapshot += [optimistic(w, self._rules) for w in page]
            if len(page) < SNAPSHOT_PAGE:
                break
            await asyncio.sleep(0)
        if len(snapshot) < self._rules.dispatch.index_from_workers:
            self._index, self._built_at, self.workers = None, at, 0
            return
        # numpy does most of the building and lets the event loop run meanwhile
        index = await asyncio.to_thread(DispatchIndex, snapshot, self._rules.dispatch)
        self._index, self._built_at, self.workers = index, at, len(snapshot)
        log.info("dispatch index: %d approved workers", len(snapshot))

    def _stale(self) -> bool:
        every = timedelta(seconds=self._rules.dispatch.index_refresh_seconds)
        return self._built_at is None or self._clock() - self._built_at >= every

    def _start(self) -> None:
        if self._building is not None:
            return
        # a context of its own: the snapshot must not join the chat turn that asked for it
        task = asyncio.get_running_loop().create_task(
            self._rebuild(), context=contextvars.Context()
        )
        self._building = task

    async def _rebuild(self) -> None:
        try:
            await self.refresh()
        except Exception:
            log.exception(
                "dispatch index not rebuilt; dispatch goes on with the one before, or reads "
                "every worker when none was built"
            )
            self._built_at = self._clock()  # tried: again after the refresh interval
        finally:
            self._building = None

    async def settled(self) -> None:
        """Wait for a rebuild under way, if any (tests; its failure is logged, not raised)."""
        if (task := self._building) is not None:
            await asyncio.gather(task, return_exceptions=True)

    async def close(self) -> None:
        """Stop a rebuild under way (shutdown)."""
        task, self._building = self._building, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
