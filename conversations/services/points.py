"""Customers' points inside the caller's unit of work: credited when an order settles and for
a review, spent at checkout, given back with a cancellation, taken back with a refund, and
expired — each movement once (its key), under the customer's lock, with its journal against
the points liability (``domain.points``, ``domain.ledger``) — and the membership level a
customer holds (told when it goes up).

Lock order: an order's lock, when one is taken, comes before the customer's (as everywhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from conversations.services.notices import Notice, to_customer
from domain.ledger import (
    points_applied,
    points_awarded,
    points_forfeited,
    points_redeemed,
    points_returned,
    points_withdrawn,
)
from domain.membership import LEVEL_RANK, PAID_STATUSES, points_for_payment, standing
from domain.money import FULL
from domain.orders import Order
from domain.payments import fees_kept_of
from domain.points import (
    EARNING,
    NotEnoughPoints,
    PointsKind,
    PointsMovement,
    Use,
    expiry,
    fifo,
    movement_value,
    points_for_review,
)
from domain.ports import UnitOfWork
from domain.rules import Rules


async def _move(
    uow: UnitOfWork,
    rules: Rules,
    customer_id: int,
    kind: PointsKind,
    points: int,
    key: str,
    now: datetime,
    *,
    order_id: int | None = None,
    uses: Sequence[Use] = (),
    cap: bool = False,
) -> tuple[PointsMovement, int] | None:
    """Change the balance by ``points`` (negative: taken from the lots, soonest to expire
    first, unless ``uses`` says which) and record it; returns the movement and its value
    (the change of the balance's worth), or None when ``key`` was done already or nothing
    moves. ``cap``: take at most what the customer holds (a refund's points may have been
    spent); otherwise holding too few raises ``NotEnoughPoints``."""
    balance = await uow.membership.lock(customer_id)
    if await uow.membership.recorded(key):
        return None
    if points < 0 and cap:
        points = max(points, -balance)
    if points == 0:
        return None
    if balance + points < 0:
        raise NotEnoughPoints()
    if points < 0 and not uses:
        uses = fifo(await uow.membership.lots(customer_id), -points)
    after = balance + points
    movement = await uow.membership.add(
        PointsMovement(
            customer_id,
            kind,
            points,
            after,
            now,
            key,
            order_id,
            expiry(now, rules.membership) if kind in EARNING else None,
        ),
        uses,
    )
    await uow.membership.set_balance(customer_id, after)
    return movement, movement_value(balance, after, rules.pricing)


async def award(
    uow: UnitOfWork,
    rules: Rules,
    customer_id: int,
    kind: PointsKind,
    points: int,
    key: str,
    now: datetime,
    order_id: int | None = None,
) -> PointsMovement | None:
    """Give ``points`` (a lot of their own, expiring per the rules), once per ``key``."""
    if points <= 0:
        return None
    moved = await _move(uow, rules, customer_id, kind, points, key, now, order_id=order_id)
    if moved is None:
        return None
    movement, value = moved
    await uow.ledger.post(
        points_awarded(key, value, now, order_id=order_id, memo=f"points {kind.value}")
    )
    return movement


def credited(movement: PointsMovement, rules: Rules, number: int) -> Notice:
    """The customer is told what they got and hold now."""
    return to_customer(
        movement.customer_id,
        "points_credited",
        number=number,
        points=movement.points,
        balance=movement.balance,
        reason=movement.kind.value,
        months=rules.membership.points_expire_months,
    )


async def credit_order(
    uow: UnitOfWork, rules: Rules, order: Order, paid: int, now: datetime
) -> list[Notice]:
    """Points for what the customer paid for a settling order (net of refunds so far)."""
    points = points_for_payment(paid, rules.membership)
    return await _credit(uow, rules, order, PointsKind.EARNED, points, f"earn:{order.number}", now)


async def credit_review(
    uow: UnitOfWork, rules: Rules, order: Order, with_photo: bool, now: datetime
) -> list[Notice]:
    """Points for rating an order (more with a photo), once per order."""
    points = points_for_review(with_photo, rules.membership)
    key = f"review:{order.number}"
    return await _credit(uow, rules, order, PointsKind.REVIEWED, points, key, now)


async def _credit(
    uow: UnitOfWork,
    rules: Rules,
    order: Order,
    kind: PointsKind,
    points: int,
    key: str,
    now: datetime,
) -> list[Notice]:
    """``points`` of ``kind`` for ``order``'s customer, once per ``key``; the notice telling
    them, when anything was credited."""
    assert order.id is not None
    movement = await award(uow, rules, order.customer_id, kind, points, key, now, order.id)
    return [credited(movement, rules, order.number)] if movement else []


async def redeem(uow: UnitOfWork, rules: Rules, order: Order, now: datetime) -> None:
    """Spend the points the order's quote used (at checkout, as the order is placed); too
    few left — a checkout elsewhere spent them first — refuses the order."""
    assert order.id is not None
    key = f"redeem:{order.number}"
    spent = -order.points_used
    moved = await _move(
        uow, rules, order.customer_id, PointsKind.REDEEMED, spent, key, now, order_id=order.id
    )
    if moved is not None:
        await uow.ledger.post(points_redeemed(key, -moved[1], order.id, now))


async def give_back(uow: UnitOfWork, rules: Rules, order: Order, now: datetime) -> int:
    """The points the order used, back to the customer (the lots they came from; cancelled
    without a fee, or refunded in full). Returns how many came back (0: none, or already)."""
    assert order.id is not None
    spent, key = f"redeem:{order.number}", f"return:{order.number}"
    if not order.points_used or await uow.ledger.has_journal(f"points:forfeit:{order.number}"):
        return 0
    uses = [(lot, -taken) for lot, taken in await uow.membership.uses(spent)]
    points = sum(taken for _, taken in uses)
    if points <= 0:
        return 0
    kind = PointsKind.RETURNED
    moved = await _move(
        uow, rules, order.customer_id, kind, points, key, now, order_id=order.id, uses=uses
    )
    if moved is None:
        return 0
    applied = points_applied(await uow.ledger.for_order(order.id))
    await uow.ledger.post(points_returned(key, applied, moved[1], order.id, now))
    return points


async def forfeit(uow: UnitOfWork, order: Order, now: datetime) -> None:
    """The order was cancelled with a fee: the points it used are kept."""
    assert order.id is not None
    applied = points_applied(await uow.ledger.for_order(order.id))
    key = f"forfeit:{order.number}"
    if applied and not await uow.ledger.has_journal(f"points:{key}"):
        await uow.ledger.post(points_forfeited(key, applied, order.id, now))


async def claw_back(
    uow: UnitOfWork, rules: Rules, order: Order, pending: int, reference: str, now: datetime
) -> None:
    """A refund of a settled order: the points its payment earned come down to what is
    still paid (less ``pending`` refunds), as far as the customer still holds them."""
    assert order.id is not None
    earned = sum(
        m.points
        for m in await uow.membership.for_order(order.id)
        if m.kind in (PointsKind.EARNED, PointsKind.CLAWED_BACK)
    )
    kept = fees_kept_of(await uow.payments.for_order(order.id))  # revenue: earns no points
    net = order.paid_cents - order.refunded_cents - pending - kept
    excess = earned - points_for_payment(net, rules.membership)
    if earned <= 0 or excess <= 0:
        return
    key = f"clawback:{reference}"
    kind = PointsKind.CLAWED_BACK
    moved = await _move(
        uow, rules, order.customer_id, kind, -excess, key, now, order_id=order.id, cap=True
    )
    if moved is not None:
        await uow.ledger.post(
            points_withdrawn(key, -moved[1], now, order_id=order.id, memo="points clawed back")
        )


async def expire_lot(
    uow: UnitOfWork, rules: Rules, lot_id: int, customer_id: int, now: datetime
) -> PointsMovement | None:
    """What is left of a lot past its expiry goes (read again under the customer's lock, so
    several processes expire it once)."""
    await uow.membership.lock(customer_id)
    lot = next((x for x in await uow.membership.lots(customer_id) if x.id == lot_id), None)
    if lot is None or lot.expires_at is None or lot.expires_at > now:
        return None
    key = f"expire:{lot.id}:{now:%Y%m%d%H%M%S}"
    kind, uses = PointsKind.EXPIRED, [(lot.id, -lot.left)]
    moved = await _move(uow, rules, customer_id, kind, -lot.left, key, now, uses=uses)
    if moved is None:
        return None
    await uow.ledger.post(points_withdrawn(key, -moved[1], now, memo="points expired"))
    return moved[0]


async def check_level(
    uow: UnitOfWork, rules: Rules, customer_id: int, now: datetime
) -> list[Notice]:
    """Review the customer's level when an order settles (``membership.standing``): what the
    trailing spend on services reaches, or the level held while it is kept; a customer who
    moved up is told once. Holding the level again keeps it afresh, silently; a level falling
    at its review is kept silently too (我的 shows it)."""
    await uow.membership.lock(customer_id)  # one review at a time: told once
    since = now - timedelta(days=rules.membership.spend_window_days)
    _, spend = await uow.orders.customer_stats(customer_id, PAID_STATUSES, since)
    held = await uow.membership.standing(customer_id)
    new = standing(held, spend, now, rules.membership)
    if new == held:
        return []
    await uow.membership.set_level(customer_id, new.level, new.until)
    if LEVEL_RANK[new.level] <= LEVEL_RANK[held.level]:
        return []
    price = rules.pricing.member_price_bp.get(new.level, FULL)
    return [to_customer(customer_id, "member_level_up", level=new.level.value, price=price)]
