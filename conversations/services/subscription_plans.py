"""A recurring booking as the customer asks for it, before it exists: from which order, on
which day and time, its first visit and today's price (shared by ``DraftSubscription``'s view
and the ``Subscribe`` command, which must agree on it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from conversations.results.recurring import SubscriptionPlan, SubscriptionRow
from conversations.services import order_steps
from domain.catalog import Catalog
from domain.commands import Booking
from domain.errors import DomainError, QuoteError
from domain.lifecycle import OrderStatus
from domain.orders import Order
from domain.ports import Reads
from domain.pricing import Selection
from domain.recurring import (
    Subscription,
    cancelled_unpaid,
    ever_paid,
    first_visit,
    lead_days,
    parse_at_time,
)
from domain.rules import Rules
from domain.text import N_


async def source(uow: Reads, customer_id: int, number: int, catalog: Catalog) -> Order:
    """The customer's placed order ``number``, which the subscription repeats; never one
    cancelled before it was paid, nor a long placement (a contract of days or months: a new
    one every week would overlap the one paid for — it is renewed instead,
    ``placement_endings``)."""
    order = await uow.orders.by_number(number)  # with its timeline: was it ever paid?
    if order is None or order.customer_id != customer_id:
        raise order_steps.NotFound(number)
    if order.status == OrderStatus.QUOTED:
        raise DomainError(N_("订单 #{number} 还未下单,不能设为定期", number=number))
    if cancelled_unpaid(order):  # its visits would go on for a booking never paid for
        raise DomainError(
            N_("订单 #{number} 未付款已取消,不能设为定期;请重新预约。", number=number)
        )
    if is_placement(order.selections, catalog):
        raise DomainError(
            N_(
                "订单 #{number} 是长期合同,不能每周重复;合同到期前可以续约:「续约 #{number}」。",
                number=number,
            )
        )
    return order


def is_placement(selections: Sequence[Selection], catalog: Catalog) -> bool:
    """Whether any of ``selections`` is a long placement (an item with a ``placement:``
    block); an item since removed from the catalog is none."""
    for s in selections:
        try:
            if catalog.item(s.item_id).placement is not None:
                return True
        except QuoteError:
            continue
    return False


def plan(order: Order, weekday: int | None, at_time: str, tz: ZoneInfo) -> tuple[int, time]:
    """The weekday and time asked, the order's own where not given."""
    local = order.start_at.astimezone(tz)
    day = local.weekday() if weekday is None else weekday
    if not 0 <= day <= 6:
        raise DomainError(N_("请选择周一到周日"))
    at = parse_at_time(at_time) if at_time else time(local.hour, local.minute)
    return day, at


def booking(sub: Subscription, start_at: datetime) -> Booking:
    """The booking of one visit of ``sub``."""
    return Booking(
        customer_id=sub.customer_id,
        channel=sub.channel,
        lang=sub.lang,
        selections=sub.selections,
        start_at=start_at,
        address_id=sub.address_id,
        notes=sub.notes,
        coupon_code="",  # coupons are the customer's to choose; none is spent unasked
        bundle_id=sub.bundle_id,
        subscription_id=sub.id or 0,
    )


def row(sub: Subscription, catalog: Catalog, waits_for: int | None = None) -> SubscriptionRow:
    """``sub`` as the customer's list shows it; ``waits_for``: its first order's number
    while that one is unpaid."""
    return SubscriptionRow(
        sub.id or 0,
        catalog.name_of(sub.item_id),
        sub.weekday,
        sub.at_time,
        sub.next_start_at,
        waits_for,
    )


async def waits_for(uow: Reads, sub: Subscription) -> int | None:
    """The number of the order ``sub`` was set up from while that one is unpaid (the sweep
    makes no visit of it before); None once paid, or for a booking without one kept."""
    if sub.first_order_id is None:
        return None
    first = await uow.orders.get(sub.first_order_id)  # with its timeline: was it paid?
    return first.number if first is not None and not ever_paid(first) else None


async def draft(
    uow: Reads,
    customer_id: int,
    number: int,
    weekday: int | None,
    at_time: str,
    now: datetime,
    *,
    catalog: Catalog,
    rules: Rules,
    tz: ZoneInfo,
) -> tuple[Subscription, int]:
    """The subscription the customer is asking for, and its price today (pricing it
    checks it can be booked: the service is still sold, the options still exist)."""
    order = await source(uow, customer_id, number, catalog)
    day, at = plan(order, weekday, at_time, tz)
    sub = Subscription(
        customer_id=order.customer_id,
        channel=order.channel,
        lang=order.lang,
        selections=order.selections,
        weekday=day,
        at_time=at,
        next_start_at=first_visit(now, order.start_at, day, at, rules.booking, tz),
        created_at=now,
        address_id=order.address_id,
        notes=order.notes,
        bundle_id=order.bundle_id,
        first_order_id=order.id,
    )
    priced = await order_steps.price(uow, catalog, rules, booking(sub, sub.next_start_at), now)
    return sub, priced.quote.total_cents


def plan_view(
    number: int, sub: Subscription, price: int, now: datetime, catalog: Catalog, rules: Rules
) -> SubscriptionPlan:
    ahead = lead_days((x.item_id for x in sub.selections), catalog, rules.booking)
    made = sub.next_start_at - timedelta(days=ahead)
    return SubscriptionPlan(
        number,
        catalog.name_of(sub.item_id),
        sub.weekday,
        sub.at_time,
        sub.next_start_at,
        None if made <= now else made,
        ahead,
        price,
    )
