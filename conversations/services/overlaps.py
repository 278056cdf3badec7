"""An overlap created after acceptance (DESIGN §4): a change to an accepted job — a
reschedule, a placement extended — that makes it clash with another job of the same worker
(with the travel buffer) is offered to a nearby idle worker; the original worker keeps it
until someone accepts, earns the rules' compensation when someone does
(``rules.dispatch.transfer_compensation_bp``, paid at settlement), and ops are told when
nobody nearby can take it."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.services import offer_steps
from conversations.services.notices import Notice, to_worker
from domain.catalog import Catalog
from domain.lifecycle import OrderStatus
from domain.money import apply_rate
from domain.orders import Order
from domain.overlaps import Interval, clashes_with
from domain.ports import Reads, UnitOfWork
from domain.rules import Rules

LIVE = (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE)
MAX_JOBS = 500
"""A worker's live jobs looked at (far more than anyone holds)."""


def interval(order: Order) -> Interval:
    return Interval(order.number, order.start_at, order.end_at)


async def worker_intervals(uow: Reads, worker_id: int) -> list[Interval]:
    """The worker's live (accepted, not finished) jobs as intervals."""
    return [interval(o) for o in await uow.orders.for_worker(worker_id, LIVE, MAX_JOBS)]


async def clashing(uow: Reads, rules: Rules, order: Order) -> list[int]:
    """The numbers of its worker's other live jobs that ``order`` (as it is now) clashes
    with, travel buffer included."""
    if order.worker_id is None:
        return []
    buffer = timedelta(minutes=rules.dispatch.travel_buffer_minutes)
    return clashes_with(interval(order), await worker_intervals(uow, order.worker_id), buffer)


async def hand_over(
    uow: UnitOfWork, catalog: Catalog, rules: Rules, order: Order, now: datetime
) -> list[Notice]:
    """If the accepted ``order`` (saved) now clashes with another job of its worker, tell
    the worker and offer the order to a nearby idle worker; nothing when it does not."""
    if order.status != OrderStatus.ACCEPTED or order.worker_id is None:
        return []
    others = await clashing(uow, rules, order)
    if not others:
        return []
    compensation = apply_rate(order.total_cents, rules.dispatch.transfer_compensation_bp)
    return [
        to_worker(
            order.worker_id,
            "overlap_transfer",
            number=order.number,
            other=others[0],
            amount=compensation,
        ),
        *await offer_steps.offer_transfer(uow, catalog, rules, order, now),
    ]
