"""The referral reward: when an invited customer's first order completes (confirmed, by them
or by the clock), the inviter and the invitee each get the referral coupon — once, in the
transaction of the confirmation, each told through the outbox."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from conversations.services.notices import Notice, to_customer
from domain.coupons import Coupon
from domain.orders import Order
from domain.people import Customer
from domain.ports import UnitOfWork
from domain.pricing import CouponKind, CouponTerms
from domain.referrals import REFERRAL_REASON, reward_due
from domain.rules import MembershipRules

log = logging.getLogger(__name__)
CODE_BYTES = 5
"""A referral code is this many random bytes in hex (10 characters; the column keeps 16)."""


def new_code() -> str:
    """A referral code, drawn at random: the customers' INSERT refuses one that is taken."""
    return secrets.token_hex(CODE_BYTES).upper()


async def add_customer(uow: UnitOfWork, customer: Customer) -> Customer:
    """Add a new customer with a referral code no customer has yet (an invitation must name
    one inviter): one statement, drawn again when the code is taken."""
    while True:
        customer.referral_code = new_code()
        if await uow.customers.add_if_code_free(customer):
            return customer


async def reward(
    uow: UnitOfWork, rules: MembershipRules, order: Order, now: datetime
) -> list[Notice]:
    """The referral coupons ``order``'s completion earns, and their notices (none when its
    customer was not invited, inviting was not genuine, or they were given already).

    Idempotent: ``claim_referral_reward`` marks the invitee in this transaction, so a retried
    or duplicated confirmation, or a second order completing at the same time, gives nothing.
    """
    invitee = await uow.customers.get(order.customer_id)
    if invitee is None or invitee.referred_by is None or invitee.id is None:
        return []
    inviter = await uow.customers.get(invitee.referred_by)
    others = await uow.customers.others_with_phone(invitee.id, invitee.phone)
    if not reward_due(invitee, inviter, others):
        return []
    assert inviter is not None and inviter.id is not None
    if not await uow.customers.claim_referral_reward(invitee.id, now):
        return []  # given already
    log.info(
        "referral: customer %s invited by %s completed #%s", invitee.id, inviter.id, order.number
    )
    notices = []
    for customer_id, event in ((inviter.id, "referral_inviter"), (invitee.id, "referral_invitee")):
        await uow.coupons.add(
            Coupon(
                f"R{secrets.token_hex(5).upper()}",
                CouponTerms(
                    REFERRAL_REASON,
                    CouponKind.FIXED,
                    amount_cents=rules.referral_coupon_cents,
                    threshold_cents=rules.referral_coupon_threshold_cents,
                ),
                now,
                now + timedelta(days=rules.referral_coupon_days),
                customer_id,
                f"{REFERRAL_REASON} {invitee.id}",
            )
        )
        notices.append(
            to_customer(
                customer_id,
                event,
                amount=rules.referral_coupon_cents,
                threshold=rules.referral_coupon_threshold_cents,
                days=rules.referral_coupon_days,
            )
        )
    return notices
