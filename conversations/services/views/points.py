"""What a customer's points screen shows (the "我的 / Me" screen reads it): the balance, the
points that expire soonest, and the latest movements with their balances."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.results.points import PointsHistory, PointsLine
from domain.errors import DomainError
from domain.points import KIND_TEXT, Lot, PointsMovement
from domain.ports import Reads
from domain.queries import LoadPointsHistory


async def history(uow: Reads, q: LoadPointsHistory) -> PointsHistory:
    """The customer's points: balance, soonest expiry, ``q.limit`` latest movements."""
    customer = await uow.customers.get(q.customer_id)
    if customer is None:
        raise DomainError("unknown customer")
    lots = await uow.membership.lots(q.customer_id)
    return shown(customer.points, lots, await uow.membership.history(q.customer_id, q.limit))


def shown(balance: int, lots: Sequence[Lot], movements: Sequence[PointsMovement]) -> PointsHistory:
    """The screen's data: the lots that expire soonest (those at the same instant together)
    and each movement, newest first, named in both languages."""
    soonest = min((x.expires_at for x in lots if x.expires_at is not None), default=None)
    return PointsHistory(
        balance=balance,
        expiring=sum(x.left for x in lots if soonest is not None and x.expires_at == soonest),
        expiring_at=soonest,
        lines=tuple(
            PointsLine(m.at, m.kind, KIND_TEXT[m.kind], m.points, m.balance, m.number)
            for m in movements
        ),
    )
