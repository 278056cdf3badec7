"""What an admin reads of one customer: ``/orders PHONE`` here (a plain read: it shows no
contact details), and the customer found by phone or id with their counts and latest orders,
which ``/customer`` shows too (``admin_customers``: a phone shown in full is audited, so that
one is a command).

Two statements at most: the customer by id or by phone (``Customers.get``/``by_phone``, as
``/coupon issue`` finds one), then everything else about them (``Customers.card``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from conversations.results.admin_customers import CustomerOrdersListed
from conversations.results.admin_orders import OrderLine
from conversations.services.staff import AdminDirectory, role_for
from domain.admin import SEES_MONEY
from domain.catalog import Catalog
from domain.errors import DomainError
from domain.people_ports import CustomerCard
from domain.ports import Reads
from domain.queries import ListCustomerOrders
from domain.rules import Rules
from domain.text import N_

CARD_ORDERS = 10
"""The latest orders ``/customer`` shows."""
LISTED_ORDERS = 30
"""The latest orders ``/orders PHONE`` lists (as many as ``/orders`` lists of a day)."""


async def card(
    uow: Reads, phone: str, customer_id: int | None, since: datetime, shown: int
) -> CustomerCard:
    """The customer with the phone number ``phone`` (or, "", the one with ``customer_id``):
    their ``CustomerCard`` with their latest ``shown`` orders and their spend since
    ``since``; a plain refusal when there is none."""
    if phone:
        customer = await uow.customers.by_phone(phone)
        if customer is None:
            raise DomainError(N_("没有手机号为 {phone} 的客户", phone=phone))
    else:
        customer = await uow.customers.get(customer_id) if customer_id is not None else None
        if customer is None:
            raise DomainError(N_("没有 ID 为 {customer_id} 的客户", customer_id=customer_id))
    return await uow.customers.card(customer, since, shown)


def lines(found: CustomerCard, catalog: Catalog) -> tuple[OrderLine, ...]:
    """The customer's latest orders as ``/orders`` lists them (no flags: those are the whole
    business's, ``/orders stuck``)."""
    return tuple(OrderLine.of(o, catalog) for o in found.latest)


async def customer_orders(
    uow: Reads,
    q: ListCustomerOrders,
    *,
    admins: AdminDirectory,
    catalog: Catalog,
    rules: Rules,
    clock: Callable[[], datetime],
) -> CustomerOrdersListed:
    """``/orders PHONE``: the customer's latest orders, newest first, and how many in all."""
    role = await role_for(admins, uow, "orders", q.admin)
    since = clock() - timedelta(days=rules.membership.spend_window_days)
    found = await card(uow, q.phone, q.customer_id, since, LISTED_ORDERS)
    customer = found.customer
    return CustomerOrdersListed(
        customer.id or 0,
        customer.name.strip(),
        found.orders,
        role in SEES_MONEY,
        lines(found, catalog),
    )
