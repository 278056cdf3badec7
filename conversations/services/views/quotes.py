"""What a customer is quoted before booking (``PreviewQuote``): the itemised price with the
coupons, points and prepaid card they may use, when and how long, and the workers who served
them that they may choose as their preferred worker.

A query function (cosmicpython ``views.py``; see ``views.customer``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from conversations.results.booking import CouponChoice, QuoteLineView, QuoteReady, WorkerChoice
from conversations.services import order_steps
from conversations.services.notices import t
from conversations.services.views import placements as placement_views
from domain.catalog import Catalog
from domain.commands import Booking
from domain.coupons import Coupon, takes_off
from domain.moments import When, format_when
from domain.ports import Reads
from domain.preferred import Served
from domain.queries import PreviewQuote
from domain.rules import Rules
from domain.text import N_, Bilingual, bilingual


async def quote(
    uow: Reads,
    q: PreviewQuote,
    *,
    catalog: Catalog,
    rules: Rules,
    clock: Callable[[], datetime],
    tz: ZoneInfo,
) -> QuoteReady:
    """The itemised quote for the booking, with the coupons and points the customer holds."""
    now = clock()
    priced = await order_steps.price(uow, catalog, rules, q.booking, now)
    x = priced.quote
    address = q.booking.address_text
    if q.booking.address_id is not None:  # the customer's own, read with the quote's facts
        saved = order_steps.saved_address(priced.addresses, q.booking.address_id)
        address = saved.text if saved is not None else address
    return QuoteReady(
        lines=tuple(QuoteLineView(line.label, line.amount_cents) for line in x.lines),
        total_cents=x.total_cents,
        deposit_cents=x.deposit_cents,
        coupon_code=priced.coupon.code if priced.coupon else None,
        coupons=tuple(_coupon_view(c, now.astimezone(tz).date(), tz) for c in priced.usable),
        points_available=priced.points_available,
        use_points=q.booking.use_points,
        summary=Bilingual(
            _summary(q.booking, catalog, rules, tz, "zh", now),
            _summary(q.booking, catalog, rules, tz, "en", now),
        ),
        address=address,
        periods=placement_views.periods(q.booking, catalog, rules, tz, x.total_cents),
        phone_needed=not priced.customer.phone,
        known_phone=priced.known_phone,
        free_hour_points=priced.free_hour_points,
        free_hours=priced.free_hours,
        instead=(x.instead[0].value, x.instead[1].value) if x.instead else None,
        card=priced.card.name if priced.card else None,
        use_card=x.visits_used > 0,
        workers=tuple(_worker_choice(w) for w in priced.workers),
        preferred=_worker_choice(priced.preferred) if priced.preferred else None,
        repeating=q.weekly and await _repeating(uow, q.booking, priced, tz),
    )


async def _repeating(uow: Reads, b: Booking, priced: order_steps.Priced, tz: ZoneInfo) -> bool:
    """Whether the customer has this booking repeating every week at its weekday and time
    already: the recurring booking its order would set up (``Subscribe``), found as that
    command finds it — the same service and options, at the same saved address."""
    address = order_steps.known_address(b, priced.customer, None, priced.addresses)
    if address is None:  # a new address: nothing repeats there yet
        return False
    local = b.start_at.astimezone(tz)
    at = time(local.hour, local.minute)
    return any(
        sub.repeats(b.selections, address.id, local.weekday(), at)
        for sub in await uow.subscriptions.for_customer(b.customer_id)
    )


def _worker_choice(w: Served) -> WorkerChoice:
    return WorkerChoice(w.worker_id, w.name, w.rating_x100, w.reviews)


def _summary(
    b: Booking, catalog: Catalog, rules: Rules, tz: ZoneInfo, lang: str, now: datetime
) -> str:
    today = now.astimezone(tz).date()
    first = b.selections[0]
    period = catalog.item(first.item_id).period(first.quantity, b.start_at, rules.placements, tz)
    if period is not None:
        return placement_views.placement_text(period, tz, lang, today)
    minutes = sum(catalog.item(s.item_id).duration_minutes(s.quantity) for s in b.selections)
    h, m = divmod(minutes, 60)
    took = t(lang, "{h} 小时 {m} 分钟", h=h, m=m) if m else t(lang, "{h} 小时", h=h)
    when = format_when(b.start_at.astimezone(tz), lang, today)  # 12月9日 周三 14:00
    if b.asap:
        return t(lang, "尽快上门,约 {when},预计 {took}", when=when, took=took)
    return t(lang, "{when},预计 {took}", when=when, took=took)


def _coupon_view(coupon: Coupon, today: date, tz: ZoneInfo) -> CouponChoice:
    """A coupon to pick, with its last day (its year too when far off)."""
    last = When(coupon.valid_until.astimezone(tz).date(), today)
    until = N_("{what}(至{until})", what=takes_off(coupon.terms), until=last)
    return CouponChoice(coupon.code, bilingual(until))
