"""The dashboard's reporting queries on SQLite and PostgreSQL (real servers).

Reports add up the whole database, so the data set gets databases of its own: a copy of a
migrated SQLite file, and a PostgreSQL database cloned from a migrated template.
The expected figures are worked out here from what ``tests.dashboard_seed`` recorded; the GMV
test writes its few orders to the shared test database instead, on a business day of its own.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import uuid
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from domain.ledger import Split
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import SYSTEM, Actor, Order
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.money_reports_repo import MoneyReports
from store.quality_reports_repo import QualityReports
from store.reports_repo import ReportsRepository, Stuck, day_bounds
from store.uow import Database
from tests.conftest import PG_URL
from tests.dashboard_seed import NOW, RULES, TZ, Seeded, local, seed
from tests.integration.test_repositories import new_customer, new_order

TODAY = NOW.astimezone(TZ).date()
ACCEPT_WITHIN = timedelta(seconds=RULES.dispatch.offer_timeout_s)
RESPOND_WITHIN = timedelta(minutes=RULES.after_sales.first_response_minutes)


async def _admin(sql: str) -> None:
    engine = create_engine(PG_URL)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def _seed(url: str, pii_key: str) -> Seeded:
    database = Database(create_engine(url), PiiCipher(decode_key(pii_key)))
    try:
        return await seed(database)
    finally:
        await database.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def seeded_db(request, sqlite_template, tmp_path_factory, pii_key):
    """A database with the dashboard data set and nothing else, on SQLite and on PostgreSQL
    (one per module: the reports only read)."""
    name = ""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("reports") / "reports.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        template = request.getfixturevalue("pg_template")
        name = f"daojia_reports_{uuid.uuid4().hex[:10]}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    yield url, asyncio.run(_seed(url, pii_key))
    if name:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def db(seeded_db, pii_key):
    url, seeded = seeded_db
    database = Database(create_engine(url), PiiCipher(decode_key(pii_key)))
    yield database, seeded
    await database.dispose()


def local_day(at: datetime) -> date:
    return at.astimezone(TZ).date()


def booked(seeded: Seeded) -> dict[str, object]:
    """The seeded orders that count as demand (every one of them was paid; one, ``d5b``, was
    refunded in full: demand, but no GMV)."""
    return {k: o for k, o in seeded.orders.items() if o.paid_cents > 0}


async def test_the_board_counts_todays_orders_by_status_and_leaves_quotes_out(db):
    database, seeded = db
    start, end = day_bounds(TODAY, TODAY, TZ)
    async with database.uow() as uow:
        session = uow.session
        counts, listed = await ReportsRepository(session).board(start, end)
    today = [
        o
        for o in seeded.orders.values()
        if local_day(o.start_at) == TODAY and o.status != OrderStatus.QUOTED
    ]
    assert counts == Counter(o.status for o in today)
    assert [o.number for o in listed] == [
        o.number for o in sorted(today, key=lambda o: (o.start_at, o.number))
    ]
    late = next(o for o in listed if o.number == seeded.orders["t_late"].number)
    assert (late.district, late.worker, late.total_cents) == (
        "徐汇区",
        "李师傅",
        seeded.orders["t_late"].total_cents,
    )


async def test_stuck_orders_are_the_unaccepted_past_the_offer_timeout_and_the_late(db):
    database, seeded = db
    orders = seeded.orders
    async with database.uow() as uow:
        session = uow.session
        reports = ReportsRepository(session)
        now = await reports.stuck(NOW, ACCEPT_WITHIN)
        # four minutes later the order paid at 10:58 has waited past the 5-minute timeout
        later = await reports.stuck(NOW + timedelta(minutes=4), ACCEPT_WITHIN)
        # and once 12:00 has passed, the worker on the way is late too
        after_noon = await reports.stuck(NOW + timedelta(hours=1, minutes=1), ACCEPT_WITHIN)
    assert [(s.number, s.reason, s.since) for s in now] == [
        (orders["t_late"].number, Stuck.LATE, orders["t_late"].start_at),
        (orders["t_unaccepted"].number, Stuck.UNACCEPTED, local(0, "10:35")),
    ]
    assert now[0].worker == "李师傅"
    assert {s.number for s in later} - {s.number for s in now} == {orders["t_fresh"].number}
    assert orders["t_on_way"].number in {s.number for s in after_noon}
    assert orders["t_unpaid"].number not in {s.number for s in after_noon}


async def test_orders_and_gmv_per_business_day_use_the_business_timezone(db):
    database, seeded = db
    first = TODAY - timedelta(days=13)
    async with database.uow() as uow:
        session = uow.session
        days = await ReportsRepository(session).per_day(first, TODAY, TZ)
    expected_orders: Counter[date] = Counter()
    expected_gmv: Counter[date] = Counter()
    for order in booked(seeded).values():
        day = local_day(order.created_at)
        if first <= day <= TODAY:
            expected_orders[day] += 1
            expected_gmv[day] += order.paid_cents - order.refunded_cents  # d5b: 0
    assert [d.day for d in days] == [first + timedelta(days=i) for i in range(14)]
    assert {d.day: d.orders for d in days if d.orders} == expected_orders
    assert {d.day: d.gmv_cents for d in days if d.gmv_cents} == expected_gmv
    # booked at 00:05 in Shanghai, 16:05 the day before in UTC: it is today's
    midnight = seeded.orders["t_midnight"]
    assert midnight.created_at.date() < TODAY
    assert days[-1].orders == expected_orders[TODAY] and expected_orders[TODAY] == 6


async def _order_that_was(database, customer, day: date, fate: str) -> Order:
    """An order created on business day ``day`` and moved to ``fate``; money as it would be."""
    at = datetime.combine(day, time(10), tzinfo=TZ)
    customer_actor = Actor(ActorKind.CUSTOMER, str(customer.id))
    order = await new_order(database, customer)
    async with database.uow() as uow:
        o = await uow.orders.get(order.id)
        o.created_at = at
        o.apply(Action.REQUEST_PAYMENT, customer_actor, at)
        if fate != "awaiting":
            o.apply(Action.PAY, SYSTEM, at)
            o.paid_cents = o.total_cents
            o.apply(Action.DISPATCH, SYSTEM, at)
        if fate == "partly_refunded":  # e.g. an after-sales refund of part of the price
            o.refunded_cents = 3_000
        elif fate == "balance_due":  # a surcharge added to the price, not paid yet
            o.total_cents += 5_000
        elif fate == "refunded":
            o.apply(Action.CANCEL, customer_actor, at)
            o.apply(Action.REFUND, SYSTEM, at)
            o.refunded_cents = o.paid_cents
        await uow.orders.save(o, at)
        await uow.commit()
    return o


async def test_gmv_per_day_is_what_was_paid_less_refunds_as_in_stats(database):
    """The trend's GMV is ``/stats``' GMV: an order paid then partly refunded adds what was
    kept, a balance not paid yet adds nothing, an order refunded in full adds nothing (but is
    still booked), an order awaiting payment is not booked at all. On SQLite and PostgreSQL."""
    # a business day of its own, far from other tests' orders (theirs: 2031-2040 at most)
    day = date(2045, 1, 1) + timedelta(days=secrets.randbelow(3650))
    customer = await new_customer(database)
    fates = ("partly_refunded", "balance_due", "refunded", "awaiting")
    orders = {fate: await _order_that_was(database, customer, day, fate) for fate in fates}
    start, end = day_bounds(day, day, TZ)
    async with database.uow() as uow:
        (trend,) = await ReportsRepository(uow.session).per_day(day, day, TZ)
        stats = await uow.admin_reports.stats(start, end)
    kept = orders["partly_refunded"]
    balance = orders["balance_due"]
    assert kept.paid_cents - kept.refunded_cents > 0
    assert balance.paid_cents == balance.total_cents - 5_000
    expected = (kept.paid_cents - 3_000) + balance.paid_cents
    assert (trend.day, trend.orders, trend.gmv_cents) == (day, 3, expected)
    assert (stats.booked, stats.gmv_cents) == (trend.orders, trend.gmv_cents)


async def test_demand_is_counted_by_district_and_the_local_hour_the_service_starts(db):
    database, seeded = db
    async with database.uow() as uow:
        session = uow.session
        cells = await ReportsRepository(session).demand(TODAY - timedelta(days=13), TODAY, TZ)
    expected = Counter(
        (seeded.districts[key], order.start_at.astimezone(TZ).hour)
        for key, order in booked(seeded).items()
        if local_day(order.created_at) >= TODAY - timedelta(days=13)
    )
    assert {(c.district, c.hour): c.orders for c in cells} == expected
    assert cells[0].orders == max(expected.values())
    assert ("浦东新区", 8) in expected  # 08:00 Shanghai is 00:00 UTC


async def test_the_worker_table_counts_completed_jobs_complaints_and_earnings(db):
    database, seeded = db
    async with database.uow() as uow:
        session = uow.session
        workers = await QualityReports(session).workers()
        earned = await MoneyReports(session).worker_earnings(NOW - timedelta(days=30))
    by_name = {w.name: w for w in workers}
    assert set(by_name) == {"王阿姨", "李师傅", "赵师傅"}  # the pending worker is not listed
    completed = Counter(
        o.worker_id
        for o in seeded.orders.values()
        if o.status in (OrderStatus.FINISHED, OrderStatus.CONFIRMED, OrderStatus.SETTLED)
    )
    for w in workers:
        assert w.completed == completed[w.id]
    assert [w.completed for w in workers] == sorted((w.completed for w in workers), reverse=True)
    assert (by_name["王阿姨"].complaints, by_name["李师傅"].complaints) == (2, 1)
    # the rate shown is the counts shown, not the one the last /levels stored (8%, 0%)
    assert (by_name["赵师傅"].complaints, by_name["赵师傅"].completed) == (1, 1)
    assert (by_name["赵师傅"].complaint_rate_bp, by_name["赵师傅"].rating_x100) == (10_000, 430)
    assert by_name["赵师傅"].reviews == 3  # 4.30 from three customers, not dispatch's start
    assert by_name["王阿姨"].complaint_rate_bp == 2 * 10_000 // by_name["王阿姨"].completed
    shares: dict[str, list[tuple[datetime, Split]]] = {}
    for at, key, share in seeded.shares:
        shares.setdefault(key, []).append((at, share))
    for key, paid in shares.items():
        mine = earned[seeded.workers[key]]
        assert mine.total_cents == sum(s.worker for _, s in paid)
        assert mine.recent_cents == sum(
            s.worker for at, s in paid if at >= NOW - timedelta(days=30)
        )
    wang = earned[seeded.workers["wang"]]
    assert wang.recent_cents < wang.total_cents  # the job 40 days ago is not in the last 30
    assert seeded.workers["zhao"] not in earned  # nothing of theirs is settled yet


async def test_the_complaint_queue_holds_the_unresolved_and_flags_late_first_responses(db):
    database, seeded = db
    async with database.uow() as uow:
        session = uow.session
        reports = QualityReports(session)
        now = await reports.complaints(NOW, RESPOND_WITHIN)
        later = await reports.complaints(NOW + timedelta(minutes=20), RESPOND_WITHIN)
    ids = seeded.complaints
    assert [(c.id, c.overdue) for c in now] == [
        (ids["answered"], False),
        (ids["overdue"], True),
        (ids["new"], False),
    ]
    assert now[1].order_number == seeded.orders["d3"].number
    assert now[1].category == "incomplete"
    assert [c.id for c in later if c.overdue] == [ids["overdue"], ids["new"]]


async def test_the_settlement_summary_adds_up_the_ledger_for_today_and_the_week(db):
    database, seeded = db
    day_start, day_end = day_bounds(TODAY, TODAY, TZ)
    week_start, _ = day_bounds(TODAY - timedelta(days=6), TODAY, TZ)
    async with database.uow() as uow:
        session = uow.session
        money = MoneyReports(session)
        today = await money.flows(day_start, day_end)
        week = await money.flows(week_start, day_end)
        outstanding = await money.outstanding()
    for flows, start in ((today, day_start), (week, week_start)):

        def within(at: datetime, start: datetime = start) -> bool:
            return start <= at < day_end

        shares = [s for at, _, s in seeded.shares if within(at)]
        assert flows.cash_in == sum(a for at, a in seeded.payments if within(at))
        assert flows.refunds == sum(a for at, a in seeded.refunds if within(at))
        assert flows.platform_revenue == sum(s.platform for s in shares)
        assert flows.worker_earnings == sum(s.worker for s in shares)
        assert flows.payouts == sum(a for at, a in seeded.payouts if within(at))
        assert flows.subsidies == 0
    assert today.cash_in > 0 and week.cash_in > today.cash_in and week.refunds > 0
    assert outstanding.owed_to_workers == sum(s.worker for _, _, s in seeded.shares) - sum(
        seeded.held.values()
    )
    assert (outstanding.awaiting_approval.count, outstanding.awaiting_approval.amount_cents) == (
        1,
        seeded.awaiting_approval,
    )
    assert outstanding.approved_unpaid.count == 0
