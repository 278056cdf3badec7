"""What ``/customer`` and ``/orders PHONE`` read of one customer besides their row: their order
counts, their chat channels and their latest orders, in one statement (``store.stacked``).

The customer is found first, by id or by phone (``CustomerRepository.get``/``by_phone``, as
``/coupon issue`` finds one); this statement is the second and last read.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, and_, bindparam, case, exists, func, literal, not_
from sqlalchemy import select as core_select

from domain.aftersales import ComplaintStatus
from domain.lifecycle import OrderStatus
from domain.oversight import OrderBrief
from store.order_queries import others_with_phone
from store.spend_queries import spent
from store.stacked import Stack, stack
from store.tables import ComplaintRow
from store.tables.core import ADDRESSES, CUSTOMERS, IDENTITIES, ORDER_EVENTS, ORDERS, WORKERS, core

S = OrderStatus
COMPLAINTS = core(ComplaintRow)
ENDED_UNSERVED = (S.CANCELLED, S.REFUNDED)
"""Cancelled or refunded; counted as cancelled unless the service was done (as ``/stats``)."""


def _served() -> Any:
    """The order's timeline reached finished (``reports_repo.SERVED``, on the Core tables)."""
    return exists().where(
        ORDER_EVENTS.c.order_id == ORDERS.c.id,
        ORDER_EVENTS.c.to_status == literal(S.FINISHED.value),
    )


def _counts(customer: BindParameter[int]) -> Any:
    """One row: the customer's orders (quotes are none), those served, those cancelled or
    refunded without service, their spend since ``since`` (``spend_queries.spent``: the member
    level's), their complaints still open and how many other customers have their number."""
    placed = ORDERS.c.status != literal(S.QUOTED.value)
    ended = ORDERS.c.status.in_([literal(s.value) for s in ENDED_UNSERVED])
    open_complaints = (
        core_select(func.count())
        .select_from(COMPLAINTS)
        .where(
            COMPLAINTS.c.customer_id == customer,
            COMPLAINTS.c.status == literal(ComplaintStatus.OPEN.value),
        )
        .scalar_subquery()
    )
    phone = bindparam("phone_hash", type_=CUSTOMERS.c.phone_hash.type)
    others = others_with_phone(CUSTOMERS, phone, customer).scalar_subquery()
    return core_select(
        func.coalesce(func.sum(case((placed, 1), else_=0)), 0).label("orders"),
        func.coalesce(func.sum(case((and_(placed, _served()), 1), else_=0)), 0).label("served"),
        func.coalesce(func.sum(case((and_(ended, not_(_served())), 1), else_=0)), 0).label(
            "cancelled"
        ),
        func.coalesce(func.sum(spent(bindparam("since"))), 0).label("spend"),
        open_complaints.label("complaints_open"),
        others.label("others_with_phone"),
    ).where(ORDERS.c.customer_id == customer)


@lru_cache(maxsize=4)
def card(shown: int) -> Stack:
    """The customer's ``counts`` (one row), the channels of their chat accounts
    (``channels``) and their latest ``shown`` orders, newest first by when they were placed,
    each with its address's district and its worker's name (``orders``)."""
    customer: BindParameter[int] = bindparam("customer")
    latest = (
        core_select(ORDERS.c.id)
        .where(ORDERS.c.customer_id == customer, ORDERS.c.status != literal(S.QUOTED.value))
        .order_by(ORDERS.c.created_at.desc(), ORDERS.c.id.desc())
        .limit(shown)
    )
    orders = (
        core_select(
            ORDERS.c.id,
            ORDERS.c.number,
            ORDERS.c.status,
            ORDERS.c.item_id,
            ORDERS.c.start_at,
            ORDERS.c.created_at,
            ORDERS.c.total_cents,
            ADDRESSES.c.district,
            WORKERS.c.name.label("worker"),
        )
        .select_from(
            ORDERS.outerjoin(ADDRESSES, ADDRESSES.c.id == ORDERS.c.address_id).outerjoin(
                WORKERS, WORKERS.c.id == ORDERS.c.worker_id
            )
        )
        .where(ORDERS.c.id.in_(latest.scalar_subquery()))
    )
    return stack(
        {
            "counts": _counts(customer),
            "channels": core_select(IDENTITIES.c.id, IDENTITIES.c.channel).where(
                IDENTITIES.c.customer_id == customer
            ),
            "orders": orders,
        }
    )


def briefs(rows: list[Any]) -> tuple[OrderBrief, ...]:
    """The ``orders`` part's rows as an order list's lines, newest first."""
    rows = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    return tuple(
        OrderBrief(
            r.number,
            r.status,
            r.item_id,
            r.start_at,
            r.district or "",
            r.worker or "",
            r.total_cents,
        )
        for r in rows
    )


def channels(rows: list[Any]) -> tuple[str, ...]:
    """The ``channels`` part's rows as the channels, each once, oldest account first."""
    return tuple(dict.fromkeys(r.channel for r in sorted(rows, key=lambda r: r.id)))
