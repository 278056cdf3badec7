"""What 我的 (Me) shows a customer: their member level by trailing spend on services, or the
level reached before while it is kept (as pricing reads it, so the level shown is the level
priced), with the distance to the next, the points balance, the coupons still to use, and
the invitation of the channel they are on.

The points part of 我的 reads the points history instead (``LoadPointsHistory``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from conversations.results.membership import CouponHeld, MembershipShown
from domain.coupons import held, source, takes_off
from domain.emergency import EmergencyContact, Holder
from domain.errors import DomainError
from domain.member_levels import progress
from domain.membership import PAID_STATUSES, Standing
from domain.money import FULL
from domain.ports import Reads
from domain.queries import LoadMembership
from domain.referrals import InviteLink, scene
from domain.rules import Rules
from domain.text import N_, bilingual

InviteLinks = Callable[[str, str], Awaitable[InviteLink | None]]
"""(channel, scene) → the channel's invitation for that scene, or None where it has none."""


async def membership(
    uow: Reads,
    q: LoadMembership,
    *,
    rules: Rules,
    clock: Callable[[], datetime],
    invite_link: InviteLinks | None,
) -> MembershipShown:
    now = clock()
    m = rules.membership
    since = now - timedelta(days=m.spend_window_days)
    found = await uow.customers.with_order_stats(q.customer_id, PAID_STATUSES, since)
    if found is None:
        raise DomainError(N_("找不到您的账户,请发送 /start 重新开始。"))
    customer, _, spend = found
    told = Standing(customer.member_level, customer.member_level_until)
    standing = progress(spend, m, told, now)  # as pricing reads it
    coupons = tuple(
        CouponHeld(
            bilingual(source(c)), bilingual(takes_off(c.terms)), c.valid_from, c.valid_until
        )
        for c in held(await uow.coupons.for_customer(q.customer_id), now)
    )
    invite = None
    if q.invite and invite_link is not None and customer.referral_code:
        invite = await invite_link(q.channel, scene(customer.referral_code))
    usable = [
        c
        for c in await uow.cards.for_customer(q.customer_id)
        if c.valid_until is not None and any(c.usable(i, now) for i in c.item_ids)
    ]
    return MembershipShown(
        progress=standing,
        window_days=m.spend_window_days,
        discount_bp=FULL - rules.pricing.member_price_bp.get(standing.level, FULL),
        points=customer.points,
        points_per_yuan=rules.pricing.points_per_yuan,
        coupons=coupons,
        invite=invite,
        invite_asked=q.invite,
        referral_reward_cents=m.referral_coupon_cents,
        birthday=customer.birthday,
        emergency=_emergency(await uow.emergency_contacts.get(Holder.CUSTOMER, q.customer_id)),
        card_visits=tuple((c.visits_left, c.deferred_cents) for c in usable),
    )


def _emergency(contact: EmergencyContact | None) -> tuple[str, str, str] | None:
    """The emergency contact as 我的 shows it: (name, relation, masked phone)."""
    return (contact.name, contact.relation, contact.masked_phone) if contact else None
