"""An insurance policy requested for an order that was just paid, in the same transaction
(issued later by the ``IssuePolicies`` sweep, ``conversations.services.insurance``)."""

from __future__ import annotations

from datetime import datetime

from domain.catalog import Catalog
from domain.insurance import Policy
from domain.orders import Order
from domain.ports import UnitOfWork
from domain.rules import PaymentRules


async def request_policy(
    uow: UnitOfWork, order: Order, catalog: Catalog, rules: PaymentRules, now: datetime
) -> None:
    """The order was just paid: its policy is requested (once per order), in the same
    transaction."""
    assert order.id is not None
    await uow.policies.request(
        Policy(
            order_id=order.id,
            number=order.number,
            item=catalog.item(order.item_id).name.zh,
            starts_at=order.start_at,
            ends_at=order.end_at,
            insured_cents=rules.insured_amount_cents,
            created_at=now,
            next_attempt_at=now,
        )
    )
