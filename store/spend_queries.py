"""What orders' money is worth to the rules that count it, as SQL over ``OrderRow``: the
reschedule fees kept (revenue of their own, in ``paid_cents``) and the spend a member level
counts (``domain.membership``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from domain.membership import SERVED_STATUSES
from domain.payments import PaymentKind, PaymentStatus
from store.tables import OrderRow, PaymentRow


def fees_kept() -> Any:
    """The order's reschedule fees paid and not given back (``domain.payments.fees_kept_of``)
    as a subquery correlated to ``OrderRow``: in its ``paid_cents``, but they pay no
    period, earn no level and are no base of a refund."""
    fee, back = aliased(PaymentRow), aliased(PaymentRow)
    paid = (
        select(func.coalesce(func.sum(fee.amount_cents), 0))
        .where(
            fee.order_id == OrderRow.id,
            fee.kind == PaymentKind.RESCHEDULE_FEE.value,
            fee.status == PaymentStatus.SUCCEEDED.value,
        )
        .scalar_subquery()
    )
    returned = (
        select(func.coalesce(func.sum(back.amount_cents), 0))
        .join(fee, col(fee.id) == col(back.refund_of))
        .where(
            back.order_id == OrderRow.id,
            back.kind == PaymentKind.REFUND.value,
            back.status != PaymentStatus.FAILED.value,
            fee.kind == PaymentKind.RESCHEDULE_FEE.value,
            fee.status == PaymentStatus.SUCCEEDED.value,
        )
        .scalar_subquery()
    )
    return paid - returned


def spent(since: Any) -> ColumnElement[Any]:
    """What an order adds to its customer's level spend (``domain.membership.SERVED_STATUSES``):
    paid, less refunded and less the reschedule fees kept, for an order served and placed
    since ``since`` (a moment, or a bound parameter); 0 for any other."""
    served = col(OrderRow.status).in_([literal(s.value) for s in SERVED_STATUSES])
    return case(
        (
            and_(col(OrderRow.created_at) >= since, served),
            col(OrderRow.paid_cents) - col(OrderRow.refunded_cents) - fees_kept(),
        ),
        else_=0,
    )
