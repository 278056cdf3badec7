"""Real data for the dashboard tests, written through the store's repositories: workers,
customers with addresses in three districts, orders over six weeks in most statuses (each
moved through the lifecycle table), payments, settlements, a refund, withdrawals and
complaints (rows: the after-sales repository is not there yet).

``Seeded`` records what was done so a test can work out the expected figures on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from domain import ledger as L
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor, Order
from domain.people import Address, Customer, Worker, WorkerStatus
from domain.pricing import QuoteRequest, Selection, quote
from domain.rules import WorkerLevel
from domain.settlement import commission_bp
from domain.withdrawals import Withdrawal, WithdrawalStatus
from store.catalog_file import load_catalog
from store.tables import ComplaintRow, WorkerRow
from store.uow import Database, SqlUnitOfWork
from tests import random_refs

CATALOG, RULES = load_catalog()
TZ = ZoneInfo(RULES.timezone)
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 11:00 in Shanghai
S = OrderStatus
DAILY, AC, WASHER = "daily_cleaning", "ac_cleaning", "washer_cleaning"

WORKERS = {  # key: (name, level, rating_x100, complaint_rate_bp, status)
    "wang": ("王阿姨", WorkerLevel.A, 490, 0, WorkerStatus.APPROVED),
    "li": ("李师傅", WorkerLevel.S, 495, 120, WorkerStatus.APPROVED),
    "zhao": ("赵师傅", WorkerLevel.C, 430, 800, WorkerStatus.APPROVED),
    "new": ("新师傅", WorkerLevel.B, 500, 0, WorkerStatus.PENDING),
}
REVIEWS = {"wang": 12, "li": 30, "zhao": 3}
"""How many customers rated each worker (the pending one: nobody)."""
# key: (created: days ago, local time), (start: days ago, local time), status, worker,
# district, (item, quantity)
ORDERS = [
    ("old", (40, "09:00"), (39, "10:00"), S.SETTLED, "wang", "静安区", (DAILY, 3)),
    ("d10", (10, "08:00"), (10, "10:00"), S.SETTLED, "wang", "静安区", (DAILY, 3)),
    ("d5a", (5, "12:00"), (5, "14:00"), S.SETTLED, "li", "徐汇区", (AC, 1)),
    ("d5b", (5, "12:30"), (5, "14:00"), S.REFUNDED, None, "徐汇区", (DAILY, 2)),
    ("d3", (3, "18:00"), (3, "19:00"), S.CONFIRMED, "wang", "浦东新区", (DAILY, 4)),
    ("d2", (2, "10:00"), (1, "10:00"), S.CANCELLED, None, "静安区", (DAILY, 2)),
    ("d1", (1, "08:00"), (1, "09:00"), S.FINISHED, "zhao", "静安区", (DAILY, 3)),
    ("y1", (1, "09:00"), (1, "14:00"), S.SETTLED, "li", "浦东新区", (WASHER, 1)),
    # booked 00:05 in Shanghai: still the day before in UTC
    ("t_midnight", (0, "00:05"), (0, "08:00"), S.FINISHED, "wang", "浦东新区", (DAILY, 2)),
    ("t_unaccepted", (0, "10:34"), (0, "15:00"), S.DISPATCHING, None, "静安区", (DAILY, 2)),
    ("t_late", (0, "08:00"), (0, "10:20"), S.ACCEPTED, "li", "徐汇区", (AC, 1)),
    ("t_on_way", (0, "09:00"), (0, "12:00"), S.ON_THE_WAY, "wang", "浦东新区", (DAILY, 2)),
    ("t_service", (0, "07:00"), (0, "09:30"), S.IN_SERVICE, "zhao", "静安区", (DAILY, 4)),
    ("t_unpaid", (0, "10:50"), (0, "16:00"), S.AWAITING_PAYMENT, None, "徐汇区", (DAILY, 2)),
    ("t_fresh", (0, "10:57"), (0, "18:00"), S.DISPATCHING, None, "徐汇区", (DAILY, 2)),
    ("t_quote", (0, "10:59"), (0, "17:00"), S.QUOTED, None, "静安区", (DAILY, 2)),
]
HAPPY = [
    (Action.REQUEST_PAYMENT, ActorKind.CUSTOMER),
    (Action.PAY, ActorKind.SYSTEM),
    (Action.DISPATCH, ActorKind.SYSTEM),
    (Action.ACCEPT, ActorKind.WORKER),
    (Action.DEPART, ActorKind.WORKER),
    (Action.ARRIVE, ActorKind.WORKER),
    (Action.START, ActorKind.WORKER),
    (Action.FINISH, ActorKind.WORKER),
    (Action.CONFIRM, ActorKind.CUSTOMER),
    (Action.SETTLE, ActorKind.SYSTEM),
]


@dataclass
class Seeded:
    now: datetime
    workers: dict[str, int] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    districts: dict[str, str] = field(default_factory=dict)
    payments: list[tuple[datetime, int]] = field(default_factory=list)
    refunds: list[tuple[datetime, int]] = field(default_factory=list)
    shares: list[tuple[datetime, str, L.Split]] = field(default_factory=list)
    payouts: list[tuple[datetime, int]] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)
    awaiting_approval: int = 0
    complaints: dict[str, int] = field(default_factory=dict)


def local(days_ago: int, hhmm: str, now: datetime = NOW) -> datetime:
    """``hhmm`` business time, ``days_ago`` business days before ``now``, as UTC."""
    day = now.astimezone(TZ).date() - timedelta(days=days_ago)
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=TZ).astimezone(UTC)


async def seed(db: Database, now: datetime = NOW) -> Seeded:
    """Write the data set for a dashboard looked at ``now``."""
    out = Seeded(now)
    async with db.uow() as uow:
        for key, (name, level, rating, rate_bp, status) in WORKERS.items():
            worker = await uow.workers.add(
                Worker(
                    name,
                    random_refs.phone(),
                    now - timedelta(days=60),
                    skills=("cleaning", "appliance_cleaning"),
                    status=status,
                    level=level,
                    rating_x100=rating,
                    reviews=REVIEWS.get(key, 0),
                )
            )
            assert worker.id is not None
            out.workers[key] = worker.id
            await uow.session.exec(
                update(WorkerRow)
                .where(WorkerRow.id == worker.id)
                .values(complaint_rate_bp=rate_bp)
            )
        customer = await uow.customers.add(
            Customer(now - timedelta(days=50), "陈女士", random_refs.phone())
        )
        assert customer.id is not None
        addresses = {}
        for district in ("静安区", "徐汇区", "浦东新区"):
            address = await uow.addresses.add(
                Address(customer.id, f"上海市{district}某路 1 号", "陈女士", district=district)
            )
            addresses[district] = address.id
        for key, created, start, status, worker_key, district, (item, qty) in ORDERS:
            sel = (Selection(item, qty),)
            start_at = local(*start, now=now)
            order = Order.from_quote(
                number=await uow.orders.next_number(),
                customer_id=customer.id,
                selections=sel,
                quote=quote(CATALOG, RULES, QuoteRequest(sel, start_at)),
                start_at=start_at,
                created_at=local(*created, now=now),
                channel="wechat",
                actor=Actor(ActorKind.CUSTOMER, str(customer.id)),
                address_id=addresses[district],
            )
            money = _advance(order, status, out.workers.get(worker_key or ""), now)
            await uow.orders.add(order)
            await _book(uow, out, order, worker_key, money)
            out.orders[key], out.districts[key] = order, district
        await _withdrawals(uow, out, now)
        await _complaints(uow, out, customer.id, now)
        await uow.commit()
    return out


def _advance(
    order: Order, target: S, worker_id: int | None, now: datetime
) -> list[tuple[Action, datetime]]:
    """Move ``order`` through the lifecycle table to ``target``; returns the money moments."""
    latest = now - timedelta(minutes=1)
    created, start = order.created_at, order.start_at
    when = {
        Action.REQUEST_PAYMENT: created,
        Action.PAY: created + timedelta(minutes=1),
        Action.DISPATCH: created + timedelta(minutes=1),
        Action.ACCEPT: created + timedelta(minutes=3),
        Action.DEPART: start - timedelta(minutes=30),
        Action.ARRIVE: start,
        Action.START: start + timedelta(minutes=1),
        Action.FINISH: start + timedelta(hours=2),
        Action.CONFIRM: start + timedelta(hours=20),
        Action.SETTLE: start + timedelta(hours=20),
        Action.CANCEL: created + timedelta(minutes=10),
        Action.REFUND: created + timedelta(minutes=11),
    }
    if target == S.CANCELLED:
        steps = HAPPY[:1] + [(Action.CANCEL, ActorKind.CUSTOMER)]
    elif target == S.REFUNDED:
        steps = HAPPY[:3] + [
            (Action.CANCEL, ActorKind.CUSTOMER),
            (Action.REFUND, ActorKind.SYSTEM),
        ]
    else:
        steps = HAPPY
    money = []
    for action, kind in steps:
        if order.status == target:
            break
        at = min(when[action], latest)
        actor_id = str(worker_id) if kind == ActorKind.WORKER else "seed"
        order.apply(action, Actor(kind, actor_id), at)
        if action == Action.PAY:
            order.paid_cents = order.total_cents
        elif action == Action.ACCEPT:
            order.worker_id, order.accepted_at = worker_id, at
        elif action == Action.DEPART:
            order.departed_at = at
        elif action == Action.ARRIVE:
            order.arrived_at = at
        elif action == Action.FINISH:
            order.finished_at = at
        elif action == Action.REFUND:
            order.refunded_cents = order.paid_cents
        if action in (Action.PAY, Action.REFUND, Action.SETTLE):
            money.append((action, at))
    assert order.status == target, (order.status, target)
    return money


async def _book(
    uow: SqlUnitOfWork,
    out: Seeded,
    order: Order,
    worker_key: str | None,
    money: list[tuple[Action, datetime]],
) -> None:
    """The ledger journals the app posts for the money moments of one order."""
    assert order.id is not None
    ref = f"seed-{order.number}"
    for action, at in money:
        if action == Action.PAY:
            await uow.ledger.post(
                L.payment_received(ref, "sandbox", order.total_cents, order.id, at)
            )
            out.payments.append((at, order.total_cents))
        elif action == Action.REFUND:
            await uow.ledger.post(
                L.refund_paid(
                    ref, "sandbox", order.paid_cents, order.id, at, held=order.paid_cents
                )
            )
            out.refunds.append((at, order.paid_cents))
        else:
            assert order.worker_id is not None
            level = WORKERS[worker_key or ""][1]
            share = L.split(
                paid=order.paid_cents,
                subsidy=0,
                commission_bp=commission_bp(level, RULES.settlement),
                late_deduction_bp=0,
                compensation=0,
            )
            await uow.ledger.post(L.settlement(order.number, order.id, order.worker_id, share, at))
            out.shares.append((at, worker_key, share))


async def _withdrawals(uow: SqlUnitOfWork, out: Seeded, now: datetime) -> None:
    """Wang asked for ¥100 yesterday (awaiting approval); Li was paid ¥50 this morning."""
    asked = await uow.withdrawals.add(
        Withdrawal(out.workers["wang"], 10_000, local(1, "15:00", now))
    )
    await uow.ledger.post(
        L.withdrawal_held(asked.id, asked.worker_id, 10_000, local(1, "15:00", now))
    )
    out.held["wang"], out.awaiting_approval = 10_000, 10_000
    paid = await uow.withdrawals.add(Withdrawal(out.workers["li"], 5_000, local(0, "09:00", now)))
    paid.status, paid.paid_at = WithdrawalStatus.PAID, local(0, "10:00", now)
    paid.decided_by, paid.decided_at = "telegram:1:finance", paid.paid_at
    assert await uow.withdrawals.decide(paid, [WithdrawalStatus.REQUESTED])
    await uow.ledger.post(
        L.withdrawal_held(paid.id, paid.worker_id, 5_000, local(0, "09:00", now))
        + L.withdrawal_paid(paid.id, 5_000, local(0, "10:00", now))
    )
    out.held["li"] = 5_000
    out.payouts.append((local(0, "10:00", now), 5_000))


async def _complaints(uow: SqlUnitOfWork, out: Seeded, customer_id: int, now: datetime) -> None:
    """Three unresolved (one answered, one overdue, one new) and one resolved."""
    rows = {
        "answered": ("d10", "wang", "damage", "open", now - timedelta(hours=2), True, False),
        "overdue": ("d3", "wang", "incomplete", "open", now - timedelta(minutes=45), False, False),
        "new": ("d1", "zhao", "late", "open", now - timedelta(minutes=10), False, False),
        "resolved": ("d5a", "li", "attitude", "resolved", local(4, "10:00", now), True, True),
    }
    for key, (order_key, worker, category, status, at, answered, resolved) in rows.items():
        row = ComplaintRow(
            order_id=out.orders[order_key].id,
            customer_id=customer_id,
            worker_id=out.workers[worker],
            category=category,
            text="师傅……",
            status=status,
            created_at=at,
            first_response_at=at + timedelta(minutes=10) if answered else None,
            resolved_at=at + timedelta(hours=2) if resolved else None,
            resolution="rejected" if resolved else "",
        )
        uow.session.add(row)
        await uow.session.flush()
        out.complaints[key] = row.id
