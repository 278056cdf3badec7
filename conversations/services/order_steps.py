"""Pricing and placing orders for a customer, inside one unit of work (cancelling them:
``cancellations``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from conversations.services import (
    card_visits,
    payment_requests,
    placements,
    points,
    promos,
    visit_codes,
)
from conversations.services.policy_requests import request_policy
from domain.cards import Card, pick
from domain.catalog import Catalog, Unit
from domain.commands import Booking
from domain.coupons import WELCOME, Coupon
from domain.errors import DomainError
from domain.geo import Located
from domain.lifecycle import Action, ActorKind
from domain.membership import PAID_STATUSES, Standing, standing
from domain.orders import SYSTEM, Actor, Order
from domain.payments import Payment
from domain.people import Address, Customer, GeoPoint, same_address
from domain.ports import Reads, UnitOfWork
from domain.preferred import Served, choosable
from domain.pricing import PrepaidCard, Quote, QuoteRequest, quote
from domain.rules import Rules
from domain.text import N_
from domain.timeline_notes import nothing_to_pay_note


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
    free_hour_points: int = 0
    """The points one free hour of the booking costs, when one can be had (0: not)."""
    free_hours: int = 0
    """The hours the quote pays with points."""
    card: Card | None = None
    """The prepaid card the quote uses a visit of (or could, had the customer not said no)."""
    cancelled: int = 0
    """Orders the customer cancelled themselves within the risk rule's window."""
    addresses: tuple[Address, ...] = ()
    """The customer's saved addresses, newest first (a typed one is not saved twice)."""
    workers: tuple[Served, ...] = ()
    """The workers who served the customer and could take this booking, most recent first:
    those they may choose as their preferred worker."""
    preferred: Served | None = None
    """The booking's preferred worker, while one of ``workers`` (else none)."""


def free_hour_points(catalog: Catalog, rules: Rules, b: Booking, held: int) -> int:
    """What an hour of the booking costs in points where the catalog allows one — an hourly
    item of ``pricing.free_hour_skills`` — and the customer holds them (else 0)."""
    pr = rules.pricing
    items = [catalog.item(s.item_id) for s in b.selections]
    allowed = any(it.unit == Unit.HOUR and it.skill in pr.free_hour_skills for it in items)
    return pr.points_per_free_hour if allowed and held >= pr.points_per_free_hour else 0


def _points_asked(rules: Rules, b: Booking, held: int, offer: int) -> tuple[int, int]:
    """(points the quote may spend, free hours): all the points held when they pay as cash,
    else those of the free hours; no free hour where none is ``offer``ed or when the
    customer holds too few now (spent elsewhere since: the new total says so, and placing at
    the old one is refused)."""
    needed = b.free_hours * rules.pricing.points_per_free_hour
    hours = b.free_hours if offer and needed <= held else 0
    return (held if b.use_points else hours * rules.pricing.points_per_free_hour), hours


