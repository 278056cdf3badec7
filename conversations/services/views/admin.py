"""What an admin sees: ``/stats``, ``/orders``, ``/audit``, ``/workers``, ``/withdrawals``,
``/complaints`` and ``/spotchecks``.

Query functions (cosmicpython ``views.py``): see ``views.customer``. Those a role limits check
the admin's role again inside their unit of work (``role_for``: the chat's cached role may be
seconds old) and show each role only what it may see. The reads that reveal contact details,
documents or a complaint's photos (``/order``, ``/worker``, ``/customer``, ``/complaint``)
record who saw them in the audit log, a write: they are commands (``admin_reads``,
``admin_customers``, ``admin_after_sales``); one customer's orders: ``admin_customers``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from conversations.results.admin_after_sales import (
    ComplaintLine,
    ComplaintsListed,
    SpotCheckLine,
    SpotChecksListed,
)
from conversations.results.admin_money import WithdrawalLine, WithdrawalsListed
from conversations.results.admin_orders import OrderLine, OrdersListed, StatsShown, TrailShown
from conversations.results.admin_people import ONLINE, WorkerLine, WorkersListed
from conversations.services.admin_reads import by_number
from conversations.services.staff import AdminDirectory, role_for
from domain.admin import SEES_MONEY
from domain.aftersales import ComplaintStatus
from domain.audit import AuditEntry
from domain.business_days import day_bounds
from domain.catalog import Catalog
from domain.lifecycle import Action, ActorKind
from domain.orders import OrderEvent
from domain.oversight import Attention, Flag, OrderBrief, TrailEntry
from domain.payments import PaymentKind, PaymentStatus
from domain.people import WorkerStatus
from domain.ports import Reads
from domain.queries import (
    ListComplaints,
    ListOrders,
    ListSpotChecks,
    ListWithdrawals,
    ListWorkers,
    ShowAudit,
    ShowStats,
)
from domain.rules import Rules
from domain.withdrawals import WithdrawalStatus

PERIOD_DAYS = {"today": 1, "week": 7, "month": 30}
WORKERS_SHOWN = 30
LATER_SHOWN = 5
"""How many of the orders booked today for a later day today's ``/orders`` shows (all:
``/orders new``)."""
FLAGS_READ = 500
"""Orders needing someone counted at most (read one more to know there are more): the
count is said, and each listed order is marked, from what is read."""
MONEY_KEYS = frozenset({"amount", "fee", "refund", "paid", "refunded", "unit_price", "total"})
MONEY_NOTES = frozenset(
    {Action.SETTLE, Action.REFUND, Action.SURCHARGE, Action.WAIVE, Action.RETURN_PAYMENT}
)
"""Timeline events whose note is an amount (a role that sees no money reads none)."""


def shown(values: dict[str, object], money: bool) -> tuple[tuple[str, object], ...]:
    """An audit entry's values as a role may see them (support sees no amounts)."""
    return tuple((k, v) for k, v in values.items() if money or k not in MONEY_KEYS)


async def stats(
    uow: Reads,
    q: ShowStats,
    *,
    admins: AdminDirectory,
    clock: Callable[[], datetime],
    tz: ZoneInfo,
) -> StatsShown:
    """Today's, the week's or the month's orders, money, speed and complaints."""
    today = clock().astimezone(tz).date()
    first = today - timedelta(days=PERIOD_DAYS[q.period] - 1)
    start = datetime.combine(first, time(), tzinfo=tz)
    end = datetime.combine(today + timedelta(days=1), time(), tzinfo=tz)
    await role_for(admins, uow, "stats", q.admin)
    st = await uow.admin_reports.stats(start, end)
    loyalty = await uow.admin_reports.loyalty(start, end)
    return StatsShown(
        period=q.period,
        first=first,
        last=today,
        by_status=tuple(st.by_status.items()),
        booked=st.booked,
        gmv_cents=st.gmv_cents,
        accepted=len(st.accept_seconds),
        accept_seconds=st.average_accept_seconds,
        completed=st.completed,
        cancelled=st.cancelled,
        complaints=st.complaints,
        new_customers=st.new_customers,
        loyalty=loyalty,
    )


