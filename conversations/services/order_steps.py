"""Pricing, placing, paying and cancelling orders for a customer, inside one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from conversations.services import payment_requests, points
from domain.cancellation import CancellationTerms, cancellation_terms
from domain.catalog import Catalog
from domain.commands import Booking
from domain.coupons import WELCOME, Coupon
from domain.errors import DomainError
from domain.geo import Located
from domain.ledger import fee_kept
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.membership import PAID_STATUSES, level_for_spend
from domain.offers import OfferStatus
from domain.orders import SYSTEM, Actor, Order
from domain.payments import Payment, pay_by
from domain.people import Address, Customer, GeoPoint
from domain.ports import Reads, UnitOfWork
from domain.pricing import Quote, QuoteRequest, quote
from domain.rules import Rules
from domain.text import N_


class NotFound(DomainError):
    def __init__(self, number: int) -> None:
        super().__init__(N_("找不到订单 #{number}", number=number))


@dataclass
class Priced:
    customer: Customer
    quote: Quote
    coupon: Coupon | None
    usable: list[Coupon]
    points_available: int
    known_phone: bool = False
    """The phone number is another account's: no new-customer offers."""


async def price(uow: Reads, catalog: Catalog, rules: Rules, b: Booking, now: datetime) -> Priced:
    """The quote for a booking with everything the customer is entitled to, checked now.

    Prices are the catalog's as admins last changed them (``/price``), read in this
    transaction: every process prices a new order alike; placed orders keep their lines.
    """
    catalog = catalog.with_prices(await uow.prices.current())
    customer = await uow.customers.get(b.customer_id)
    if customer is None:
        raise DomainError("unknown customer")
    held = await uow.coupons.for_customer(b.customer_id)
    usable = [c for c in held if c.used_order_id is None and c.valid_from <= now < c.valid_until]
    since = now - timedelta(days=rules.membership.spend_window_days)
    paid_before, spend = await uow.orders.customer_stats(b.customer_id, PAID_STATUSES, since)
    level = level_for_spend(spend, rules.membership)
    # the same person with another chat account: the new-customer offers were theirs once
    phone = b.phone or customer.phone
    known = paid_before == 0 and bool(phone)
    if known:
        known = await uow.customers.others_with_phone(b.customer_id, phone) > 0
    if known:
        usable = [c for c in usable if c.reason != WELCOME]

    def request(coupon: Coupon | None) -> QuoteRequest:
        return QuoteRequest(
            selections=b.selections,
            start_at=b.start_at,
            bundle_id=b.bundle_id,
            member_level=level,
            coupon=coupon.terms if coupon else None,
            # a recurring visit is never a first order, even before the first one is paid
            first_order=paid_before == 0 and not known and b.subscription_id is None,
            points=customer.points if b.use_points else 0,
        )

    chosen: Coupon | None = None
    if b.coupon_code:
        chosen = next((c for c in usable if c.code == b.coupon_code), None)
        if chosen is None:
            raise DomainError(N_("优惠券 {coupon_code} 不可用", coupon_code=b.coupon_code))
    fitting: list[tuple[Coupon, Quote]] = []  # each usable coupon this booking meets
    for coupon in usable:
        try:
            fitting.append((coupon, quote(catalog, rules, request(coupon))))
        except DomainError:
            continue
    result = quote(catalog, rules, request(chosen))
    if b.coupon_code is None:  # pick the coupon that saves the most
        for coupon, candidate in fitting:
            if candidate.total_cents < result.total_cents:
                result, chosen = candidate, coupon
    return Priced(customer, result, chosen, [c for c, _ in fitting], customer.points, known)


async def _reachable(uow: UnitOfWork, customer: Customer, phone: str, b: Booking) -> None:
    """Keep the phone number given at this checkout; refuse an order no worker could call
    about (a recurring visit's customer gave theirs with the first order)."""
    if phone:
        customer.phone = phone
        await uow.customers.save(customer)
    if not customer.phone and b.subscription_id is None:
        raise DomainError(N_("请先留下手机号,师傅上门前会用它联系您"))