async def price(uow: Reads, catalog: Catalog, rules: Rules, b: Booking, now: datetime) -> Priced:
    """The quote for a booking with everything the customer is entitled to, checked now.
    Prices are the catalog's as admins last changed them (``/price``), as of this
    transaction (their number of changes read in it): every process prices a new order
    alike; placed orders keep their lines."""
    since = now - timedelta(days=rules.membership.spend_window_days)
    cancelled_since = now - timedelta(hours=rules.risk.cancellation_window_hours)
    # with their order stats, other accounts of the number, cancellations, coupons, cards
    facts = await uow.customers.for_checkout(
        b.customer_id, PAID_STATUSES, since, b.phone, cancelled_since
    )
    if facts is None:
        raise DomainError("unknown customer")
    catalog = catalog.with_prices(await uow.prices.current(facts.price_changes))
    customer, paid_before = facts.customer, facts.orders_counted
    held = list(facts.coupons)
    usable = [c for c in held if c.used_order_id is None and c.valid_from <= now < c.valid_until]
    told = Standing(customer.member_level, customer.member_level_until)
    level = standing(told, facts.spend, now, rules.membership).level  # as 我的 shows it
    # the same person with another chat account: the new-customer offers were theirs once
    phone = b.phone or customer.phone
    known = paid_before == 0 and bool(phone) and facts.others_with_phone > 0
    if known:
        usable = [c for c in usable if c.reason != WELCOME]
    offer = free_hour_points(catalog, rules, b, customer.points)
    asked, free_hours = _points_asked(rules, b, customer.points, offer)

    items = tuple(s.item_id for s in b.selections)
    card = pick(list(facts.cards), items, now)
    prepaid = (
        PrepaidCard(card.id or 0, card.item_ids, card.visits_left, card.units_per_visit)
        if card and b.use_card
        else None
    )

    def request(coupon: Coupon | None) -> QuoteRequest:
        return QuoteRequest(
            selections=b.selections,
            start_at=b.start_at,
            bundle_id=b.bundle_id,
            member_level=level,
            coupon=coupon.terms if coupon else None,
            # a recurring visit is never a first order, even before the first one is paid
            first_order=paid_before == 0 and not known and b.subscription_id is None,
            points=asked,
            free_hours=free_hours,
            prepaid=prepaid,
        )

    chosen = await _chosen(uow, b, b.phone or customer.phone, held, usable, now)
    fitting: list[tuple[Coupon, Quote]] = []  # each usable coupon this booking meets
    for coupon in usable:
        try:
            fitting.append((coupon, quote(catalog, rules, request(coupon))))
        except DomainError:
            continue
    result = quote(catalog, rules, request(chosen))
    if b.coupon_code is None:
        result, chosen = _best(result, fitting)
    if result.coupon_code is None:  # the rules took another offer instead of it
        chosen = None
    fits = [c for c, _ in fitting]
    workers = _choosable(catalog, b, facts.served, result)
    return Priced(
        customer,
        result,
        chosen,
        fits,
        customer.points,
        known,
        free_hour_points=offer,
        free_hours=free_hours,
        card=card,
        cancelled=facts.cancelled,
        addresses=facts.addresses,
        workers=workers,
        preferred=next((w for w in workers if w.worker_id == b.preferred_worker_id), None),
    )


def _choosable(
    catalog: Catalog, b: Booking, served: Sequence[Served], q: Quote
) -> tuple[Served, ...]:
    """The workers who served the customer that could take the booking as dispatch judges
    it: its (first) item's skill and documents, valid to the job's end."""
    item = catalog.item(b.selections[0].item_id)
    last_day = (b.start_at + timedelta(minutes=q.duration_minutes)).date()
    return choosable(served, item.skill, item.certificates, last_day)


def _best(result: Quote, fitting: list[tuple[Coupon, Quote]]) -> tuple[Quote, Coupon | None]:
    """The coupon that saves the most, if any beats ``result`` (priced without one); at the
    same total, a quote that says a coupon gave way to another offer (the customer sees why
    their coupon is not applied)."""
    chosen: Coupon | None = None
    for coupon, candidate in fitting:
        if candidate.total_cents < result.total_cents or (
            candidate.total_cents == result.total_cents and candidate.instead and not chosen
        ):
            result, chosen = candidate, coupon
    return result, chosen


async def _chosen(
    uow: Reads, b: Booking, phone: str, held: list[Coupon], usable: list[Coupon], now: datetime
) -> Coupon | None:
    """The coupon the customer chose: one they hold, or a promo code they typed."""
    if not b.coupon_code:
        return None
    chosen = next((c for c in usable if c.code == b.coupon_code), None)
    return chosen or await promos.typed(uow, b.coupon_code, b.customer_id, phone, held, now)


async def _reachable(uow: UnitOfWork, customer: Customer, phone: str, b: Booking) -> None:
    """Keep the phone number given at this checkout; refuse an order no worker could call
    about (a recurring visit's customer gave theirs with the first order)."""
    if phone:
        customer.phone = phone
        await uow.customers.save(customer)
    if not customer.phone and b.subscription_id is None:
        raise DomainError(N_("请先留下手机号,师傅上门前会用它联系您"))


def saved_address(saved: Sequence[Address], address_id: int) -> Address | None:
    """The customer's own saved address ``address_id`` among ``saved`` (theirs, read with the
    checkout's facts): another customer's id is none."""
    return next((a for a in saved if a.id == address_id), None)


