"""The orders table's statements built once (every quote and every new order reads them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    FromClause,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    true,
)
from sqlalchemy import select as core_select
from sqlmodel import col, select

from domain.lifecycle import ActorKind, OrderStatus
from domain.preferred import SERVED_STATUSES
from domain.reminders import Reminder
from store.spend_queries import spent
from store.stacked import Stack, stack
from store.tables import OrderRow
from store.tables.core import (
    ADDRESSES,
    CARDS,
    CERTIFICATES,
    COUPONS,
    CUSTOMERS,
    ORDER_EVENTS,
    ORDERS,
    PAYMENTS,
    PRICE_CHANGES,
    WORKERS,
)

LIVE = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)


REMINDER_COLUMNS = {
    Reminder.DAY: col(OrderRow.reminded_day_at),
    Reminder.HOUR: col(OrderRow.reminded_hour_at),
    Reminder.CONFIRM: col(OrderRow.confirm_reminded_at),
}


# built once (every quote and every new order reads them); IN lists as separate parameters,
# which a statement compiled once can take (store.sqlite.direct)
@lru_cache(maxsize=8)
def customer_stats(counted: int) -> Select[Any]:
    """The customer's stats statement for ``counted`` statuses (``counted_0`` ...)."""
    statuses: list[BindParameter[str]] = [bindparam(f"counted_{i}") for i in range(counted)]
    return select(
        func.coalesce(
            func.sum(case((col(OrderRow.status).in_(statuses), 1), else_=0)),
            0,
        ).label("orders_counted"),
        func.coalesce(
            func.sum(spent(bindparam("since"))),
            0,
        ).label("spend"),
    ).where(col(OrderRow.customer_id) == bindparam("customer"))


@lru_cache(maxsize=8)
def customer_with_stats(counted: int) -> Select[Any]:
    """The customer's row with their ``customer_stats`` (``orders_counted``, ``spend``), in
    one statement: a quote reads both."""
    stats = customer_stats(counted).subquery("stats")  # one row: joined to the customer's
    return (
        core_select(CUSTOMERS, stats.c.orders_counted, stats.c.spend)
        .select_from(CUSTOMERS.join(stats, true()))
        .where(CUSTOMERS.c.id == bindparam("customer"))
    )


def cancellations(customer: ColumnElement[Any], since: ColumnElement[Any]) -> Select[Any]:
    """How many orders ``customer`` cancelled themselves since ``since`` (the risk rule's
    count): bound values, or columns of an enclosing statement."""
    return (
        core_select(func.count())
        .select_from(ORDER_EVENTS.join(ORDERS, ORDERS.c.id == ORDER_EVENTS.c.order_id))
        .where(
            ORDERS.c.customer_id == customer,
            ORDER_EVENTS.c.to_status == OrderStatus.CANCELLED.value,
            ORDER_EVENTS.c.actor_kind == ActorKind.CUSTOMER.value,
            ORDER_EVENTS.c.at >= since,
        )
    )


def others_with_phone(
    others: FromClause, phone: ColumnElement[Any], customer: ColumnElement[Any]
) -> Select[Any]:
    """How many customers in ``others`` (the customers table, or an alias of it) but
    ``customer`` have the phone number whose lookup hash is ``phone`` (none for no number)."""
    return (
        core_select(func.count())
        .select_from(others)
        .where(others.c.phone_hash == phone, phone != "", others.c.id != customer)
    )


@lru_cache(maxsize=8)
def customer_for_checkout(counted: int) -> Select[Any]:
    """``customer_with_stats`` with what a checkout also asks of the customer, in the same
    statement: ``others_with_phone`` (other customers with the number ``phone_hash``, or with
    the customer's own when that is NULL), ``cancelled`` (orders they cancelled themselves
    since ``cancelled_since``, the risk rule's count) and ``price_changes`` (how many the
    admins made: the prices' version, ``PriceRepository.current``)."""
    given = bindparam("phone_hash", type_=CUSTOMERS.c.phone_hash.type)
    phone = func.coalesce(given, CUSTOMERS.c.phone_hash)
    others = others_with_phone(CUSTOMERS.alias("others"), phone, CUSTOMERS.c.id)
    others_count = others.scalar_subquery().label("others_with_phone")
    since = bindparam("cancelled_since", type_=ORDER_EVENTS.c.at.type)
    cancelled = cancellations(CUSTOMERS.c.id, since).scalar_subquery().label("cancelled")
    price_changes = core_select(func.count()).select_from(PRICE_CHANGES).scalar_subquery()
    return customer_with_stats(counted).add_columns(
        others_count, cancelled, price_changes.label("price_changes")
    )


