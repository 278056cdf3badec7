"""What each scheduler sweep answers: one typed result, with the counts of what it did, and a
different result when the once-a-period runs (settlement, levels) were claimed before."""

from __future__ import annotations

import pytest

from conversations.results import sweeps as r
from conversations.results.campaigns import CampaignsSent
from conversations.results.surcharges import SurchargesLapsed
from domain import commands as c
from scheduler.sweeps import SWEEPS
from tests.e2e.helpers import HOME, seed_worker, telegram_app
from tests.e2e.test_after_sales import WORKER, finished_job
from webhooks.keys import SERVICES

EMPTY = {
    c.DrainOutbox: r.OutboxDrained(0),
    c.ExpireOffers: r.OffersExpired(0),
    c.BatchDispatch: r.BatchDispatched(0),
    c.AutoConfirm: r.OrdersAutoConfirmed(0),
    c.ExecuteRefunds: r.RefundsExecuted(0, 0),
    c.ReconcilePayments: r.PaymentsReconciled(0, 0),
    c.ExpireUnpaid: r.UnpaidExpired(0),
    c.DailySettlement: r.DaySettled(0),
    c.SendPayouts: r.PayoutsSent(0, 0, 0),
    c.SendReminders: r.RemindersSent(0),
    c.RemindExpiringCertificates: r.CertificateRemindersSent(0),
    c.GenerateRecurring: r.RecurringGenerated(0, 0),
    c.ComplaintSweep: r.ComplaintsChased(0, 0),
    c.TicketSweep: r.TicketsChased(0, 0),
    c.SampleSpotChecks: r.SpotChecksSampled(()),
    c.QuarterlyLevels: r.QuarterLevelled("2026Q4", 0),
    c.ForgetConversations: r.ConversationsForgotten(0),
    c.ExpirePoints: r.PointsExpired(0, 0),
    c.ReviewMemberLevels: r.MemberLevelsReviewed(0, 0),
    c.IssueInvoices: r.InvoicesIssued(0, 0, 0),
    c.IssuePolicies: r.PoliciesSwept(0, 0, 0),
    c.SendCampaigns: CampaignsSent(0, 0),
    c.GiveBirthdayCoupons: r.BirthdayCouponsGiven(0),
    c.ExpireCards: r.CardsExpired(0, 0),
    c.ReleaseDeposits: r.DepositsReleased(0),
    c.ExpireSurcharges: SurchargesLapsed(0),
    c.ForgetUnsentUploads: r.UnsentUploadsForgotten(0),
    c.PlacementSweep: r.PlacementsSwept(0, 0),
}
"""Each sweep's answer on a shop with one worker and nothing else yet."""


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock=clock
    )
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client


async def test_every_sweep_answers_what_it_did_and_a_claimed_period_says_so(tg):
    app, _ = tg
    assert {make for make, _ in SWEEPS} == set(EMPTY)
    for make, _ in SWEEPS:
        assert await app[SERVICES].run(make()) == [EMPTY[make]], make.__name__
    assert await app[SERVICES].run(c.DailySettlement()) == [r.DayAlreadySettled()]
    assert await app[SERVICES].run(c.QuarterlyLevels()) == [r.QuarterAlreadyLevelled("2026Q4")]


async def test_the_counts_are_of_what_this_run_did(tg, fake_telegram, clock):
    app, client = tg
    _, number = await finished_job(app, client, fake_telegram, clock, 600301)
    clock.advance(days=1, hours=1)  # the day after the job, past the auto-confirm time
    assert await app[SERVICES].run(c.SampleSpotChecks()) == [r.SpotChecksSampled((number,))]
    assert await app[SERVICES].run(c.SampleSpotChecks()) == [r.SpotChecksSampled(())]
    assert await app[SERVICES].run(c.AutoConfirm()) == [r.OrdersAutoConfirmed(1)]
    assert await app[SERVICES].run(c.AutoConfirm()) == [r.OrdersAutoConfirmed(0)]
