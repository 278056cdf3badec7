"""Cancelling an order under the cancellation policy: by its customer, by an admin, or by the
expiry sweep when it was never paid — inside one unit of work."""

from __future__ import annotations

from datetime import datetime

from conversations.services import card_visits, payment_requests, points, refunds
from conversations.services.notices import Notice, to_customer, to_worker
from domain.cancellation import CancellationTerms, cancellation_terms
from domain.errors import DomainError
from domain.ledger import CUSTOMER_PREPAID, fee_kept
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.offers import OfferStatus
from domain.orders import Actor, Order
from domain.payments import pay_by
from domain.ports import Reads, UnitOfWork
from domain.recurring import format_at_time
from domain.rules import Rules
from domain.text import N_
from domain.timeline_notes import unpaid_timeout_note


def terms_for(
    order: Order,
    rules: Rules,
    now: datetime,
    kept: int = 0,
    actor: ActorKind = ActorKind.CUSTOMER,
) -> CancellationTerms:
    """``kept``: reschedule fees paid (``refunds.fees_kept``), revenue already: the
    policy applies to the rest. The policy is the same whoever cancels (an admin's
    ``/cancel`` is most often the customer's call); whether ``actor`` may cancel is checked."""
    return cancellation_terms(
        status=order.status,
        # an admin may have refunded some
        paid_cents=max(0, order.paid_cents - order.refunded_cents - kept),
        deposit_cents=order.deposit_cents,
        start_at=order.start_at,
        now=now,
        rules=rules.cancellation,
        actor=actor,
        number=order.number,
        refunded_cents=order.refunded_cents,
    )


async def fee_kept_cents(uow: Reads, order: Order) -> int:
    """The cancellation fee kept on the order (its ``fee:N`` journal), 0 when none was."""
    assert order.id is not None
    journal = f"fee:{order.number}"
    return sum(
        e.amount_cents
        for e in await uow.ledger.for_order(order.id)
        if e.journal == journal and e.account == CUSTOMER_PREPAID
    )


async def fee_still_kept(uow: Reads, order: Order) -> int:
    """The part of the cancellation fee not given back since: what was paid and is neither
    refunded nor a reschedule fee (revenue on its own), at most the fee. A ``/refund`` after
    the cancellation lowers it; 0 when no fee was kept."""
    fee = await fee_kept_cents(uow, order)
    if not fee:
        return 0
    return min(fee, max(0, await refunds.held_for_service(uow, order)))


async def cancel(
    uow: UnitOfWork,
    order: Order,
    rules: Rules,
    now: datetime,
    expected_fee: int,
    actor: Actor,
    note: str = "",
) -> tuple[CancellationTerms, list[Notice]]:
    """Cancel under the policy: the fee becomes revenue, the rest is refunded (pending until
    each provider confirms), the coupon and points come back when there is no fee, and open
    payment requests are closed (money landing on them later goes back). The notices tell
    the workers it was offered to, still deciding, that the offer is gone; an order never
    paid ends the recurring bookings set up from it (``end_unpaid``), its customer told."""
    assert order.id is not None
    terms = terms_for(order, rules, now, await refunds.fees_kept(uow, order.id), actor.kind)
    if terms.fee_cents != expected_fee:
        raise DomainError(N_("取消费用已变化,请重新确认"))
    assert order.id is not None
    await uow.orders.lock(order.id)
    unpaid = order.status == OrderStatus.AWAITING_PAYMENT  # never paid: only ever before it
    order.apply(Action.CANCEL, actor, now, note or terms.note)
    offered = await uow.offers.close_others(order.id, None, OfferStatus.WITHDRAWN, now)
    await payment_requests.close_requests(uow, order.id, now)
    if terms.fee_cents:
        await uow.ledger.post(fee_kept(order.id, order.number, terms.fee_cents, now))
    if terms.refund_cents:
        await refunds.plan_refunds(uow, order, terms.refund_cents, now, "cancellation")
    if order.coupon_code:
        coupon = await uow.coupons.by_code(order.coupon_code)
        if coupon is not None and coupon.used_order_id == order.id and terms.fee_cents == 0:
            coupon.used_order_id, coupon.used_at = None, None
            await uow.coupons.save(coupon)
    await card_visits.give_back(uow, order, now)  # a visit comes back, fee or not
    if order.points_used and terms.fee_cents == 0:
        await points.give_back(uow, rules, order, now)
    elif order.points_used:
        await points.forfeit(uow, order, now)
    await uow.orders.save(order, now)
    told = [to_worker(w, "offer_withdrawn", number=order.number) for w in dict.fromkeys(offered)]
    if unpaid:
        told += await end_unpaid(uow, order)
    return terms, told


async def end_unpaid(uow: UnitOfWork, order: Order) -> list[Notice]:
    """The recurring bookings set up from ``order``, cancelled before it was paid, end with
    it: the sweep would otherwise go on making orders for a booking never paid for. The
    customer is told each one stopped (nothing more will come of it)."""
    assert order.id is not None
    return [
        to_customer(
            order.customer_id,
            "recurring_unpaid_ended",
            number=order.number,
            weekday=sub.weekday,
            at_time=format_at_time(sub.at_time),
        )
        for sub in await uow.subscriptions.end_unpaid(order.id)
    ]


UNPAID = Actor(ActorKind.SYSTEM, "unpaid")
"""Who cancels an order not paid in time (not the customer: it is no risk-rule cancellation)."""


async def expire_unpaid(
    uow: UnitOfWork, rules: Rules, order_id: int, now: datetime
) -> tuple[Order, list[Notice]] | None:
    """Cancel the order if it is still awaiting payment past its pay-by time: the coupon and
    points come back, its payment requests close, and a recurring booking set up from it
    ends (the notices say so). None when it is not (or no longer) due: the order read under
    its lock (one statement) and a versioned save make one transaction of several
    processes' act on it."""
    order = await uow.orders.get(order_id, full=False, lock=True)
    if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
        return None
    deadline = pay_by(order, rules.payments)
    if deadline > now:
        return None
    minutes = int((deadline - order.created_at).total_seconds()) // 60
    _, told = await cancel(uow, order, rules, now, 0, UNPAID, unpaid_timeout_note(minutes))
    return order, told  # never offered: only the recurring bookings it ended are told
