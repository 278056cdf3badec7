"""A customer's own orders: finding one of theirs, and cancelling it (what they see of them:
``views.customer``)."""

from __future__ import annotations

from conversations.results.orders import OrderCancelled
from conversations.services import cancellations, order_steps
from conversations.services.deps import Deps
from conversations.services.notices import to_worker
from domain import commands as c
from domain.lifecycle import ActorKind
from domain.orders import Actor, Order
from domain.ports import Reads


async def own_order(uow: Reads, customer_id: int, number: int, full: bool = True) -> Order:
    """The customer's order ``number``; NotFound when there is none or it is someone else's."""
    order = await uow.orders.by_number(number, full=full)
    if order is None or order.customer_id != customer_id:
        raise order_steps.NotFound(number)
    return order


async def cancel(s: Deps, cmd: c.CancelOrder) -> OrderCancelled:
    async with s.uow() as uow:
        order = await own_order(uow, cmd.customer_id, cmd.number, full=False)
        terms, notices = await cancellations.cancel(
            uow,
            order,
            s.rules,
            s.clock(),
            cmd.expected_fee_cents,
            Actor(ActorKind.CUSTOMER, str(cmd.customer_id)),
        )
        if order.worker_id is not None:
            notices.append(to_worker(order.worker_id, "cancelled_worker", number=order.number))
        posted = await s.post(uow, notices)
        await uow.commit()
    await s.flush(posted)
    if terms.refund_cents:  # each provider refunds its part; failures are retried
        await s.execute_refunds(c.ExecuteRefunds(order.id, notify_customer=False))
    return OrderCancelled(order.number, terms.fee_cents, terms.refund_cents)
