"""The scheduler: APScheduler runs idempotent sweeps over deadlines stored with the data.

Every process runs the same sweeps; each due row is claimed by a conditional UPDATE (an offer
leaves ``open`` once, an order leaves ``finished`` or ``awaiting_payment`` once), so several
processes never act twice and a restart loses nothing (the deadlines are in the database, not
in job stores).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from domain.commands import (
    AutoConfirm,
    BatchDispatch,
    Command,
    ComplaintSweep,
    DailySettlement,
    DrainOutbox,
    ExecuteRefunds,
    ExpireCards,
    ExpireOffers,
    ExpirePoints,
    ExpireSurcharges,
    ExpireUnpaid,
    ForgetConversations,
    ForgetUnsentUploads,
    GenerateRecurring,
    GiveBirthdayCoupons,
    IssueInvoices,
    IssuePolicies,
    PlacementSweep,
    QuarterlyLevels,
    ReconcilePayments,
    ReleaseDeposits,
    RemindExpiringCertificates,
    ReviewMemberLevels,
    SampleSpotChecks,
    SendCampaigns,
    SendPayouts,
    SendReminders,
    TicketSweep,
)
from domain.privacy import loggable_traceback

log = logging.getLogger(__name__)

SWEEPS: list[tuple[Callable[[], Command], int]] = [
    (DrainOutbox, 5),
    (ExpireOffers, 15),
    (BatchDispatch, 300),
    (AutoConfirm, 60),
    (ExecuteRefunds, 600),
    (ReconcilePayments, 300),
    (ExpireUnpaid, 60),
    (DailySettlement, 900),
    (SendPayouts, 120),
    (SendReminders, 60),
    (RemindExpiringCertificates, 3600),
    (GenerateRecurring, 600),
    (ComplaintSweep, 60),
    (TicketSweep, 60),
    (SampleSpotChecks, 900),
    (QuarterlyLevels, 3600),
    (ForgetConversations, 3600),
    (ExpirePoints, 3600),
    (ReviewMemberLevels, 3600),
    (IssueInvoices, 60),
    (IssuePolicies, 60),
    (SendCampaigns, 30),
    (GiveBirthdayCoupons, 3600),
    (ExpireCards, 3600),
    (ExpireSurcharges, 60),
    (ForgetUnsentUploads, 3600),
    (ReleaseDeposits, 3600),
    (PlacementSweep, 600),
]
"""(command to run, every N seconds)."""


def build_scheduler(run: Callable[[Command], Awaitable[object]]) -> AsyncIOScheduler:
    """An AsyncIOScheduler (UTC) with every sweep; each sweep runs one at a time per process."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    for make, seconds in SWEEPS:

        async def sweep(make: Callable[[], Command] = make) -> None:
            try:
                await run(make())
            except Exception as exc:  # a failed sweep is retried next interval
                log.error("sweep %s failed\n%s", make.__name__, loggable_traceback(exc))

        scheduler.add_job(
            sweep,
            "interval",
            seconds=seconds,
            id=make.__name__,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=seconds,
        )
    return scheduler
