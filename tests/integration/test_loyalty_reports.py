"""The loyalty figures behind /stats and the dashboard, on SQLite and PostgreSQL: repeat
purchases, coupons issued and used by where they came from, points moved in the period and
owed now, and invitations that paid off. Each test keeps to a week of its own (far from
other tests' rows); balances owed now are compared before and after."""

import secrets
from datetime import UTC, datetime, timedelta

from domain.card_ledger import card_paid
from domain.coupons import Coupon
from domain.ledger import points_awarded
from domain.lifecycle import Action, ActorKind
from domain.orders import SYSTEM, Actor
from domain.people import Customer
from domain.points import PointsKind, PointsMovement
from domain.pricing import CouponKind, CouponTerms
from tests import random_refs
from tests.integration.test_repositories import new_order


async def _customer(database, at, **kw) -> Customer:
    async with database.uow() as uow:
        c = await uow.customers.add(Customer(created_at=at, phone=random_refs.phone(), **kw))
        await uow.commit()
    return c


async def _booked(database, customer, at, *, paid=True):
    order = await new_order(database, customer)
    async with database.uow() as uow:
        o = await uow.orders.get(order.id)
        o.created_at = at
        o.apply(Action.REQUEST_PAYMENT, Actor(ActorKind.CUSTOMER, "1"), at)
        if paid:
            o.apply(Action.PAY, SYSTEM, at)
            o.paid_cents = o.total_cents
        await uow.orders.save(o, at)
        await uow.commit()
    return o


def _coupon(customer_id, reason, at) -> Coupon:
    code = f"T{secrets.token_hex(6)}"
    return Coupon(
        code,
        CouponTerms(code, CouponKind.FIXED, amount_cents=2_000),
        at,
        at + timedelta(days=30),
        customer_id,
        reason,
    )


async def test_loyalty_figures_count_repeat_buyers_coupons_points_and_invitations(database):
    start = datetime(2035, 1, 1, tzinfo=UTC) + timedelta(days=7 * secrets.randbelow(500))
    end, at = start + timedelta(days=7), start + timedelta(hours=2)
    twice, before, once, unpaid = [await _customer(database, at) for _ in range(4)]
    await _booked(database, twice, at)
    await _booked(database, twice, at + timedelta(hours=1))
    await _booked(database, before, start - timedelta(days=30))
    await _booked(database, before, at)
    used_on = await _booked(database, once, at)
    await _booked(database, unpaid, at, paid=False)
    invited = await _customer(database, at, referred_by=twice.id)
    async with database.uow() as uow:
        before_now = await uow.admin_reports.loyalty(start, end)
        await uow.coupons.add(_coupon(once.id, "welcome", at))
        complaint = await uow.coupons.add(_coupon(twice.id, "complaint:#7", at))
        complaint.use(used_on.id, at + timedelta(hours=3))
        await uow.coupons.save(complaint)
        await uow.coupons.add(_coupon(twice.id, "welcome", start - timedelta(days=1)))
        await uow.membership.add(
            PointsMovement(twice.id, PointsKind.EARNED, 300, 300, at, f"t:{secrets.token_hex(6)}")
        )
        await uow.ledger.post(points_awarded(secrets.token_hex(6), 300, at))
        await uow.ledger.post(card_paid(secrets.token_hex(6), "sandbox", 90_000, 1, at))
        assert await uow.customers.claim_referral_reward(invited.id, at)
        await uow.commit()
    async with database.uow() as uow:
        s = await uow.admin_reports.loyalty(start, end)
    assert (s.buyers, s.returning) == (3, 2)
    assert s.repeat_rate_bp == 6_666
    assert s.coupons_issued == {"welcome": 1, "complaint": 1}
    assert s.coupons_used == {"complaint": 1}
    assert (s.points_earned, s.points_spent, s.points_expired) == (300, 0, 0)
    assert s.points_held - before_now.points_held == 300
    assert s.points_liability_cents - before_now.points_liability_cents == 300
    assert s.prepaid_outstanding_cents - before_now.prepaid_outstanding_cents == 90_000
    assert (s.invited, s.referrals_rewarded) == (1, 1)


async def test_a_period_without_buyers_has_no_repeat_rate(database):
    start = datetime(2036, 1, 1, tzinfo=UTC) + timedelta(days=7 * secrets.randbelow(500))
    async with database.uow() as uow:
        s = await uow.admin_reports.loyalty(start, start + timedelta(days=1))
    assert (s.buyers, s.returning, s.repeat_rate_bp) == (0, 0, None)
    assert s.coupons_issued == {} and s.invited == 0