async def _address_id(
    uow: UnitOfWork,
    b: Booking,
    customer: Customer,
    located: Located | None,
    saved: Sequence[Address],
) -> int | None:
    """The booking's saved address (the customer's own), or its typed one: one of theirs
    when it is the same again (``same_address``), else saved now with where it is
    (``located``). Addresses are sealed at rest: the customer's few (``saved``, read with
    the checkout's facts) are compared opened."""
    if b.address_id is not None:
        if saved_address(saved, b.address_id) is None:
            raise DomainError(N_("地址不存在"))
        return b.address_id
    if not b.address_text:
        raise DomainError(N_("请提供服务地址"))
    if (again := known_address(b, customer, located, saved)) is not None:
        return again.id
    address = await uow.addresses.add(new_address(b, customer, located))
    return address.id


def known_address(
    b: Booking, customer: Customer, located: Located | None, saved: Sequence[Address]
) -> Address | None:
    """The saved address the booking's is: the one chosen, or the customer's own that the
    typed text is again (``same_address``); None for a new one (or an id not theirs)."""
    if b.address_id is not None:
        return saved_address(saved, b.address_id)
    if not b.address_text:
        return None
    typed = new_address(b, customer, located)
    return next((a for a in saved if same_address(a, typed)), None)


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
    account without one is refused — the worker must be able to call before the visit. It is
    priced as the booking's own: a number another account holds takes the new-customer
    offers away whichever of the two carries it.
    ``located``: where a new address is (geocoded before this transaction), kept with it.
    """
    if phone and not b.phone:
        b = replace(b, phone=phone)
    priced = await price(uow, catalog, rules, b, now)
    await _reachable(uow, priced.customer, phone, b)
    q = priced.quote
    _same_price(priced, expected_total, phone)
    if b.start_at <= now:
        raise DomainError(N_("预约时间已过,请重新选择"))
    due = q.deposit_cents or q.total_cents
    if due and provider is None:
        raise payment_requests.PaymentUnavailable()
    coupon = priced.coupon
    if coupon is not None and coupon.id is None:  # a promo code's next use: claimed now
        coupon = await promos.claim(uow, coupon, priced.customer.phone, now)
        q = replace(q, coupon_code=coupon.code)
    address_id = await _address_id(uow, b, priced.customer, located, priced.addresses)
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
        preferred_worker_id=priced.preferred.worker_id if priced.preferred else None,
    )
    order.visit_code = visit_codes.new_visit_code(rules)
    if b.subscription_id is None:
        order.hold_reason = hold_reason(rules, priced.cancelled)
    order.apply(Action.REQUEST_PAYMENT, actor, now)
    # its payment request goes in with it (one statement on PostgreSQL)
    payment = payment_requests.new_request(order, provider, now, 0) if due and provider else None
    await uow.orders.add(order, payment)
    assert order.id is not None
    await placements.keep(uow, catalog, rules, order, now)
    if coupon is not None and not await uow.coupons.claim(coupon, order.id, now):
        raise DomainError(N_("优惠券已被另一笔订单使用,请确认新的报价"))
    if q.points_used:  # spent once: a checkout elsewhere that spent them first refuses this
        await points.redeem(uow, rules, order, now)
    if q.visits_used and priced.card is not None and priced.card.id is not None:
        # under the card's lock: a checkout elsewhere that took its last visit refuses this
        item = next(s.item_id for s in b.selections if s.item_id in priced.card.item_ids)
        await card_visits.take_visit(uow, priced.card.id, order, item, now)
    if due == 0:
        order.apply(Action.PAY, SYSTEM, now, nothing_to_pay_note())
        await uow.orders.save(order, now)
        await request_policy(uow, order, catalog, rules.payments, now)
        return order, None
    return order, payment


def _same_price(priced: Priced, expected_total: int, phone: str) -> None:
    """Refuse an order whose price changed since the customer saw it (and say why, when it
    is the number just given: another account's, so no new-customer offers)."""
    if priced.quote.total_cents == expected_total:
        return
    if priced.known_phone and phone:
        raise DomainError(N_("这个手机号已有到家账户,新客优惠不再适用:价格有变化,请确认新的报价"))
    raise DomainError(N_("价格有变化,请确认新的报价"))


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
    since = now - timedelta(hours=rules.risk.cancellation_window_hours)
    return hold_reason(rules, await uow.orders.cancellations_by_customer(customer_id, since))


def hold_reason(rules: Rules, cancelled: int) -> str:
    """``risk_hold``'s answer for ``cancelled`` cancellations within the rule's window."""
    risk = rules.risk
    if cancelled >= risk.cancellations_to_hold:
        return f"{cancelled} cancellations in {risk.cancellation_window_hours} h"
    return ""
