"""A chat account becomes a customer: the customer with a referral code of their own, the
account joined to them, and the welcome coupon.

The usual sign-up is a new chat account's first message, whose turn has just read the
account (``FindCustomer``) and found none: the rows are written without reading it again, in
one statement on PostgreSQL (``Customers.sign_up``), the account noted as written on (so the
turn's ``NoteInbound`` has nothing to change). Only when that writes nothing — the account
is recorded already (a worker's, or a customer's by now), or the referral code drawn is
taken — is the account read, and the sign-up goes on from what it holds.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from conversations.events import Result
from conversations.results.customers import CustomerRegistered, WelcomeCoupon
from conversations.services import referrals
from conversations.services.deps import Deps
from domain import commands as c
from domain.coupons import WELCOME, Coupon
from domain.people import Channel, Customer, Identity
from domain.ports import UnitOfWork
from domain.pricing import CouponKind, CouponTerms
from domain.rules import MembershipRules


async def register(s: Deps, cmd: c.RegisterCustomer) -> list[Result]:
    now = s.clock()
    m = s.rules.membership
    async with s.uow() as uow:
        referrer = (
            await uow.customers.by_referral_code(cmd.referral_code) if cmd.referral_code else None
        )
        customer = Customer(
            created_at=now,
            name=cmd.name[:100],
            phone=cmd.phone,
            lang=cmd.lang,
            referred_by=referrer.id if referrer else None,
        )
        coupon = _welcome(m, now)
        account = Identity(Channel(cmd.channel), cmd.user_id, None, None)
        while True:
            customer.referral_code = referrals.new_code()
            if await uow.customers.sign_up(customer, account, now, coupon):
                break
            known = await uow.identities.get(account.channel, account.channel_user_id)
            if known is not None:  # recorded already: not a new chat account
                if known.customer_id is not None:
                    return [CustomerRegistered(known.customer_id, None)]
                await _join(uow, customer, known, coupon)
                break
            # else another customer drew the same referral code: drawn again
        await uow.commit()
    assert customer.id is not None
    welcome = WelcomeCoupon(coupon.code, m.welcome_coupon_cents, m.welcome_coupon_threshold_cents)
    return [CustomerRegistered(customer.id, welcome)]


def _welcome(m: MembershipRules, now: datetime) -> Coupon:
    """The new customer's welcome coupon (its ``customer_id`` set as they are added)."""
    return Coupon(
        f"W{secrets.token_hex(5).upper()}",
        CouponTerms(
            "welcome",
            CouponKind.FIXED,
            amount_cents=m.welcome_coupon_cents,
            threshold_cents=m.welcome_coupon_threshold_cents,
        ),
        now,
        now + timedelta(days=m.welcome_coupon_days),
        None,
        WELCOME,
    )


async def _join(uow: UnitOfWork, customer: Customer, known: Identity, coupon: Coupon) -> None:
    """Add the customer to a chat account recorded without one (a worker's), with the
    coupon: the account keeps its worker and the times it was written on."""
    await referrals.add_customer(uow, customer)
    assert customer.id is not None
    await uow.identities.put(
        Identity(known.channel, known.channel_user_id, customer.id, known.worker_id)
    )
    coupon.customer_id = customer.id
    await uow.coupons.add(coupon)
