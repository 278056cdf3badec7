"""The itemised quote: every rule of DESIGN §4 pricing, one line per rule that applies.

Steps, in this fixed order (each percentage rounded half up to the fen, see ``money``):

1. per item: base = unit price × quantity; options; over-area surcharge per *started* block
   beyond the included area; high-altitude work.                      → service subtotal S
2. night service (start in the night window, business time; never a placement): + S × night rate
3. bundle: − (bundled items' service value − that value × bundle price rate)
4. prepaid card (one visit: one item's base line, or up to the card's units per visit) and
   free hours bought with points
5. member discount on the running total
6. transport subsidy: per started km beyond the free distance (never discounted)
7. one coupon (threshold checked on the running total), 8. first-order discount,
9. points as cash (whole yuan only).
Every deduction is capped at the running total, so the total is never below zero. A coupon
that the rules say does not stack with the first-order discount (or with points) is priced
both ways and the lower total kept (``Quote.instead`` says which offer was left out).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.catalog import Catalog, Item, PaymentMode, Unit, counted
from domain.errors import QuoteError
from domain.money import FULL, apply_rate, format_percent, format_yuan
from domain.quote_kinds import CouponKind as CouponKind  # re-exported: the quote's vocabulary
from domain.quote_kinds import LineKind as LineKind
from domain.rules import MemberLevel, PricingRules, Rules
from domain.text import N_, Phrase, counting


@dataclass(frozen=True, slots=True)
class QuoteLine:
    kind: LineKind
    label: Phrase
    """Written out in both languages when an order is made of the quote (``Order.create``):
    the order keeps it as it was quoted; a preview shows it in the reader's language only."""
    amount_cents: int
    item_id: str | None = None


@dataclass(frozen=True, slots=True)
class Selection:
    """One item as the customer chose it."""

    item_id: str
    quantity: int
    area_sqm: int | None = None
    option_ids: tuple[str, ...] = ()
    high_altitude: bool = False


@dataclass(frozen=True, slots=True)
class CouponTerms:
    """What a coupon takes off; validity and ownership are checked before pricing."""

    code: str
    kind: CouponKind
    amount_cents: int = 0
    off_bp: int = 0
    threshold_cents: int = 0
    max_off_cents: int | None = None
    promo: str = ""
    """The promo code the customer typed when this coupon is a use of one ("TEST30"; its own
    ``code`` is internal): how a refusal names it. Empty for a coupon given."""


@dataclass(frozen=True, slots=True)
class PrepaidCard:
    """A visit card (e.g. 12 visits + 2 free) for some items."""

    card_id: int
    item_ids: tuple[str, ...]
    visits_left: int
    units_per_visit: int = 0
    """Units of the item one visit pays (e.g. 2 hours); 0: the whole base line."""


@dataclass(frozen=True)
class QuoteRequest:
    selections: tuple[Selection, ...]
    start_at: datetime
    bundle_id: str | None = None
    transport_distance_m: int = 0
    member_level: MemberLevel = MemberLevel.REGULAR
    coupon: CouponTerms | None = None
    first_order: bool = False
    points: int = 0
    free_hours: int = 0
    prepaid: PrepaidCard | None = None


@dataclass(frozen=True)
class Quote:
    lines: tuple[QuoteLine, ...]
    total_cents: int
    deposit_cents: int
    points_used: int = 0
    visits_used: int = 0
    duration_minutes: int = 0
    coupon_code: str | None = None
    extras: dict[str, int] = field(default_factory=dict)
    instead: tuple[LineKind, LineKind] | None = None
    """(applied, left out): two offers the rules do not stack, the better one applied."""

    @property
    def balance_cents(self) -> int:
        """What is due after the deposit (0 for full prepay)."""
        return self.total_cents - self.deposit_cents


def is_night(start_at: datetime, rules: PricingRules, tz: ZoneInfo) -> bool:
    """True when the start time falls in the night window, in business time."""
    if start_at.tzinfo is None:
        raise QuoteError("start time must carry a timezone")
    local = start_at.astimezone(tz).time()
    if rules.night_start <= rules.night_end:
        return rules.night_start <= local < rules.night_end
    return local >= rules.night_start or local < rules.night_end


