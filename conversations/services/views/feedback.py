"""Whether a customer may complain about, rate or book the granted free rework of an order
now, checked when they ask — so nobody answers four questions to be told at the end that the
order cannot take a complaint (or is not theirs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from conversations.results.after_sales import FeedbackOpen
from conversations.services.customer_orders import own_order
from conversations.services.rating_steps import check_not_rated
from domain.aftersales import Rater, check_can_complain, check_rateable, granted_rework
from domain.errors import DomainError
from domain.ports import Reads
from domain.queries import CheckFeedback
from domain.rules import Rules
from domain.text import N_


async def feedback_open(
    uow: Reads, q: CheckFeedback, *, rules: Rules, clock: Callable[[], datetime]
) -> FeedbackOpen:
    """``FeedbackOpen``, or DomainError saying why not (the same checks the filing, the
    rating and the rework's booking make again in their own transaction)."""
    order = await own_order(uow, q.customer_id, q.number, full=False)
    assert order.id is not None
    if q.action == "complain":
        check_can_complain(order, clock(), rules.after_sales)
        for earlier in await uow.complaints.for_order(order.id):
            if earlier.open:
                raise DomainError(
                    N_("订单 #{number} 已有处理中的投诉 #{id}", number=q.number, id=earlier.id)
                )
    elif q.action == "rate":
        check_rateable(Rater.CUSTOMER, order.status, q.number)
        await check_not_rated(uow, Rater.CUSTOMER, order)
    elif q.action == "rework":
        complaints = await uow.complaints.for_order(order.id)
        granted_rework(q.number, complaints, await uow.orders.rework_for(order.id) is not None)
    return FeedbackOpen(q.number, q.action)
