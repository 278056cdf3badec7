"""Properties of the worker deposit (保证金) through the real service layer, on SQLite and
PostgreSQL: whatever mix of settled jobs, complaints refunded after settlement (the worker's
share from the balance, the deposit making up what it lacks, damage beyond the share from the
deposit), withdrawals that empty the balance, a raised complaint rate, leaving and the release
sweep — the deposit is never negative, never above the worker's target (raised when their
complaint rate is high), every journal balances, and after the release nothing is held."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conversations.results.booking import OrderPaid, OrderPlaced, QuoteReady
from conversations.services.bus import Services
from conversations.services.payment_requests import SandboxGateway
from conversations.services.settlement import withdrawable
from domain import commands as c
from domain.deposits import target, worker_deposit
from domain.people import WorkerStatus
from domain.queries import PreviewQuote
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.uow import Database
from tests import random_refs
from tests.integration.test_points_properties import (
    CATALOG,
    RULES,
    Clock,
    Nobody,
    assert_journals_balance,
    booking,
    new_customer,
    new_worker,
    reader,
)
from tests.integration.test_points_properties import finish as _finish

OPS_ADMIN = ("telegram", "1", "ops")
BY = "telegram:1"


async def book(s: Services, b: c.Booking, phone: str) -> tuple[int, str | None] | None:
    """Quote, then place with the customer's phone: (number, payment reference or None)."""
    [quote] = await s.run(PreviewQuote(b))
    assert isinstance(quote, QuoteReady)
    [placed] = await s.run(c.PlaceOrder(b, quote.total_cents, phone=phone))
    if isinstance(placed, OrderPlaced):
        return placed.due.number, placed.due.reference
    if isinstance(placed, OrderPaid):
        return placed.number, None
    return None


async def finish(database: Database, number: int, worker_id: int, clock: Clock) -> bool:
    """The worker does the job (as their commands would), finishing it now."""
    if not await _finish(database, number, worker_id, clock):
        return False
    async with database.uow() as uow:
        order = await uow.orders.by_number(number)
        assert order is not None
        order.finished_at = clock()
        await uow.orders.save(order, clock())
        await uow.commit()
    return True


def services(database: Database, clock: Clock) -> Services:
    return Services(
        uow=database.uow,
        catalog=CATALOG,
        rules=RULES,
        clock=clock,
        public_url="http://127.0.0.1:8080",
        sender=Nobody(),  # type: ignore[arg-type]
        gateways=[SandboxGateway("http://127.0.0.1:8080")],
        channel_gateways={"telegram": "sandbox"},
        admins=[OPS_ADMIN],
    )


async def check(database: Database, worker_id: int) -> tuple[int, int, WorkerStatus]:
    """The properties; (held, target, status)."""
    async with database.uow() as uow:
        rows = reader(await uow.session.connection())
        await assert_journals_balance(rows)
        orders = await rows(
            "SELECT order_id FROM ledger_entries WHERE order_id IS NOT NULL"
            " GROUP BY order_id HAVING SUM(amount_cents) <> 0"
        )
        assert orders == []  # every order's entries balance too
        worker = await uow.workers.get(worker_id)
        assert worker is not None
        held = -await uow.ledger.balance(worker_deposit(worker_id))
        goal = target(worker.level, worker.complaint_rate_bp, RULES.settlement.deposit)
        assert 0 <= held <= goal
        return held, goal, worker.status


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["job", "job", "job", "damage", "other", "withdraw", "later", "raise", "leave"]
        ),
        st.integers(0, 3),
        st.integers(1, 4),
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(  # held, the balance withdrawn, a damage refund: the deposit covers, then pays
    ops=[
        ("job", 0, 3),
        ("job", 0, 4),
        ("later", 0, 1),
        ("withdraw", 0, 1),
        ("damage", 1, 4),
        ("job", 0, 2),
        ("leave", 0, 1),
    ],
)
@example(  # the balance bears the worker's share; the deposit pays the damage beyond it
    ops=[("job", 0, 4), ("job", 0, 4), ("job", 0, 4), ("damage", 1, 4), ("leave", 0, 1)],
)
@example(ops=[("raise", 0, 1), ("job", 1, 4), ("other", 0, 2), ("leave", 0, 1)])
@given(ops=OPS)
async def test_the_deposit_stays_between_zero_and_its_target_and_the_books_balance(  # noqa: C901
    own_db_url, pii_key, ops
):
    # one branch per operation, side by side on purpose (as test_points_properties)
    clock = Clock()
    database = Database(create_engine(own_db_url), PiiCipher(decode_key(pii_key)))
    try:
        s = services(database, clock)
        worker = await new_worker(database, clock)
        customers = [await new_customer(database, clock, 0) for _ in range(2)]
        phones = {who: random_refs.phone() for who in customers}
        settled: list[tuple[int, int]] = []  # (customer, number)
        for op, pick, size in ops:
            clock.now += timedelta(minutes=7)
            held, goal, status = await check(database, worker)
            if op == "job" and status != WorkerStatus.LEFT:
                who = customers[pick % len(customers)]
                placed = await book(s, booking(who, 2 + size, False, clock), phones[who])
                if placed is None:
                    continue
                number, reference = placed
                if reference:
                    await s.run(c.ConfirmSandboxPayment(reference, who))
                if await finish(database, number, worker, clock):
                    await s.run(c.ConfirmOrder(who, number))
                    settled.append((who, number))
            elif op in ("damage", "other") and settled:
                who, number = settled.pop(pick % len(settled))
                await s.run(c.FileComplaint(who, "telegram", number, op, "投诉"))
                async with database.uow() as uow:
                    o = await uow.orders.by_number(number, full=False)
                    assert o is not None and o.id is not None
                    complaint = next((x for x in await uow.complaints.for_order(o.id)), None)
                if complaint is not None and complaint.id is not None:
                    how = "full" if size > 2 else "partial"
                    await s.run(c.ResolveComplaint(BY, "ops", complaint.id, how))
            elif op == "withdraw":
                await s.run(c.RequestWithdrawal(worker, 100_000_000))  # refused: too much
                async with database.uow() as uow:
                    free = await withdrawable(uow, RULES, worker, clock())
                if free >= RULES.settlement.withdrawal_min_cents:
                    await s.run(c.RequestWithdrawal(worker, free))
            elif op == "later":
                clock.now += timedelta(days=size)
            elif op == "raise":
                async with database.uow() as uow:
                    w = await uow.workers.get(worker)
                    assert w is not None
                    w.complaint_rate_bp = RULES.settlement.deposit.complaint_rate_above_bp + 1
                    await uow.workers.save(w)
                    await uow.commit()
            elif op == "leave" and status != WorkerStatus.LEFT:
                await s.run(c.MarkWorkerLeft(BY, "ops", worker))
                clock.now += timedelta(days=RULES.settlement.deposit.release_after_days + 1)
                async with database.uow() as uow:
                    still_open = await uow.complaints.open_for_worker(worker)
                await s.run(c.ReleaseDeposits())
                held, _, _ = await check(database, worker)
                assert (held == 0) or bool(still_open)
        await check(database, worker)
    finally:
        await database.dispose()
