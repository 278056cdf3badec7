"""Promo codes at checkout: a code the customer typed is priced as their next use of it, and
that use is claimed when the order is placed — under the code's row lock (its ``issued``
counter raised by a conditional UPDATE), so the total and the per-customer number hold
whatever checkouts race in whichever processes."""

from __future__ import annotations

from datetime import datetime

from domain.coupons import Coupon, promo_code, unknown_promo
from domain.errors import DomainError
from domain.ports import Reads, UnitOfWork
from domain.text import N_


async def _person(uow: Reads, customer_id: int, phone: str) -> list[int]:
    """The customer and every other account with their phone number: one person's uses of a
    code are counted together (a second account is not a second customer)."""
    return sorted({customer_id, *await uow.customers.with_phone(phone)})


async def typed(
    uow: Reads, typed_code: str, customer_id: int, phone: str, held: list[Coupon], now: datetime
) -> Coupon:
    """The coupon a typed code stands for: the customer's own unused use of the promo, or
    the next use (not stored yet: ``claim`` makes it when the order is placed). Raises
    DomainError saying why not (unknown, not started, expired, used up, already used — by
    this account or another with the same phone number)."""
    if any(c.code == typed_code for c in held):  # one of their own coupons, not usable now
        raise DomainError(N_("这张优惠券现在不能使用"))
    code = promo_code(typed_code)
    promo = await uow.promos.by_code(code) if code else None
    if promo is None or promo.id is None:
        raise unknown_promo()
    uses = await uow.promos.uses(promo.id, await _person(uow, customer_id, phone))
    unused = [
        c
        for c in uses
        if c.customer_id == customer_id
        and c.used_order_id is None
        and c.valid_from <= now < c.valid_until
    ]
    if unused:
        return unused[0]
    promo.check_open(len(uses), now)
    return promo.coupon_for(customer_id, sum(c.customer_id == customer_id for c in uses))


async def claim(uow: UnitOfWork, coupon: Coupon, phone: str, now: datetime) -> Coupon:
    """Store the promo use ``coupon`` stands for (``typed`` made it), if the code still has
    one for this customer; raises DomainError when it has not."""
    assert coupon.promo_id is not None and coupon.customer_id is not None
    code = coupon.reason.split(":", 1)[-1]
    if not await uow.promos.claim(coupon.promo_id):  # the row stays locked until commit
        raise DomainError(N_("优惠码 {code} 已被领完", code=code))
    promo = await uow.promos.by_code(code)
    assert promo is not None
    uses = await uow.promos.uses(coupon.promo_id, await _person(uow, coupon.customer_id, phone))
    if len(uses) >= promo.per_customer or now >= promo.valid_until:
        raise DomainError(N_("优惠码 {code} 您已经用过了", code=code))
    own = sum(c.customer_id == coupon.customer_id for c in uses)  # this account's code
    return await uow.coupons.add(promo.coupon_for(coupon.customer_id, own))
