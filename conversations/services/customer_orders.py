"""A customer's own orders: the list and one order in detail (query functions: they read,
change nothing), the cancellation fee asked first, and the cancellation itself."""

from __future__ import annotations

from datetime import datetime

from conversations.results.orders import (
    CancellationQuoted,
    ComplaintSeen,
    CustomerAction,
    OrderCancelled,
    OrderRow,
    OrderShown,
    OrdersListed,
    Rebooking,
    TimelineEntry,
    WorkerSeen,
)
from conversations.services import order_steps
from conversations.services.deps import Deps
from conversations.services.notices import to_worker
from domain import commands as c
from domain.aftersales import Complaint, Rater, Resolution, check_can_complain
from domain.catalog import Catalog
from domain.errors import DomainError
from domain.lifecycle import (
    ACTION_TEXT,
    STATUS_TEXT,
    Action,
    ActorKind,
    OrderStatus,
    allowed_actions,
)
from domain.orders import Actor, Order, OrderEvent
from domain.ports import UnitOfWork
from domain.rules import Rules
from domain.text import Text

LISTED = 8
"""How many of the most recent orders the list shows."""


async def own_order(uow: UnitOfWork, customer_id: int, number: int, full: bool = True) -> Order:
    """The customer's order ``number``; NotFound when there is none or it is someone else's."""
    order = await uow.orders.by_number(number, full=full)
    if order is None or order.customer_id != customer_id:
        raise order_steps.NotFound(number)
    return order


def row(order: Order, catalog: Catalog) -> OrderRow:
    return OrderRow(
        order.number,
        catalog.item(order.item_id).name,
        order.start_at,
        order.status,
        order.total_cents,
    )


async def list_orders(s: Deps, cmd: c.LoadOrders) -> OrdersListed:
    async with s.uow() as uow:
        orders = await uow.orders.for_customer(cmd.customer_id, limit=LISTED)
    return OrdersListed(tuple(row(o, s.catalog) for o in orders))


async def show_order(s: Deps, cmd: c.LoadOrder) -> OrderShown:
    async with s.uow() as uow:
        order = await own_order(uow, cmd.customer_id, cmd.number)
        address = await uow.addresses.get(order.address_id) if order.address_id else None
        assert order.id is not None
        worker = await uow.workers.get(order.worker_id) if order.worker_id else None
        complaints = await uow.complaints.for_order(order.id)
        ratings = await uow.ratings.for_order(order.id)
        rework = await uow.orders.rework_for(order.id)
    mine = next((r for r in ratings if r.rater == Rater.CUSTOMER), None)
    after = _after_sales_actions(
        order, complaints, s.clock(), s.rules, rated=mine is not None, reworked=rework is not None
    )
    return OrderShown(
        row(order, s.catalog),
        _short(address.text if address else "", 30),
        order.lines,
        order.paid_cents,
        order.refunded_cents,
        tuple(
            TimelineEntry(e.at, _event_text(e), e.note if e.from_status == e.to_status else "")
            for e in order.timeline
        ),
        (*after, *_order_actions(order)),
        Rebooking(
            s.catalog.item(order.item_id).category_id,
            order.selections,
            order.bundle_id,
            order.address_id,
            order.notes,
        ),
        WorkerSeen(worker.name, worker.rating_x100, worker.good_rate_bp) if worker else None,
        mine.overall_x100 if mine else None,
        tuple(ComplaintSeen(x.id or 0, x.open, x.resolution) for x in complaints),
    )


def _order_actions(order: Order) -> list[CustomerAction]:
    """What the order's status lets the customer do, and what any order offers."""
    mine = allowed_actions(order.status, ActorKind.CUSTOMER)
    actions = []
    if Action.REQUEST_PAYMENT in mine or order.status == OrderStatus.AWAITING_PAYMENT:
        actions.append(CustomerAction.PAY)
    if Action.CANCEL in mine:
        actions.append(CustomerAction.CANCEL)
    if Action.CONFIRM in mine:
        actions.append(CustomerAction.CONFIRM)
    actions.append(CustomerAction.REORDER)
    if order.status != OrderStatus.QUOTED and order.subscription_id is None:
        actions.append(CustomerAction.REPEAT)
    return actions


def _after_sales_actions(
    order: Order,
    complaints: list[Complaint],
    now: datetime,
    rules: Rules,
    *,
    rated: bool,
    reworked: bool,
) -> list[CustomerAction]:
    """Book a granted rework, rate a confirmed job, complain within the window (one open
    complaint at a time) — first on the screen."""
    actions = []
    if not reworked and any(x.resolution == Resolution.REWORK.value for x in complaints):
        actions.append(CustomerAction.REWORK)
    if not rated and order.status in (OrderStatus.CONFIRMED, OrderStatus.SETTLED):
        actions.append(CustomerAction.RATE)
    try:
        check_can_complain(order, now, rules.after_sales)
        if not any(x.open for x in complaints):
            actions.append(CustomerAction.COMPLAIN)
    except DomainError:
        pass
    return actions


async def quote_cancellation(s: Deps, cmd: c.QuoteCancellation) -> CancellationQuoted:
    async with s.uow() as uow:
        order = await own_order(uow, cmd.customer_id, cmd.number, full=False)
    terms = order_steps.terms_for(order, s.rules, s.clock())
    return CancellationQuoted(order.number, terms.fee_cents, terms.refund_cents, terms.reason)


async def cancel(s: Deps, cmd: c.CancelOrder) -> OrderCancelled:
    async with s.uow() as uow:
        order = await own_order(uow, cmd.customer_id, cmd.number, full=False)
        terms = await order_steps.cancel(
            uow,
            order,
            s.rules,
            s.clock(),
            cmd.expected_fee_cents,
            Actor(ActorKind.CUSTOMER, str(cmd.customer_id)),
        )
        notices = (
            [to_worker(order.worker_id, "cancelled_worker", number=order.number)]
            if order.worker_id is not None
            else []
        )
        posted = await s.post(uow, notices)
        await uow.commit()
    await s.flush(posted)
    if terms.refund_cents:  # each provider refunds its part; failures are retried
        await s.execute_refunds(c.ExecuteRefunds(order.id, notify_customer=False))
    return OrderCancelled(order.number, terms.fee_cents, terms.refund_cents)


def _event_text(e: OrderEvent) -> Text:
    """A timeline line: the status reached, or what happened without a move (a complaint)."""
    if e.from_status == e.to_status and e.action is not None:
        return ACTION_TEXT[e.action]
    return STATUS_TEXT[e.to_status]


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
