"""Prepaid visit cards (次卡): a customer buys N paid visits (and maybe some free ones) of
some items at a price, valid for some days from payment.

Rules (DESIGN §4 "Membership and marketing"):

- A card is active only once its payment is credited; it covers its items until
  ``valid_until`` (payment time + the product's validity), then expires.
- Its price is deferred revenue (``card_deferred``) until visits are used. A visit is worth
  the card's remaining deferred value divided by its visits left, rounded down to the fen;
  the last visit takes all that remains — so the visits' values sum exactly to the price.
- One visit per order: taken when the order is placed, given back (with the value it took)
  when the order is cancelled or refunded.
- Paid visits are used first, the free ones last: a refund returns the unused *paid* visits
  pro rata (price × unused paid ÷ paid visits, rounded down); the rest of the deferred value
  is revenue, as is what is left at expiry (breakage).
- No refund while an order not yet served holds one of its visits (``UNSERVED``): that
  order may still be cancelled and give the visit back, to a card refunded without it — the
  visit, paid for, would be neither served nor refunded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError
from domain.lifecycle import FORWARD, OrderStatus
from domain.text import N_, Bilingual


class CardStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    ACTIVE = "active"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"
    """Not paid in time (``payments.unpaid_expire_minutes``): the purchase lapsed; money that
    still comes for it (a provider's late notice) activates it."""


UNSERVED = frozenset(FORWARD[: FORWARD.index(OrderStatus.FINISHED)])
"""An order's statuses before its service is done: its card visit is still held, not used
(it comes back if the order is cancelled or lapses unpaid)."""


class VisitHeld(DomainError):
    """The card cannot be refunded yet: orders not served hold some of its visits (their
    numbers named, so the admin cancels them or waits until they are served)."""

    def __init__(self, card_id: int, numbers: list[int]) -> None:
        super().__init__(
            N_(
                "次卡 #{card} 还有次数被未完成的订单占用:{orders}。"
                "请先取消这些订单,或等服务完成后再退款",
                card=card_id,
                orders="、".join(f"#{n}" for n in numbers),
            )
        )
        self.numbers = numbers


STATUS_TEXT = {
    CardStatus.AWAITING_PAYMENT: N_("待支付"),
    CardStatus.ACTIVE: N_("可用"),
    CardStatus.EXPIRED: N_("已过期"),
    CardStatus.REFUNDED: N_("已退款"),
    CardStatus.CANCELLED: N_("已取消"),
}


@dataclass(frozen=True, slots=True)
class CardProduct:
    """A card on sale, from the catalog file."""

    id: str
    name: Bilingual
    item_ids: tuple[str, ...]
    paid_visits: int
    free_visits: int
    price_cents: int
    valid_days: int
    units_per_visit: int = 0
    """Units of the item one visit pays (e.g. 2 hours of cleaning); 0: all of the booking's."""

    @property
    def visits(self) -> int:
        return self.paid_visits + self.free_visits


@dataclass
class Card:
    """One customer's card."""

    customer_id: int
    product_id: str
    name: Bilingual
    item_ids: tuple[str, ...]
    paid_visits: int
    free_visits: int
    price_cents: int
    valid_days: int
    created_at: datetime
    channel: str = ""
    status: CardStatus = CardStatus.AWAITING_PAYMENT
    visits_left: int = 0
    deferred_cents: int = 0
    """What of the price is still deferred revenue (unused visits, or a refund in flight)."""
    paid_at: datetime | None = None
    valid_until: datetime | None = None
    reminded_at: datetime | None = None
    units_per_visit: int = 0
    id: int | None = None

    @classmethod
    def of(cls, product: CardProduct, customer_id: int, channel: str, now: datetime) -> Card:
        if product.visits < 1 or product.price_cents < 0:
            raise DomainError("a card needs visits and a price")
        return cls(
            customer_id,
            product.id,
            product.name,
            product.item_ids,
            product.paid_visits,
            product.free_visits,
            product.price_cents,
            product.valid_days,
            now,
            channel,
            units_per_visit=product.units_per_visit,
        )

    @property
    def visits(self) -> int:
        return self.paid_visits + self.free_visits

    def activate(self, now: datetime) -> None:
        """Its payment was credited: all visits usable until the validity ends (a purchase
        that lapsed unpaid too: the money came, the card is the customer's)."""
        if self.status not in (CardStatus.AWAITING_PAYMENT, CardStatus.CANCELLED):
            raise DomainError(f"card {self.id} is {self.status}, not awaiting payment")
        self.status, self.paid_at = CardStatus.ACTIVE, now
        self.valid_until = now + timedelta(days=self.valid_days)
        self.visits_left, self.deferred_cents = self.visits, self.price_cents

    def usable(self, item_id: str, now: datetime) -> bool:
        return (
            self.status == CardStatus.ACTIVE
            and self.visits_left > 0
            and self.valid_until is not None
            and now < self.valid_until
            and item_id in self.item_ids
        )

    def next_visit_value(self) -> int:
        """What the next visit used is worth (see the module's rounding rule)."""
        if self.visits_left < 1:
            return 0
        if self.visits_left == 1:
            return self.deferred_cents
        return self.deferred_cents // self.visits_left

    def use(self, item_id: str, now: datetime) -> int:
        """Take one visit; returns its value. Raises when the card cannot pay this visit."""
        if not self.usable(item_id, now):
            raise DomainError(N_("次卡不可用(已用完、已过期或不适用此服务)"))
        value = self.next_visit_value()
        self.visits_left -= 1
        self.deferred_cents -= value
        return value

    def give_back(self, value: int) -> None:
        """A visit back from a cancelled or refunded order, with the value it took. A card no
        longer active (expired or refunded since) gets nothing: its value was settled then."""
        if self.status != CardStatus.ACTIVE:
            return
        self.visits_left += 1
        self.deferred_cents += value

    def refund_cents(self) -> int:
        """Pro rata for the unused paid visits (the free ones are used last)."""
        unused_paid = max(0, self.visits_left - self.free_visits)
        if self.paid_visits == 0:
            return 0
        return min(self.deferred_cents, self.price_cents * unused_paid // self.paid_visits)

    def refund(self) -> tuple[int, int]:
        """Close the card for a refund: (refund, breakage) — what goes back to the customer
        and what of the deferred value becomes revenue now."""
        if self.status != CardStatus.ACTIVE:
            raise DomainError(N_("这张次卡不能退款"))
        back = self.refund_cents()
        breakage = self.deferred_cents - back
        self.status, self.visits_left, self.deferred_cents = CardStatus.REFUNDED, 0, back
        return back, breakage

    def expire(self, now: datetime) -> int:
        """The validity ended: returns the breakage (the deferred value left, now revenue)."""
        if self.status != CardStatus.ACTIVE or self.valid_until is None or now < self.valid_until:
            return 0
        breakage = self.deferred_cents
        self.status, self.visits_left, self.deferred_cents = CardStatus.EXPIRED, 0, 0
        return breakage


def pick(cards: list[Card], item_ids: tuple[str, ...], now: datetime) -> Card | None:
    """The card a checkout uses for one of its items: the one that expires soonest."""
    usable = [c for c in cards if any(c.usable(i, now) for i in item_ids)]
    return min(usable, key=lambda c: (c.valid_until, c.id or 0), default=None)
