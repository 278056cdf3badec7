"""Every pricing rule with hand-checked numbers (demo catalog, default rules)."""

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import QuoteError
from domain.pricing import (
    CouponKind,
    CouponTerms,
    LineKind,
    PrepaidCard,
    QuoteRequest,
    Selection,
    quote,
)
from domain.rules import MemberLevel
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
SH = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 12, 5, 9, 0, tzinfo=SH)
NIGHT = datetime(2026, 12, 5, 23, 0, tzinfo=SH)
MAN100_JIAN20 = CouponTerms("M100J20", CouponKind.FIXED, amount_cents=2000, threshold_cents=10000)


def price(*selections, start_at=DAY, **kw):
    return quote(CATALOG, RULES, QuoteRequest(tuple(selections), start_at, **kw))


def amounts(q):
    return {line.kind: line.amount_cents for line in q.lines}


def test_the_design_example_night_cleaning_for_a_gold_member_with_a_coupon():
    # 3 h daily cleaning of 100 m² at 23:00 for a gold member with 满100减20:
    # base 3 × ¥40 = ¥120; 20 m² beyond the 80 included = 2 started blocks × ¥10 = ¥20;
    # subtotal ¥140; night +30% = ¥42 → ¥182; gold pays 90% = ¥163.80 (−¥18.20);
    # coupon −¥20 → ¥143.80.
    q = price(
        Selection("daily_cleaning", 3, area_sqm=100),
        start_at=NIGHT,
        member_level=MemberLevel.GOLD,
        coupon=MAN100_JIAN20,
    )
    assert amounts(q) == {
        LineKind.BASE: 12000,
        LineKind.OVER_AREA: 2000,
        LineKind.NIGHT: 4200,
        LineKind.MEMBER: -1820,
        LineKind.COUPON: -2000,
    }
    assert q.total_cents == 14380
    assert q.total_cents == sum(line.amount_cents for line in q.lines)
    assert q.duration_minutes == 180


def test_over_area_counts_started_blocks_only_beyond_the_included_area():
    assert LineKind.OVER_AREA not in amounts(price(Selection("daily_cleaning", 2, area_sqm=80)))
    assert amounts(price(Selection("daily_cleaning", 2, area_sqm=81)))[LineKind.OVER_AREA] == 1000
    assert amounts(price(Selection("daily_cleaning", 2, area_sqm=90)))[LineKind.OVER_AREA] == 1000
    assert amounts(price(Selection("daily_cleaning", 2, area_sqm=91)))[LineKind.OVER_AREA] == 2000


def test_high_altitude_adds_fifty_yuan_and_deposit_is_thirty_percent():
    q = price(Selection("deep_cleaning", 95, high_altitude=True))
    assert amounts(q) == {LineKind.BASE: 76000, LineKind.HIGH_ALTITUDE: 5000}
    assert q.total_cents == 81000
    assert q.deposit_cents == 24300
    assert q.balance_cents == 56700


def test_high_altitude_is_refused_for_items_that_do_not_offer_it():
    with pytest.raises(QuoteError, match="high-altitude"):
        price(Selection("daily_cleaning", 2, high_altitude=True))


@pytest.mark.parametrize(
    ("hour", "minute", "night"),
    [
        (21, 59, False),
        (22, 0, True),
        (23, 30, True),
        (0, 0, True),
        (5, 59, True),
        (6, 0, False),
    ],
)
def test_night_window_is_22_to_6_business_time(hour, minute, night):
    start = datetime(2026, 12, 5, hour, minute, tzinfo=SH)
    assert (
        LineKind.NIGHT in amounts(price(Selection("daily_cleaning", 2), start_at=start))
    ) is night


