"""Properties of points through the real service layer, on SQLite and PostgreSQL (a database
of each test's own): whatever sequence of booking with or without points, paying, cancelling,
finishing and settling, refunding, reviewing and expiring happens, points never go negative,
each balance is what its lots hold and what its movements add up to, every journal balances,
the points liability is what the balances are worth, and an order finished with keeps no
points applied. And checkouts racing for the same points — two processes (two ``Services``
on two connection pools) at once — spend them once."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from conversations.events import Failed
from conversations.results.booking import OrderPaid, OrderPlaced, QuoteReady
from conversations.results.orders import CancellationQuoted
from conversations.services import points, refunds
from conversations.services.bus import Services
from conversations.services.payment_requests import SandboxGateway
from domain import commands as c
from domain import ledger as L
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor
from domain.people import Customer, Worker, WorkerStatus
from domain.points import PointsKind
from domain.pricing import Selection
from domain.queries import PreviewQuote, QuoteCancellation
from store.catalog_file import load_catalog
from store.crypto import PiiCipher, decode_key
from store.db import create_engine
from store.uow import Database
from tests import random_refs

CATALOG, RULES = load_catalog()
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
_ids = itertools.count(1)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Nobody:
    """The chat platforms: notices go nowhere (what they say is tested end to end)."""

    def prepare(self, channel: str, notice: object, user_id: str, lang: str) -> None:
        return None

    async def send(self, channel: str, user_id: str, replies: object, **kw: object) -> None:
        return None


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
    )


async def new_customer(database: Database, clock: Clock, granted: int) -> int:
    async with database.uow() as uow:
        customer = await uow.customers.add(Customer(clock()))
        assert customer.id is not None
        kind = PointsKind.GRANTED
        await points.award(uow, RULES, customer.id, kind, granted, f"t:{next(_ids)}", clock())
        await uow.commit()
    return customer.id


async def new_worker(database: Database, clock: Clock) -> int:
    """An approved worker who is offline (offered nothing): the test gives them the jobs."""
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker("师傅", random_refs.phone(), clock(), status=WorkerStatus.APPROVED)
        )
        await uow.commit()
    assert worker.id is not None
    return worker.id


def booking(customer_id: int, hours: int, use_points: bool, clock: Clock) -> c.Booking:
    return c.Booking(
        customer_id=customer_id,
        channel="telegram",
        lang="zh",
        selections=(Selection("daily_cleaning", hours),),
        start_at=clock() + timedelta(days=2),
        address_text="上海市黄浦区人民大道 100 号",
        use_points=use_points,
    )


async def book(s: Services, b: c.Booking) -> tuple[int, str | None] | None:
    """Quote, then place: (number, payment reference or None when nothing is due)."""
    [quote] = await s.run(PreviewQuote(b))
    assert isinstance(quote, QuoteReady)
    [placed] = await s.run(c.PlaceOrder(b, quote.total_cents))
    if isinstance(placed, OrderPlaced):
        return placed.due.number, placed.due.reference
    if isinstance(placed, OrderPaid):
        return placed.number, None
    assert isinstance(placed, Failed), placed
    return None


async def finish(database: Database, number: int, worker_id: int, clock: Clock) -> bool:
    """The worker does the job (as their commands would move it)."""
    async with database.uow() as uow:
        order = await uow.orders.by_number(number)
        if order is None or order.status != OrderStatus.DISPATCHING:
            return False
        order.worker_id = worker_id
        order.apply(Action.ACCEPT, Actor(ActorKind.ADMIN, "test"), clock())
        for action in (Action.DEPART, Action.ARRIVE, Action.START, Action.FINISH):
            order.apply(action, Actor(ActorKind.WORKER, str(worker_id)), clock())
        await uow.orders.save(order, clock())
        await uow.commit()
    return True


async def refund(s: Services, database: Database, number: int, part_bp: int) -> None:
    """Part of what is still paid back (as a complaint or an admin's refund would)."""
    async with database.uow() as uow:
        order = await uow.orders.by_number(number, full=False)
        assert order is not None and order.id is not None
        pending = await uow.payments.pending_refunds(order_id=order.id)
        amount = (order.paid_cents - order.refunded_cents) * part_bp // 10_000
        if pending or amount <= 0:
            return
        await uow.orders.lock(order.id)
        await refunds.plan_refunds(uow, order, amount, s.clock(), "test")
        await uow.commit()
    await s.run(c.ExecuteRefunds(order.id))


async def checkouts_racing(
    first: Services, second: Services, quoted: list[tuple[c.Booking, int]], phone: str = ""
) -> list[object]:
    """Place every quoted booking at once, alternately through two processes' services;
    their results (one list each). A deadlock or an error would be an exception: none is."""
    results = await asyncio.gather(
        *[
            (first if i % 2 else second).run(c.PlaceOrder(b, total, phone=phone))
            for i, (b, total) in enumerate(quoted)
        ],
        return_exceptions=True,
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    return [r for [r] in results]


Rows = Callable[[str], Awaitable[list[tuple[Any, ...]]]]


def reader(conn: Any) -> Rows:
    """The rows of a raw SQL query on ``conn``, as tuples."""

    async def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in (await conn.execute(text(sql))).all()]

    return rows


async def assert_journals_balance(rows: Rows) -> None:
    """Every journal of the ledger sums to zero."""
    unbalanced = await rows(
        "SELECT journal FROM ledger_entries GROUP BY journal HAVING SUM(amount_cents) <> 0"
    )
    assert unbalanced == []


async def assert_applied_nets_out(rows: Rows, account: str) -> None:
    """What an order took from ``account`` (points or a card applied) is never a credit, and
    nothing of it stays on an order settled, cancelled or refunded."""
    applied = await rows(
        "SELECT o.status, COALESCE(SUM(e.amount_cents), 0) FROM orders o LEFT JOIN"
        f" ledger_entries e ON e.order_id = o.id AND e.account = '{account}'"
        " GROUP BY o.id, o.status"
    )
    for status, amount in applied:
        assert amount <= 0
        if status in ("settled", "cancelled", "refunded"):
            assert amount == 0, status


async def check_books(database: Database) -> None:
    async with database.uow() as uow:
        rows = reader(await uow.session.connection())
        await assert_journals_balance(rows)
        held = await rows("SELECT id, points FROM customers")
        assert all(balance >= 0 for _, balance in held)
        lots = dict(
            await rows(
                "SELECT customer_id, SUM(points_left) FROM points_movements GROUP BY customer_id"
            )
        )
        assert all(lots.get(cid, 0) == balance for cid, balance in held)
        chain = await rows(
            "SELECT customer_id, points, balance FROM points_movements ORDER BY customer_id, id"
        )
        running: dict[int, int] = {}
        for cid, moved, balance in chain:
            running[cid] = running.get(cid, 0) + moved
            assert running[cid] == balance >= 0
        assert all(running.get(cid, 0) == balance for cid, balance in held)
        liability = await uow.ledger.balance(L.POINTS_LIABILITY)
        assert -liability == sum(balance for _, balance in held)  # 1 fen a point
        await assert_applied_nets_out(rows, L.POINTS_APPLIED)


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["book", "book", "pay", "pay", "cancel", "settle", "settle", "refund", "review"]
            + ["expire", "grant"]
        ),
        st.integers(0, 5),
        st.integers(1, 4),
        st.booleans(),
    ),
    min_size=1,
    max_size=20,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(grants=st.tuples(st.integers(0, 3_000), st.integers(0, 600)), ops=OPS)
