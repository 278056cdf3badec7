"""The points sweep: what is left of earnings past their expiry goes, one customer at a time
(each under their lock, so several processes expire a lot once), and each customer is told
once per sweep. The levels sweep: a member level kept until now is reviewed by the spend."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from conversations.events import Result
from conversations.results.sweeps import MemberLevelsReviewed, PointsExpired
from conversations.services import points
from conversations.services.deps import Deps
from conversations.services.notices import to_customer
from domain import commands as c
from domain.membership import LEVEL_RANK

BATCH = 200
"""Lots read per round of the sweep (it goes on while rounds come back full)."""


class PointsDesk:
    def __init__(self, services: Deps) -> None:
        self.s = services

    def handlers(self) -> dict[type[c.Command], Any]:
        return {c.ExpirePoints: self.expire, c.ReviewMemberLevels: self.review_levels}

    async def review_levels(self, cmd: c.ReviewMemberLevels) -> list[Result]:
        """Each level whose keeping ended is reviewed under its customer's lock (another
        process, or a settlement, may have reviewed it meanwhile: nothing is done twice)."""
        now = self.s.clock()
        reviewed = lowered = last = 0
        while True:  # each due customer once a sweep, by id
            async with self.s.uow() as uow:
                due = await uow.membership.levels_due(now, last, limit=BATCH)
            for customer_id in due:
                last = customer_id
                async with self.s.uow() as uow:
                    await uow.membership.lock(customer_id)
                    before = await uow.membership.standing(customer_id)
                    if before.until is not None and before.until > now:
                        continue  # reviewed meanwhile
                    notices = await points.check_level(uow, self.s.rules, customer_id, now)
                    after = await uow.membership.standing(customer_id)
                    posted = await self.s.post(uow, notices)
                    await uow.commit()
                await self.s.flush(posted)
                reviewed += 1
                lowered += LEVEL_RANK[after.level] < LEVEL_RANK[before.level]
            if len(due) < BATCH:
                return [MemberLevelsReviewed(reviewed, lowered)]

    async def expire(self, cmd: c.ExpirePoints) -> list[Result]:
        now = self.s.clock()
        customers = total = 0
        while True:
            async with self.s.uow() as uow:
                due = await uow.membership.expiring(now, limit=BATCH)
            gone = 0
            for customer_id, lots in groupby(sorted(due, key=lambda x: x[1]), key=lambda x: x[1]):
                expired = await self._expire(customer_id, [lot for lot, _ in lots], now)
                customers += expired > 0
                gone += expired
            total += gone
            if len(due) < BATCH or not gone:  # no progress: another process has these
                return [PointsExpired(customers, total)]

    async def _expire(self, customer_id: int, lots: list[int], now: datetime) -> int:
        async with self.s.uow() as uow:
            moved = [
                m
                for lot in lots
                if (m := await points.expire_lot(uow, self.s.rules, lot, customer_id, now))
            ]
            if not moved:
                return 0
            expired = -sum(m.points for m in moved)
            notice = to_customer(
                customer_id, "points_expired", points=expired, balance=moved[-1].balance
            )
            posted = await self.s.post(uow, [notice])
            await uow.commit()
        await self.s.flush(posted)
        return expired