def test_night_is_judged_in_business_time_whatever_the_input_zone():
    start = datetime(2026, 12, 5, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai
    assert amounts(price(Selection("daily_cleaning", 2), start_at=start))[LineKind.NIGHT] == 2400


def test_a_placement_starting_at_night_is_priced_by_the_day_without_the_night_surcharge():
    # a 60-day live-in nanny whose contract begins at 22:00 ("as soon as possible" in the
    # evening) is 60 days at the day rate, not 60 days plus 30% for a night visit
    q = price(Selection("live_in_nanny", 60), start_at=NIGHT)
    assert LineKind.NIGHT not in amounts(q)
    assert q.total_cents == 60 * 26000


def test_transport_subsidy_is_per_started_km_beyond_five():
    assert LineKind.TRANSPORT not in amounts(
        price(Selection("daily_cleaning", 2), transport_distance_m=5000)
    )
    q = price(Selection("daily_cleaning", 2), transport_distance_m=7300)
    assert amounts(q)[LineKind.TRANSPORT] == 600  # 2.3 km beyond → 3 km × ¥2
    assert q.total_cents == 8600


def test_bundle_sells_its_items_at_eighty_percent():
    q = price(
        Selection("daily_cleaning", 2),
        Selection("range_hood_cleaning", 1),
        bundle_id="kitchen_refresh",
    )
    assert amounts(q)[LineKind.BUNDLE] == -4600  # (¥80 + ¥150) × 20%
    assert q.total_cents == 18400


def test_bundle_needs_all_its_items():
    with pytest.raises(QuoteError, match="range_hood_cleaning"):
        price(Selection("daily_cleaning", 2), bundle_id="kitchen_refresh")


@pytest.mark.parametrize(
    ("level", "total"),
    [
        (MemberLevel.REGULAR, 16000),
        (MemberLevel.SILVER, 15200),
        (MemberLevel.GOLD, 14400),
        (MemberLevel.DIAMOND, 13600),
    ],
)
def test_member_discounts(level, total):
    assert price(Selection("daily_cleaning", 4), member_level=level).total_cents == total


def test_percentage_steps_round_half_up_to_the_fen():
    # 3.33% off ¥80: the customer pays round(7733.6) = 7734 fen, so 266 fen come off.
    odd = CouponTerms("ODD", CouponKind.PERCENT, off_bp=333)
    q = price(Selection("daily_cleaning", 2), coupon=odd)
    assert amounts(q)[LineKind.COUPON] == -266
    assert q.total_cents == 7734


def test_coupon_threshold_and_percent_coupon_cap():
    with pytest.raises(QuoteError) as refused:
        price(Selection("daily_cleaning", 2), coupon=MAN100_JIAN20)  # ¥80 < ¥100
    assert refused.value.text.get("zh") == "这张优惠券需满 ¥100.00 可用"
    assert refused.value.text.get("en") == "This coupon needs an order of at least ¥100.00"
    ten_off = CouponTerms("P10", CouponKind.PERCENT, off_bp=1000, max_off_cents=1500)
    q = price(Selection("daily_cleaning", 2), Selection("range_hood_cleaning", 1), coupon=ten_off)
    assert amounts(q)[LineKind.COUPON] == -1500  # 10% of ¥230 = ¥23, capped at ¥15


def test_a_promo_use_under_its_minimum_is_named_by_the_code_typed_in_the_readers_language():
    # the use's own code (TEST30-2-1) is internal: the refusal names the promo code typed
    use = replace(MAN100_JIAN20, code="TEST30-2-1", promo="TEST30")
    with pytest.raises(QuoteError) as refused:
        price(Selection("daily_cleaning", 2), coupon=use)
    assert refused.value.text.get("zh") == "优惠码 TEST30 需满 ¥100.00 可用"
    assert refused.value.text.get("en") == "Promo code TEST30 needs an order of at least ¥100.00"


def test_first_order_discount_then_points_as_cash():
    q = price(Selection("daily_cleaning", 2), first_order=True, points=1050)
    assert amounts(q)[LineKind.FIRST_ORDER] == -5000
    assert amounts(q)[LineKind.POINTS] == -1000  # 1000 points = ¥10; 50 left over
    assert q.points_used == 1000
    assert q.total_cents == 2000


def test_five_hundred_points_buy_a_free_hour_of_cleaning():
    q = price(
        Selection("daily_cleaning", 3), points=500, free_hours=1, member_level=MemberLevel.SILVER
    )
    assert amounts(q)[LineKind.FREE_HOURS] == -4000
    assert q.total_cents == 7600  # (¥120 − ¥40) × 95%
    assert q.points_used == 500
    with pytest.raises(QuoteError, match="points"):
        price(Selection("daily_cleaning", 3), points=499, free_hours=1)
    with pytest.raises(QuoteError, match="hourly cleaning"):
        price(Selection("ac_cleaning", 1), points=500, free_hours=1)


def test_prepaid_card_consumes_a_visit_instead_of_money():
    card = PrepaidCard(7, ("ac_cleaning",), visits_left=14)
    q = price(Selection("ac_cleaning", 2), prepaid=card)
    assert q.total_cents == 0
    assert q.visits_used == 1
    with pytest.raises(QuoteError, match="no visits"):
        price(Selection("ac_cleaning", 1), prepaid=PrepaidCard(7, ("ac_cleaning",), 0))


def test_a_visit_pays_the_cards_units_and_the_rest_is_paid_as_usual():
    card = PrepaidCard(7, ("daily_cleaning",), visits_left=14, units_per_visit=2)
    q = price(Selection("daily_cleaning", 3), prepaid=card)
    assert [(x.kind, x.amount_cents) for x in q.lines] == [
        (LineKind.BASE, 12_000),
        (LineKind.PREPAID, -8_000),  # two of the three hours
    ]
    assert q.total_cents == 4_000 and q.visits_used == 1


def test_total_is_never_below_zero():
    big = CouponTerms("BIG", CouponKind.FIXED, amount_cents=100_000)
    q = price(Selection("daily_cleaning", 2), coupon=big, points=10_000)
    assert q.total_cents == 0
    assert amounts(q)[LineKind.COUPON] == -8000
    assert LineKind.POINTS not in amounts(q)


def test_a_coupon_and_the_first_order_discount_do_not_stack_the_better_is_taken():
    # ¥120 order: 满100减20 (→ ¥100) against the ¥50 first-order discount (→ ¥70)
    q = price(Selection("daily_cleaning", 3), coupon=MAN100_JIAN20, first_order=True)
    assert amounts(q)[LineKind.FIRST_ORDER] == -5000 and LineKind.COUPON not in amounts(q)
    assert q.instead == (LineKind.FIRST_ORDER, LineKind.COUPON) and q.coupon_code is None
    big = CouponTerms("BIG", CouponKind.FIXED, amount_cents=6000)
    q = price(Selection("daily_cleaning", 3), coupon=big, first_order=True)
    assert amounts(q)[LineKind.COUPON] == -6000 and LineKind.FIRST_ORDER not in amounts(q)
    assert q.instead == (LineKind.COUPON, LineKind.FIRST_ORDER) and q.coupon_code == "BIG"
    assert q.total_cents == 6000


def test_stacking_follows_the_rule_flags():
    flags = replace(RULES.coupons, stacks_with_first_order=True, stacks_with_points=False)
    stacking = replace(RULES, coupons=flags)
    req = QuoteRequest(
        (Selection("daily_cleaning", 4),), DAY, coupon=MAN100_JIAN20, first_order=True
    )
    q = quote(CATALOG, stacking, req)  # ¥160 − ¥20 − ¥50
    assert q.total_cents == 9000 and q.instead is None
    q = quote(CATALOG, stacking, replace(req, first_order=False, points=3000))
    assert q.total_cents == 13000 and q.instead == (LineKind.POINTS, LineKind.COUPON)
    assert q.points_used == 3000 and q.coupon_code is None
    q = quote(CATALOG, RULES, replace(req, first_order=False, points=3000))  # default: stacks
    assert q.total_cents == 11000 and q.instead is None


def test_quantity_and_options_are_checked_against_the_item():
    with pytest.raises(QuoteError, match="2–8"):
        price(Selection("daily_cleaning", 1))
    with pytest.raises(QuoteError, match="没有这个服务选项"):
        price(Selection("daily_cleaning", 2, option_ids=("sauna",)))
    with pytest.raises(QuoteError, match="没有这项服务"):
        price(Selection("time_travel", 1))
    with pytest.raises(QuoteError, match="timezone"):
        price(Selection("daily_cleaning", 2), start_at=datetime(2026, 12, 5, 9))  # noqa: DTZ001


ITEMS = sorted(CATALOG.items(), key=lambda i: i.id)


@st.composite
def requests(draw):
    chosen = draw(
        st.lists(st.sampled_from(ITEMS), min_size=1, max_size=3, unique_by=lambda i: i.id)
    )
    selections = []
    for item in chosen:
        options = (
            draw(st.lists(st.sampled_from([o.id for o in item.options]), max_size=3))
            if item.options
            else []
        )
        selections.append(
            Selection(
                item.id,
                draw(st.integers(item.min_quantity, item.max_quantity)),
                area_sqm=draw(st.none() | st.integers(1, 400)) if item.included_area_sqm else None,
                option_ids=tuple(options),
                high_altitude=item.high_altitude and draw(st.booleans()),
            )
        )
    coupon = draw(
        st.none()
        | st.builds(
            CouponTerms,
            code=st.just("C"),
            kind=st.sampled_from(CouponKind),
            amount_cents=st.integers(0, 50_000),
            off_bp=st.integers(0, 10_000),
            threshold_cents=st.just(0),
            max_off_cents=st.none() | st.integers(0, 50_000),
        )
    )
    return QuoteRequest(
        tuple(selections),
        start_at=draw(
            st.datetimes(
                min_value=datetime(2026, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
                max_value=datetime(2027, 1, 1),  # noqa: DTZ001
                timezones=st.just(SH),
            )
        ),
        transport_distance_m=draw(st.integers(0, 40_000)),
        member_level=draw(st.sampled_from(MemberLevel)),
        coupon=coupon,
        first_order=draw(st.booleans()),
        points=draw(st.integers(0, 100_000)),
    )


@settings(max_examples=300, deadline=None)
@given(requests())
def test_any_quote_sums_its_lines_is_never_negative_and_uses_only_integers(req):
    q = quote(CATALOG, RULES, req)
    assert q.total_cents == sum(line.amount_cents for line in q.lines)
    assert q.total_cents >= 0
    assert 0 <= q.deposit_cents <= q.total_cents
    for value in [
        q.total_cents,
        q.deposit_cents,
        q.points_used,
        *(line.amount_cents for line in q.lines),
    ]:
        assert type(value) is int
    assert q.points_used <= req.points
    assert quote(CATALOG, RULES, req) == q  # deterministic