@example(  # points spent, paid, settled (earned), reviewed, refunded in two parts, expired
    grants=(2_000, 0),
    ops=[
        ("book", 0, 1, True),
        ("pay", 0, 1, False),
        ("settle", 0, 1, False),
        ("review", 0, 1, False),
        ("refund", 0, 2, False),
        ("refund", 0, 4, False),
        ("expire", 0, 4, False),
    ],
)
@example(  # points spent, paid, cancelled late (a fee: the points are kept), the fee refunded
    grants=(1_500, 300),
    ops=[
        ("book", 1, 2, True),
        ("pay", 0, 1, False),
        ("expire", 0, 1, False),
        ("cancel", 0, 1, False),
        ("refund", 0, 4, False),
    ],
)
async def test_points_never_go_negative_and_the_books_balance_whatever_happens(  # noqa: C901
    own_db_url, pii_key, grants, ops
):
    # one branch per operation, side by side on purpose (as test_ledger_properties)
    clock = Clock()
    database = Database(create_engine(own_db_url), PiiCipher(decode_key(pii_key)))
    try:
        s = services(database, clock)
        worker = await new_worker(database, clock)
        customers = [await new_customer(database, clock, g) for g in grants]
        orders: list[tuple[int, int, str | None]] = []  # (customer, number, reference)
        for op, pick, size, flag in ops:
            clock.now += timedelta(minutes=7)
            order = orders[pick % len(orders)] if orders else None
            if op == "book":
                who = customers[pick % len(customers)]
                placed = await book(s, booking(who, 2 + size, flag, clock))
                if placed is not None:
                    orders.append((who, *placed))
            elif op == "pay" and order and order[2]:
                await s.run(c.ConfirmSandboxPayment(order[2], order[0]))
            elif op == "cancel" and order:
                [terms] = await s.run(QuoteCancellation(order[0], order[1]))
                if isinstance(terms, CancellationQuoted):
                    await s.run(c.CancelOrder(order[0], order[1], terms.fee_cents))
            elif op == "settle" and order and await finish(database, order[1], worker, clock):
                await s.run(c.ConfirmOrder(order[0], order[1]))
            elif op == "refund" and order:
                await refund(s, database, order[1], 2_500 * size)
            elif op == "review" and order:
                scores = tuple((d, size + 1) for d in ("response", "skill", "attitude", "care"))
                await s.run(c.RateOrder(order[0], order[1], scores))
            elif op == "expire":
                clock.now += timedelta(days=100 * size)
                await s.run(c.ExpirePoints())
            elif op == "grant":
                async with database.uow() as uow:
                    who = customers[pick % len(customers)]
                    kind = PointsKind.GRANTED
                    key = f"t:{next(_ids)}"
                    await points.award(uow, RULES, who, kind, 100 * size, key, clock())
                    await uow.commit()
            await check_books(database)
    finally:
        await database.dispose()


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(held=st.integers(100, 2_500), racers=st.integers(2, 6))
async def test_checkouts_racing_in_two_processes_spend_the_same_points_once(
    own_db_url, pii_key, held, racers
):
    clock = Clock()
    cipher = PiiCipher(decode_key(pii_key))
    one = Database(create_engine(own_db_url), cipher)
    two = Database(create_engine(own_db_url), cipher)  # another process's pool
    try:
        first, second = services(one, clock), services(two, clock)
        customer = await new_customer(one, clock, held)
        # every checkout was quoted while all the points were there
        quoted = []
        for i in range(racers):
            b = booking(customer, 2 + i % 3, True, clock)
            [quote] = await first.run(PreviewQuote(b))
            assert isinstance(quote, QuoteReady)
            quoted.append((b, quote.total_cents))
        phone = random_refs.phone()  # given at this first checkout, this customer's alone
        results = await checkouts_racing(first, second, quoted, phone)
        async with one.uow() as uow:
            me = await uow.customers.get(customer)
            spent = [
                o.points_used
                for o in await uow.orders.for_customer(customer, limit=50)
                if o.points_used
            ]
        placed = [r for r in results if not isinstance(r, Failed)]
        assert len(placed) == len(spent) >= 1  # the first checkout always gets them
        assert sum(spent) <= held and me.points == held - sum(spent) >= 0
        assert len(placed) == 1  # each quote used every whole yuan of them: the rest fail
        await check_books(one)
    finally:
        await one.dispose()
        await two.dispose()