async def orders(
    uow: Reads,
    q: ListOrders,
    *,
    admins: AdminDirectory,
    catalog: Catalog,
    rules: Rules,
    clock: Callable[[], datetime],
    tz: ZoneInfo,
) -> OrdersListed:
    """Orders by day and status, the stuck ones flagged with why (or those alone: of the
    day asked, when one is — those that start on it); or those booked on a day (``new``).
    Today's list adds the first orders booked today for a later day: new work it would not
    show by service day."""
    now = clock()
    listed: list[OrderBrief]
    role = await role_for(admins, uow, "orders", q.admin)
    of_day = q.stuck_only and bool(q.day)
    starting = _day(q, now, tz) if of_day else None
    flags: list[Flag] = []
    if not of_day or starting is not None:  # no order is on a day at the calendar's edge
        flags = await uow.admin_reports.flagged(
            now,
            timedelta(seconds=rules.dispatch.offer_timeout_s),
            timedelta(minutes=rules.after_sales.first_response_minutes),
            FLAGS_READ + 1,
            starting=starting,
        )
    total, listed = 0, []
    window = None if q.stuck_only or q.new else _window(q, now, tz)
    if window is not None:
        total, listed = await uow.admin_reports.orders(q.statuses, *window)
    if q.new and (placed := _day(q, now, tz)) is not None:
        total, listed = await uow.admin_reports.orders(q.statuses, None, None, booked=placed)
    later: list[OrderBrief] = []
    later_total = 0
    today = now.astimezone(tz).date()
    todays = day_bounds(tz, today, today)
    if todays and not (q.new or q.statuses or q.stuck_only) and q.day in ("", today.isoformat()):
        later_total, later = await uow.admin_reports.orders(  # booked today, for later days
            (), todays[1], None, limit=LATER_SHOWN, booked=todays
        )
    why: dict[int, list[Attention]] = {}
    for f in flags:
        why.setdefault(f.number, []).append(f.why)
    default = not (q.day or q.statuses or q.stuck_only or q.new)
    return OrdersListed(
        stuck_only=q.stuck_only,
        statuses=tuple(q.statuses),
        day=date.fromisoformat(q.day) if q.day else None,
        today_by_default=default,
        total=total,
        money=role in SEES_MONEY,
        orders=tuple(OrderLine.of(o, catalog, why.get(o.number, ())) for o in listed),
        flags=tuple(flags[:FLAGS_READ]),
        flags_more=len(flags) > FLAGS_READ,
        new=q.new,
        later=tuple(OrderLine.of(o, catalog, why.get(o.number, ())) for o in later),
        later_total=later_total,
    )


def _window(
    q: ListOrders, now: datetime, tz: ZoneInfo
) -> tuple[datetime | None, datetime | None] | None:
    """Orders starting on the day asked; today's when neither a day nor a status is; None
    for a day at the calendar's edge, which no order is on (``day_bounds``)."""
    if not q.day and q.statuses:
        return None, None
    return _day(q, now, tz)


