"""``/customer PHONE|ID``: a customer's card for the admins who take their calls — who they
are, how to reach them, what became of their orders and the latest ones. A phone shown in
full is written to the audit log (``view_customer``: who, role, when, never the number), as
``/order`` writes ``view_order``; so this read is a command (its plain sibling, ``/orders
PHONE``: ``views.admin_customers``)."""

from __future__ import annotations

from datetime import timedelta

from conversations.events import Result
from conversations.results.admin_customers import CustomerShown
from conversations.services.deps import Deps
from conversations.services.staff import audit_read, authorize
from conversations.services.views.admin_customers import CARD_ORDERS, card, lines
from domain import commands as c
from domain.admin import SEES_MONEY, SEES_PHONE
from domain.member_levels import progress
from domain.membership import Standing
from domain.privacy import mask_phone


async def show_customer(s: Deps, cmd: c.ShowCustomer) -> list[Result]:
    now, rules = s.clock(), s.rules.membership
    async with s.uow() as uow:
        role = await authorize(s, uow, "customer", cmd.admin)
        since = now - timedelta(days=rules.spend_window_days)
        found = await card(uow, cmd.phone, cmd.customer_id, since, CARD_ORDERS)
        customer = found.customer
        phone = customer.phone
        if phone and role in SEES_PHONE:  # in full: who saw whose number is on the record
            target = f"customer:{customer.id}"
            await audit_read(uow, now, cmd.admin, role, "view_customer", target, ["phone"])
    held = Standing(customer.member_level, customer.member_level_until)
    return [
        CustomerShown(
            id=customer.id or 0,
            name=customer.name.strip(),
            phone=phone if role in SEES_PHONE else mask_phone(phone),
            channels=found.channels,
            level=progress(found.spend, rules, held, now).level,
            points=customer.points,
            registered_at=customer.created_at,
            orders=found.orders,
            served=found.served,
            cancelled=found.cancelled,
            complaints_open=found.complaints_open,
            others_with_phone=found.others_with_phone,
            money=role in SEES_MONEY,
            latest=lines(found, s.catalog),
        )
    ]