async def place(
    uow: UnitOfWork,
    catalog: Catalog,
    rules: Rules,
    b: Booking,
    expected_total: int,
    now: datetime,
    provider: str | None,
    *,
    phone: str = "",
    located: Located | None = None,
) -> tuple[Order, Payment | None]:
    """Create the order (awaiting payment) and its pending payment with ``provider``; refuse
    a changed price, and (``PaymentUnavailable``) an order to pay when there is no provider.
    ``phone``, given at a first checkout, is kept on the account (and the new address); an
    account without one is refused — the worker must be able to call before the visit.
    ``located``: where a new address is (geocoded before this transaction), kept with it.
    """
    priced = await price(uow, catalog, rules, b, now)
    await _reachable(uow, priced.customer, phone, b)
    q = priced.quote
    if q.total_cents != expected_total:
        raise DomainError(N_("价格有变化,请确认新的报价"))
    if b.start_at <= now:
        raise DomainError(N_("预约时间已过,请重新选择"))
    due = q.deposit_cents or q.total_cents
    if due and provider is None:
        raise payment_requests.PaymentUnavailable()
    address_id = b.address_id
    if address_id is not None:
        found = await uow.addresses.get(address_id)
        if found is None or found.customer_id != b.customer_id:
            raise DomainError(N_("地址不存在"))
    elif b.address_text:
        address = await uow.addresses.add(new_address(b, priced.customer, located))
        address_id = address.id
    else:
        raise DomainError(N_("请提供服务地址"))
    actor = (
        Actor(ActorKind.SYSTEM, f"recurring:{b.subscription_id}")
        if b.subscription_id is not None
        else Actor(ActorKind.CUSTOMER, str(b.customer_id))
    )
    order = Order.from_quote(
        number=await uow.orders.next_number(),
        customer_id=b.customer_id,
        selections=b.selections,
        quote=q,
        start_at=b.start_at,
        created_at=now,
        channel=b.channel,
        actor=actor,
        lang=b.lang,
        address_id=address_id,
        asap=b.asap,
        notes=b.notes,
        bundle_id=b.bundle_id,
        subscription_id=b.subscription_id,
    )
    if b.subscription_id is None:
        order.hold_reason = await risk_hold(uow, rules, b.customer_id, now)
    order.apply(Action.REQUEST_PAYMENT, actor, now)
    await uow.orders.add(order)
    assert order.id is not None
    if priced.coupon is not None:
        priced.coupon.use(order.id, now)
        await uow.coupons.save(priced.coupon)
    if q.points_used:  # spent once: a checkout elsewhere that spent them first refuses this
        await points.redeem(uow, rules, order, now)
    if due == 0:
        order.apply(Action.PAY, SYSTEM, now, "nothing to pay")
        await uow.orders.save(order, now)
        return order, None
    assert provider is not None
    return order, await payment_requests.pending_payment(uow, order, provider, now, fresh=True)


def new_address(b: Booking, customer: Customer, located: Located | None) -> Address:
    """The booking's typed address with its point: the map pin as sent, else where the
    geocoder put the text (``located``), else none."""
    if located is None and b.location:
        located = Located(GeoPoint(*b.location), source="pin")
    return Address(
        b.customer_id,
        b.address_text,
        customer.name,
        customer.phone,
        located.point if located else None,
        located.district if located else "",
        located.uncertainty_m if located else 0,
        located.source if located else "",
    )


async def risk_hold(uow: UnitOfWork, rules: Rules, customer_id: int, now: datetime) -> str:
    """Why a new order must wait for an admin (many cancellations lately), or ""."""
    risk = rules.risk
    hours = risk.cancellation_window_hours
    cancelled = await uow.orders.cancellations_by_customer(
        customer_id, now - timedelta(hours=hours)
    )
    if cancelled >= risk.cancellations_to_hold:
        return f"{cancelled} cancellations in {hours} h"
    return ""


def terms_for(order: Order, rules: Rules, now: datetime) -> CancellationTerms:
    return cancellation_terms(
        status=order.status,
        paid_cents=order.paid_cents - order.refunded_cents,  # an admin may have refunded some
        deposit_cents=order.deposit_cents,
        start_at=order.start_at,
        now=now,
        rules=rules.cancellation,
    )


async def cancel(
    uow: UnitOfWork,
    order: Order,
    rules: Rules,
    now: datetime,
    expected_fee: int,
    actor: Actor,
    note: str = "",
) -> CancellationTerms:
    """Cancel under the policy: the fee becomes revenue, the rest is refunded (pending until
    each provider confirms), the coupon and points come back when there is no fee, and open
    payment requests are closed (money landing on them later goes back)."""
    terms = terms_for(order, rules, now)
    if terms.fee_cents != expected_fee:
        raise DomainError(N_("取消费用已变化,请重新确认"))
    assert order.id is not None
    await uow.orders.lock(order.id)
    order.apply(Action.CANCEL, actor, now, note or terms.reason.get("en"))
    await uow.offers.close_others(order.id, None, OfferStatus.WITHDRAWN, now)
    await payment_requests.close_requests(uow, order.id, now)
    if terms.fee_cents:
        await uow.ledger.post(fee_kept(order.id, order.number, terms.fee_cents, now))
    if terms.refund_cents:
        await payment_requests.plan_refunds(uow, order, terms.refund_cents, now, "cancellation")
    if order.coupon_code:
        coupon = await uow.coupons.by_code(order.coupon_code)
        if coupon is not None and coupon.used_order_id == order.id and terms.fee_cents == 0:
            coupon.used_order_id, coupon.used_at = None, None
            await uow.coupons.save(coupon)
    if order.points_used and terms.fee_cents == 0:
        await points.give_back(uow, rules, order, now)
    elif order.points_used:
        await points.forfeit(uow, order, now)
    await uow.orders.save(order, now)
    return terms


UNPAID = Actor(ActorKind.SYSTEM, "unpaid")
"""Who cancels an order not paid in time (not the customer: it is no risk-rule cancellation)."""


async def expire_unpaid(
    uow: UnitOfWork, rules: Rules, order_id: int, now: datetime
) -> Order | None:
    """Cancel the order if it is still awaiting payment past its pay-by time: the coupon and
    points come back and its payment requests close. None when it is not (or no longer) due:
    the order's lock, then its status read again and a versioned save, make one transaction
    of several processes' act on it."""
    await uow.orders.lock(order_id)
    order = await uow.orders.get(order_id, full=False)
    if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
        return None
    deadline = pay_by(order, rules.payments)
    if deadline > now:
        return None
    minutes = int((deadline - order.created_at).total_seconds()) // 60
    await cancel(uow, order, rules, now, 0, UNPAID, f"not paid within {minutes} min")
    return order
