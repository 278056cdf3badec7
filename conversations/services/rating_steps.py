"""A customer's rating of a visit (and the worker's credit it feeds), inside the caller's unit
of work."""

from __future__ import annotations

from datetime import datetime

from conversations.services import points
from conversations.services.job_steps import own_job
from conversations.services.notices import Notice, to_admins
from domain.aftersales import (
    CUSTOMER_TAGS,
    Rater,
    Rating,
    check_rateable,
    needs_review,
    stars_text,
)
from domain.errors import DomainError
from domain.orders import Order
from domain.ports import Reads, UnitOfWork
from domain.rules import Rules
from domain.text import N_, named

TAGS = dict(CUSTOMER_TAGS)
"""A rating tag's name (a notice shows it, never its id)."""


async def check_not_rated(uow: Reads, rater: Rater, order: Order) -> None:
    """Refuse a second rating of ``order`` by the same side: said before the rating's first
    question (``rate`` refuses it again when it is recorded, by the ratings' unique key)."""
    assert order.id is not None
    if any(r.rater == rater for r in await uow.ratings.for_order(order.id)):
        raise DomainError(N_("订单 #{number} 已评价过", number=order.number))


async def rate(
    uow: UnitOfWork, rules: Rules, rating: Rating, number: int, now: datetime
) -> list[Notice]:
    """Record one side's rating of a finished job and refresh the other side's average; a
    customer's review earns points (more with a photo), once per order."""
    if rating.rater == Rater.WORKER:  # the worker's own job, as every step of it is found
        order: Order | None = await own_job(uow, rating.worker_id, number)
    else:
        order = await uow.orders.by_number(number, full=False)
        if order is not None and order.customer_id != rating.customer_id:
            order = None
    if order is None or order.id is None or order.worker_id is None:
        raise DomainError(N_("找不到订单 #{number}", number=number))
    check_rateable(rating.rater, order.status, number)
    rating.order_id, rating.worker_id, rating.customer_id = (
        order.id,
        order.worker_id,
        order.customer_id,
    )
    if not await uow.ratings.add(rating):
        raise DomainError(N_("订单 #{number} 已评价过", number=number))
    if rating.rater == Rater.WORKER:
        customer = await uow.customers.get(order.customer_id)
        if customer is not None:
            _, mean, _ = await uow.ratings.average(Rater.WORKER, customer_id=order.customer_id)
            customer.rating_x100 = mean
            await uow.customers.save(customer)
        return []
    worker = await uow.workers.get(order.worker_id)
    assert worker is not None
    count, mean, good = await uow.ratings.average(Rater.CUSTOMER, worker_id=order.worker_id)
    worker.rating_x100, worker.good_rate_bp = mean, good * 10_000 // count
    worker.reviews = count  # what a customer reads of the two (see ``worker_rating``)
    await uow.workers.save(worker)
    notices = await points.credit_review(uow, rules, order, bool(rating.photos), now)
    if not needs_review(rating, rules.after_sales):
        return notices
    return [
        *notices,
        to_admins(
            "rating_review_admin",
            "ops",
            "support",
            number=number,
            worker=worker.name,
            worker_id=order.worker_id,
            stars=stars_text(rating.overall_x100),
            tags={
                "zh": "、".join(named(TAGS, tag, "zh") for tag in rating.tags),
                "en": ", ".join(named(TAGS, tag, "en") for tag in rating.tags),
            },
            text=rating.text,
        ),
    ]