def _day(q: ListOrders, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The day asked (today when none), from its first instant to the next day's; None at
    the calendar's edge."""
    day = date.fromisoformat(q.day) if q.day else now.astimezone(tz).date()
    return day_bounds(tz, day, day)


async def audit(uow: Reads, q: ShowAudit, *, admins: AdminDirectory) -> TrailShown:
    """The order's whole trail, oldest first: its status changes by anyone (the order's
    append-only timeline), the admins' actions on it (the audit log) and the refunds
    providers carried out."""
    role = await role_for(admins, uow, "audit", q.admin)
    order = await by_number(uow, q.number)
    assert order.id is not None
    actions = await uow.audit.for_target(f"order:{order.number}", limit=500)
    paid = await uow.payments.for_order(order.id)
    money = role in SEES_MONEY
    held = await _roles(uow, admins, actions, order.timeline)
    twins = _logged_twice(order.timeline, actions)
    trail = [
        TrailEntry(
            e.at,
            str(e.actor),
            e.to_status.value,
            held.get(e.actor.id, "") if e.actor.kind == ActorKind.ADMIN else "",
            moved_from=e.from_status.value if e.from_status else "",
            note=_note(e, money),
        )
        if e.from_status != e.to_status
        else TrailEntry(
            e.at,
            str(e.actor),
            e.action.value if e.action else "",
            held.get(e.actor.id, "") if e.actor.kind == ActorKind.ADMIN else "",
            note=_note(e, money),
        )
        for i, e in enumerate(order.timeline)
        if i not in twins
    ]
    trail += [
        TrailEntry(
            a.at,
            a.actor,
            a.action,
            a.role,
            before=shown(a.before, money),
            after=shown(a.after, money),
        )
        for a in actions
    ]
    trail += [
        TrailEntry(
            p.completed_at,
            f"system:{p.provider}",
            "refund_paid",
            after=shown({"amount": p.amount_cents}, money),
        )
        for p in paid
        if p.kind == PaymentKind.REFUND
        and p.status == PaymentStatus.SUCCEEDED
        and p.completed_at is not None
    ]
    trail.sort(key=lambda t: t.at)  # stable: a status change before the action noting it
    return TrailShown(order.number, order.status, tuple(trail))


def _logged_twice(timeline: Sequence[OrderEvent], actions: Sequence[AuditEntry]) -> set[int]:
    """The timeline events (by index) an admin's action wrote along with its audit entry
    (``/reschedule``, ``/resolve``, ``/handover``, ``/waive``): one that moved no status, by
    the admin an entry names, at its instant — the action stamps both with its one clock
    reading. The trail lists such an action once, as the audit log holds it (what it
    changed, before and after)."""
    logged = {(a.actor, a.at) for a in actions}
    return {
        i
        for i, e in enumerate(timeline)
        if e.actor.kind == ActorKind.ADMIN
        and e.from_status == e.to_status
        and (e.actor.id, e.at) in logged
    }


async def _roles(
    uow: Reads,
    admins: AdminDirectory,
    actions: Sequence[AuditEntry],
    timeline: Sequence[OrderEvent],
) -> dict[str, str]:
    """The role each admin on the order's timeline acted in, so a status change names them as
    their actions do: the one the audit log holds for the account (the latest), else the one
    they hold now ("" when none: "管理员")."""
    held = {a.actor: a.role for a in sorted(actions, key=lambda a: a.at) if a.role}
    for e in timeline:
        if e.actor.kind == ActorKind.ADMIN and e.actor.id not in held:
            channel, _, user_id = e.actor.id.partition(":")
            held[e.actor.id] = await admins.role_in(uow, channel, user_id)
    return held


def _note(event: OrderEvent, money: bool) -> str:
    """A timeline event's note as a role may read it (no amounts for support)."""
    return event.note if money or event.action not in MONEY_NOTES else ""


async def workers(uow: Reads, q: ListWorkers) -> WorkersListed:
    """The workers ``q.status`` names, the first 30 by id: "" every one, ``online`` the
    approved ones online now (dispatch's candidates), else those with that status."""
    if q.status == ONLINE:
        found = await uow.workers.available()
    else:
        known = {s.value for s in WorkerStatus}
        statuses = [WorkerStatus(q.status)] if q.status in known else list(WorkerStatus)
        found = await uow.workers.with_status(statuses)
    return WorkersListed(
        q.status,
        tuple(
            WorkerLine(w.id or 0, w.name, w.status, w.online, tuple(w.skills), w.level)
            for w in found[:WORKERS_SHOWN]
        ),
        len(found),
    )


async def withdrawals(uow: Reads, q: ListWithdrawals) -> WithdrawalsListed:
    """Withdrawals waiting for finance, approved and waiting to be paid, being paid, or held
    (the worker's card in another's name), each with its worker's name."""
    waiting = await uow.withdrawals.with_status(
        [
            WithdrawalStatus.REQUESTED,
            WithdrawalStatus.APPROVED,
            WithdrawalStatus.SENDING,
            WithdrawalStatus.HELD,
        ]
    )
    names = {}
    for worker_id in {w.worker_id for w in waiting}:
        worker = await uow.workers.get(worker_id)
        names[worker_id] = worker.name if worker else ""
    return WithdrawalsListed(
        tuple(
            WithdrawalLine(
                w.id or 0,
                w.worker_id,
                w.amount_cents,
                w.status,
                w.requested_at,
                names[w.worker_id],
            )
            for w in waiting
        )
    )


async def complaints(
    uow: Reads, q: ListComplaints, *, rules: Rules, clock: Callable[[], datetime]
) -> ComplaintsListed:
    """Open complaints, with how long each has waited and whether it is overdue."""
    now = clock()
    rows = []
    for complaint in await uow.complaints.with_status(ComplaintStatus.OPEN):
        order = await uow.orders.get(complaint.order_id, full=False)
        waited = int((now - complaint.created_at).total_seconds()) // 60
        rows.append(
            ComplaintLine(
                complaint.id or 0,
                order.number if order else 0,
                complaint.category.value,
                waited,
                complaint.first_response_at is not None,
                complaint.first_response_at is None
                and waited >= rules.after_sales.first_response_minutes,
            )
        )
    return ComplaintsListed(tuple(rows))


async def spot_checks(uow: Reads, q: ListSpotChecks) -> SpotChecksListed:
    """Spot checks still to be done."""
    rows = []
    for check_id, order_id, at in await uow.spot_checks.open():
        order = await uow.orders.get(order_id, full=False)
        rows.append(
            SpotCheckLine(
                check_id,
                order.number if order else 0,
                order.worker_id if order else None,
                at,
            )
        )
    return SpotChecksListed(tuple(rows))