def served(customer: ColumnElement[Any]) -> Select[Any]:
    """The orders ``customer`` had a worker complete (``domain.preferred.SERVED_STATUSES``)."""
    done = [literal(status.value) for status in SERVED_STATUSES]
    return core_select(ORDERS.c.worker_id).where(
        ORDERS.c.customer_id == customer,
        ORDERS.c.worker_id.is_not(None),
        ORDERS.c.status.in_(done),
    )


def served_workers(customer: ColumnElement[Any]) -> Select[Any]:
    """The workers who completed a job for ``customer``, each with the id of the latest
    (``last_order_id``): who may be their preferred worker (``domain.preferred``)."""
    latest = (
        served(customer)
        .with_only_columns(func.max(ORDERS.c.id))
        .where(ORDERS.c.worker_id == WORKERS.c.id)
        .scalar_subquery()
    )
    return core_select(
        WORKERS.c.id,
        WORKERS.c.name,
        WORKERS.c.rating_x100,
        WORKERS.c.reviews,
        WORKERS.c.status,
        WORKERS.c.skills,
        latest.label("last_order_id"),
    ).where(WORKERS.c.id.in_(served(customer)))


@lru_cache(maxsize=8)
def checkout(counted: int) -> Stack:
    """``customer_for_checkout`` (part ``customer``) with the coupons the customer holds
    (``coupons``), their prepaid cards (``cards``), saved addresses (``addresses``: a typed
    one is not saved twice) and the workers who served them (``served``, their documents
    ``served_documents``: the preferred worker they may choose): all a quote and a new order
    read of the customer, in one statement (``store.stacked``)."""
    customer: BindParameter[int] = bindparam("customer")
    documents = CERTIFICATES.c.worker_id.in_(served(customer))
    return stack(
        {
            "customer": customer_for_checkout(counted),
            "coupons": core_select(COUPONS).where(COUPONS.c.customer_id == customer),
            "cards": core_select(CARDS).where(CARDS.c.customer_id == customer),
            "addresses": core_select(ADDRESSES).where(ADDRESSES.c.customer_id == customer),
            "served": served_workers(customer),
            "served_documents": core_select(CERTIFICATES).where(documents),
        }
    )


def stats_params(
    customer_id: int, counted: Sequence[OrderStatus], since: datetime
) -> dict[str, Any]:
    """The bound values of ``customer_stats`` (and ``customer_with_stats``)."""
    params: dict[str, Any] = {"customer": customer_id, "since": since}
    params.update({f"counted_{i}": status.value for i, status in enumerate(counted)})
    return params


PREVIOUS_WORKERS = (
    core_select(CUSTOMERS.c.member_level, ORDERS.c.worker_id)
    .distinct()
    .select_from(
        CUSTOMERS.outerjoin(
            ORDERS,
            and_(
                ORDERS.c.customer_id == CUSTOMERS.c.id,
                ORDERS.c.worker_id.is_not(None),
                ORDERS.c.status.in_([literal(status.value) for status in SERVED_STATUSES]),
            ),
        )
    )
    .where(CUSTOMERS.c.id == bindparam("customer"))
)
"""The customer's member level with each worker who completed a job for them (NULL: none),
for a dispatch: one query where it made two."""
FOR_DISPATCH = stack(
    {
        "address": core_select(ADDRESSES).where(ADDRESSES.c.id == bindparam("address")),
        "previous": PREVIOUS_WORKERS,
    }
)
"""The order's address with ``PREVIOUS_WORKERS`` (``store.stacked``): what a dispatch reads
of the order's customer, in one statement."""
CANCELLATIONS = cancellations(bindparam("customer"), bindparam("since"))
ORDER_LOCKED = ORDERS.select().where(ORDERS.c.id == bindparam("id")).with_for_update()
"""An order with its row lock (``FOR UPDATE``; SQLite, one writer at a time, has no clause)."""
PAID_ORDER_LOCKED = (
    core_select(ORDERS, *(c.label(f"payment_{c.name}") for c in PAYMENTS.c))
    .join_from(PAYMENTS, ORDERS, ORDERS.c.id == PAYMENTS.c.order_id)
    .where(PAYMENTS.c.reference == bindparam("reference"))
    .with_for_update(of=ORDERS)
)
"""A payment request (its columns as ``payment_<name>``) beside its order, the order with
its row lock: what crediting a payment reads, in one statement where it took two."""