class _Builder:
    def __init__(self) -> None:
        self.lines: list[QuoteLine] = []

    @property
    def total(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    def add(self, kind: LineKind, label: Phrase, cents: int, item_id: str | None = None) -> None:
        if cents:
            self.lines.append(QuoteLine(kind, label, cents, item_id))

    def deduct(self, kind: LineKind, label: Phrase, cents: int) -> int:
        """Add a deduction capped at the running total; return what was deducted."""
        applied = min(cents, self.total)
        self.add(kind, label, -applied)
        return applied


def quote(catalog: Catalog, rules: Rules, req: QuoteRequest) -> Quote:
    """Price a booking. Raises QuoteError when the request does not fit the catalog (or the
    coupon's threshold is not met). Offers that do not stack: the better one (ties: without
    the coupon, which the customer keeps)."""
    c = rules.coupons
    if req.coupon is not None:
        rival = (
            LineKind.FIRST_ORDER
            if req.first_order and not c.stacks_with_first_order
            else LineKind.POINTS
            if req.points and not c.stacks_with_points
            else None
        )
        if rival is not None:
            off = {"first_order": False} if rival == LineKind.FIRST_ORDER else {"points": 0}
            with_coupon = _quote(catalog, rules, replace(req, **off))
            without = _quote(catalog, rules, replace(req, coupon=None))
            if with_coupon.total_cents < without.total_cents:
                vied = rival == LineKind.FIRST_ORDER or without.points_used > 0
                return replace(with_coupon, instead=(LineKind.COUPON, rival) if vied else None)
            return replace(without, instead=(rival, LineKind.COUPON))
    return _quote(catalog, rules, req)


def _quote(catalog: Catalog, rules: Rules, req: QuoteRequest) -> Quote:
    if not req.selections:
        raise QuoteError("nothing to price")
    pr = rules.pricing
    b = _Builder()
    values: dict[str, int] = {}
    items: list[Item] = []
    minutes, placement = 0, False
    tz = ZoneInfo(rules.timezone)
    for sel in req.selections:
        item = catalog.item(sel.item_id)
        items.append(item)
        values[item.id] = _service_lines(b, item, sel, pr)
        period = item.period(sel.quantity, req.start_at, rules.placements, tz)
        # a placement takes the worker for its whole period, every day of it
        minutes += period.minutes if period else item.duration_minutes(sel.quantity)
        placement = placement or period is not None
    subtotal = b.total

    # a contract's days are priced by the day whenever it starts: no night service for it
    if not placement and is_night(req.start_at, pr, tz):
        pct = format_percent(pr.night_surcharge_bp)
        b.add(
            LineKind.NIGHT,
            N_("夜间服务 +{pct}", pct=pct),
            apply_rate(subtotal, pr.night_surcharge_bp),
        )

    if req.bundle_id is not None:
        bundle = catalog.bundle(req.bundle_id)
        missing = set(bundle.item_ids) - set(values)
        if missing:
            raise QuoteError(f"bundle {bundle.id} also needs {', '.join(sorted(missing))}")
        value = sum(values[i] for i in bundle.item_ids)
        off = value - apply_rate(value, bundle.price_bp)
        b.deduct(LineKind.BUNDLE, N_("套餐优惠:{name}", name=bundle.name), off)

    visits_used = _prepaid(b, catalog, req)
    points_used = _free_hours(b, items, req, pr)

    member_bp = pr.member_price_bp.get(req.member_level, FULL)
    if member_bp < FULL:
        running = b.total
        pct = format_percent(FULL - member_bp)
        b.deduct(
            LineKind.MEMBER,
            N_("会员折扣 -{pct}", pct=pct),
            running - apply_rate(running, member_bp),
        )

    beyond_m = req.transport_distance_m - pr.transport_free_km * 1000
    if beyond_m > 0:
        km = -(-beyond_m // 1000)
        b.add(
            LineKind.TRANSPORT,
            N_("交通补贴 {km} 公里", km=km),
            km * pr.transport_cents_per_km,
        )

    if req.coupon is not None:
        _coupon(b, req.coupon)
    if req.first_order:
        b.deduct(
            LineKind.FIRST_ORDER,
            N_("新客首单立减"),
            pr.first_order_discount_cents,
        )
    points_used += _points_cash(b, req.points - points_used, pr)

    total = b.total
    deposit = 0
    deposit_items = [it for it in items if it.payment_mode == PaymentMode.DEPOSIT]
    if deposit_items:
        deposit = apply_rate(total, max(it.deposit_bp for it in deposit_items))
    return Quote(
        lines=tuple(b.lines),
        total_cents=total,
        deposit_cents=deposit,
        points_used=points_used,
        visits_used=visits_used,
        duration_minutes=minutes,
        coupon_code=req.coupon.code if req.coupon else None,
    )


def _service_lines(b: _Builder, item: Item, sel: Selection, pr: PricingRules) -> int:
    item.check_quantity(sel.quantity)
    start = b.total
    unit, price = counted(item.unit, sel.quantity), format_yuan(item.unit_price_cents)
    b.add(
        LineKind.BASE,
        N_(
            "{name} {quantity} {unit} × {price}",
            quantity=sel.quantity,
            price=price,
            name=item.name,
            unit=unit,
        ),
        item.unit_price_cents * sel.quantity,
        item.id,
    )
    for option_id in dict.fromkeys(sel.option_ids):
        opt = item.option(option_id)
        times = sel.quantity if opt.per_unit else 1
        b.add(LineKind.OPTION, opt.name, opt.price_cents * times, item.id)
    if item.included_area_sqm is not None and sel.area_sqm is not None:
        if sel.area_sqm <= 0:
            raise QuoteError("area must be a positive number of m²")
        over = sel.area_sqm - item.included_area_sqm
        if over > 0:
            blocks = -(-over // pr.over_area_block_sqm)
            b.add(
                LineKind.OVER_AREA,
                N_(
                    "超面积 {over}㎡(含 {included_area_sqm}㎡)",
                    over=over,
                    included_area_sqm=item.included_area_sqm,
                ),
                blocks * pr.over_area_block_cents,
                item.id,
            )
    if sel.high_altitude:
        if not item.high_altitude:
            raise QuoteError(f"{item.id} does not include high-altitude work")
        b.add(
            LineKind.HIGH_ALTITUDE,
            N_("高空作业"),
            pr.high_altitude_cents,
            item.id,
        )
    return b.total - start


def _prepaid(b: _Builder, catalog: Catalog, req: QuoteRequest) -> int:
    card = req.prepaid
    if card is None:
        return 0
    for sel in req.selections:
        if sel.item_id in card.item_ids:
            if card.visits_left < 1:
                raise QuoteError("the prepaid card has no visits left")
            item = catalog.item(sel.item_id)
            units = sel.quantity
            if card.units_per_visit:
                units = min(units, card.units_per_visit)
            b.deduct(LineKind.PREPAID, N_("次卡抵扣 1 次"), item.unit_price_cents * units)
            return 1
    raise QuoteError("the prepaid card does not cover this service")


def _free_hours(b: _Builder, items: list[Item], req: QuoteRequest, pr: PricingRules) -> int:
    if req.free_hours <= 0:
        return 0
    eligible = [it for it in items if it.unit == Unit.HOUR and it.skill in pr.free_hour_skills]
    if not eligible:
        raise QuoteError("free hours can only be used on hourly cleaning")
    needed = req.free_hours * pr.points_per_free_hour
    if needed > req.points:
        raise QuoteError(f"{req.free_hours} free hour(s) need {needed} points")
    item = eligible[0]
    quantity = next(s.quantity for s in req.selections if s.item_id == item.id)
    hours = min(req.free_hours, quantity)
    b.deduct(
        LineKind.FREE_HOURS,
        counting("积分兑换 {hours} 小时", "积分兑换 {hours} 小时", hours, hours=hours),
        item.unit_price_cents * hours,
    )
    return hours * pr.points_per_free_hour


def _coupon(b: _Builder, coupon: CouponTerms) -> None:
    running = b.total
    if running < coupon.threshold_cents:
        over = format_yuan(coupon.threshold_cents)
        raise QuoteError(
            N_("优惠码 {code} 需满 {over} 可用", code=coupon.promo, over=over)
            if coupon.promo
            else N_("这张优惠券需满 {over} 可用", over=over)
        )
    if coupon.kind == CouponKind.FIXED:
        off = coupon.amount_cents
        text = (
            N_(
                "优惠券 满{over}减{off}",
                over=coupon.threshold_cents // 100,
                off=coupon.amount_cents // 100,
            )
            if coupon.threshold_cents
            else N_("优惠券 立减{off}", off=format_yuan(coupon.amount_cents))
        )
    else:
        off = running - apply_rate(running, FULL - coupon.off_bp)
        if coupon.max_off_cents is not None:
            off = min(off, coupon.max_off_cents)
        text = N_("优惠券 {off} off", off=format_percent(coupon.off_bp))
    b.deduct(LineKind.COUPON, text, off)


def _points_cash(b: _Builder, points: int, pr: PricingRules) -> int:
    if points < pr.points_per_yuan:
        return 0
    yuan = min(points // pr.points_per_yuan, b.total // 100)
    if yuan <= 0:
        return 0
    b.deduct(
        LineKind.POINTS,
        counting(
            "积分抵扣 {yuan} 分",
            "积分抵扣 {yuan} 分",
            yuan * pr.points_per_yuan,
            yuan=yuan * pr.points_per_yuan,
        ),
        yuan * 100,
    )
    return yuan * pr.points_per_yuan
