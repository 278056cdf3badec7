"""What a customer's points screen shows (the "我的 / Me" screen reads it): the balance, the
points that expire soonest, and the latest movements with their balances."""

from __future__ import annotations

from conversations.results.points import PointsHistory, PointsLine
from domain.errors import DomainError
from domain.points import KIND_TEXT, NEVER
from domain.ports import Reads
from domain.queries import LoadPointsHistory


async def history(uow: Reads, q: LoadPointsHistory) -> PointsHistory:
    """``q.limit`` latest movements of the customer's points, newest first."""
    customer = await uow.customers.get(q.customer_id)
    if customer is None:
        raise DomainError("unknown customer")
    lots = [x for x in await uow.membership.lots(q.customer_id) if x.expires_at is not None]
    soonest = min((x.expires_at or NEVER for x in lots), default=None)
    movements = await uow.membership.history(q.customer_id, q.limit)
    return PointsHistory(
        balance=customer.points,
        expiring=sum(x.left for x in lots if x.expires_at == soonest),
        expiring_at=soonest,
        lines=tuple(
            PointsLine(m.at, m.kind, KIND_TEXT[m.kind], m.points, m.balance, m.number)
            for m in movements
        ),
    )
