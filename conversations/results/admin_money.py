"""What the admins' money commands found or did: withdrawals (``/withdrawals``, ``/payout``,
``/reject_withdrawal``), refunds done by hand (``/refunded``), the ledger export, catalog
prices (``/price``) and coupons (``/coupon``). Amounts in fen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from conversations.events import Result
from domain.oversight import PriceChange
from domain.text import Bilingual
from domain.withdrawals import WithdrawalStatus


@dataclass(frozen=True, slots=True)
class WithdrawalLine:
    id: int
    worker_id: int
    amount_cents: int
    status: WithdrawalStatus
    requested_at: datetime
    name: str = ""
    """The worker's name ("" when not known: the screen shows their id alone)."""


@dataclass(frozen=True, slots=True)
class WithdrawalsListed(Result):
    """``/withdrawals``: those requested, approved and not yet paid, or being paid."""

    items: tuple[WithdrawalLine, ...]


@dataclass(frozen=True, slots=True)
class WithdrawalDecided(Result):
    """``/payout`` or ``/reject_withdrawal``: the withdrawal's new status (the worker was
    told)."""

    id: int
    status: WithdrawalStatus


@dataclass(frozen=True, slots=True)
class RefundMarked(Result):
    """``/refunded REF``: a refund finance made by hand, recorded as done."""

    reference: str


@dataclass(frozen=True, slots=True)
class LedgerLinked(Result):
    """``/ledger START END``: a short-lived link to the ledger's CSV for those days."""

    start: date
    end: date
    url: str


@dataclass(frozen=True, slots=True)
class PriceLine:
    id: str
    name: Bilingual
    unit: str
    price_cents: int
    changed: bool
    """Differs from the catalog file (changed in chat)."""
    number: int = 0
    """Its place in the list, what an admin types for it (``/price 3 45``)."""


@dataclass(frozen=True, slots=True)
class PricesListed(Result):
    """``/price``: every item's price for new orders."""

    items: tuple[PriceLine, ...]


@dataclass(frozen=True, slots=True)
class PriceShown(Result):
    """``/price ITEM``: one item's price for new orders, its catalog file price and its
    changes, newest last."""

    id: str
    name: Bilingual
    unit: str
    price_cents: int
    catalog_cents: int
    history: tuple[PriceChange, ...]
    number: int = 0
    """Its place in the ``/price`` list (0: not known)."""


@dataclass(frozen=True, slots=True)
class PriceChanged(PriceShown):
    """``/price ITEM AMOUNT``: the item's new price (for new orders), as ``PriceShown``."""


@dataclass(frozen=True, slots=True)
class PromoCreated(Result):
    """``/promo``: a code customers may type at checkout."""

    code: str
    amount_cents: int
    threshold_cents: int
    valid_until: datetime
    total: int
    per_customer: int


@dataclass(frozen=True, slots=True)
class CouponIssued(Result):
    """``/coupon``: a coupon given to a customer (they were told)."""

    customer_id: int
    name: str
    """How the customer is called: their name, else their phone masked, else ""."""
    coupon_id: int
    """The coupon's number (its internal code is no admin's to see: no command takes it)."""
    amount_cents: int
    valid_until: datetime
