"""What booking, checkout and payment commands found out: saved addresses, the priced quote,
the order placed and how to pay it, the payment credited (or come too late), and the message
handed to support."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from domain.text import Bilingual, Phrase


@dataclass(frozen=True, slots=True)
class SavedAddress:
    id: int
    label: str
    """The address shortened for a button."""


@dataclass(frozen=True, slots=True)
class AddressesFound(Result):
    """The customer's saved addresses, most used first (may be none)."""

    addresses: tuple[SavedAddress, ...]


@dataclass(frozen=True, slots=True)
class QuoteLineView:
    label: Phrase
    amount_cents: int


@dataclass(frozen=True, slots=True)
class CouponChoice:
    """A coupon the customer may apply to this quote."""

    code: str
    label: Bilingual


@dataclass(frozen=True, slots=True)
class WorkerChoice:
    """A worker who served the customer before, as the quote offers them to choose."""

    id: int
    """Only in the button's key: people see the name."""
    name: str
    rating_x100: int
    reviews: int = 0
    """0: nobody rated them yet (``rating_x100`` is then dispatch's start, not a rating)."""


@dataclass(frozen=True, slots=True)
class QuoteReady(Result):
    """The itemised price of what the customer chose (nothing placed yet)."""

    lines: tuple[QuoteLineView, ...]
    total_cents: int
    deposit_cents: int
    coupon_code: str | None
    """The coupon the quote applied (the best the customer holds, unless they chose)."""
    coupons: tuple[CouponChoice, ...]
    points_available: int
    use_points: bool
    summary: Phrase
    """When and for how long, e.g. "11月24日 15:00,预计 2 小时"."""
    phone_needed: bool = False
    """The account has no phone number yet: it is asked before the order is placed."""
    known_phone: bool = False
    """The phone number given is another account's: no new-customer offers in this quote."""
    free_hour_points: int = 0
    """What one hour of the booking's item costs in points, when the catalog allows it and
    the customer holds them (0: not offered)."""
    free_hours: int = 0
    """Hours this quote pays with points."""
    instead: tuple[str, str] | None = None
    """(applied, left out), ``LineKind`` values: the rules do not stack the two offers and
    the quote took the one that saves the customer more."""
    card: Bilingual | None = None
    """The prepaid card (its name) that pays a visit of this booking, or could."""
    use_card: bool = False
    """The quote uses a visit of ``card`` (the customer may say not to)."""
    address: str = ""
    """Where the service is: the typed text, or the saved address chosen."""
    periods: int = 0
    """A long placement: how many billing periods its price is paid in (0: not one)."""
    workers: tuple[WorkerChoice, ...] = ()
    """The workers who served the customer and could take this booking (most recent first):
    the preferred worker they may choose (none: no button)."""
    preferred: WorkerChoice | None = None
    """The booking's preferred worker (one of ``workers``; None: any worker)."""
    repeating: bool = False
    """Asked to repeat weekly (``PreviewQuote.weekly``): the customer has this booking
    repeating at its weekday and time already, so the order is placed once."""


@dataclass(frozen=True, slots=True)
class PaymentDue:
    """One payment request of an order and how the channel's provider takes it."""

    number: int
    due_now_cents: int
    pay_by: datetime | None
    """When an unpaid order is cancelled (None for a balance, which has no such time)."""
    reference: str
    provider: str
    """``sandbox``, ``telegram`` or ``wechat_pay``."""
    pay_url: str
    invoice: tuple[tuple[str, int], ...]
    """Telegram invoice lines (label, fen); empty for page-based providers."""
    title: str


@dataclass(frozen=True, slots=True)
class OrderPlaced(Result):
    """The order exists and waits for its payment."""

    due: PaymentDue


@dataclass(frozen=True, slots=True)
class PaymentRequested(Result):
    """A new (or the still open) payment request of an existing order."""

    due: PaymentDue


@dataclass(frozen=True, slots=True)
class PaymentUnavailable(Result):
    """No payment provider serves the order's channel (at checkout: nothing was placed)."""


@dataclass(frozen=True, slots=True)
class OrderPaid(Result):
    """A payment was credited to the order (``amount_cents`` 0: there was nothing to pay)."""

    number: int
    amount_cents: int
    no_worker: bool
    """Nobody could be offered the job: staff arrange one."""
    held: bool
    """The order waits for a risk review before dispatch."""
    balance: bool
    """It paid the balance after the job, not the deposit or the whole order."""
    new: bool
    """False when this payment had been credited before (a provider's repeated notice)."""
    extra: str = ""
    """``surcharge`` (an approved on-site extra) or ``reschedule`` (a late move's fee, the
    order moved), "" for the order's own payment."""
    finished: bool = False
    """The job is done (a balance paid after it): the customer is asked to confirm it; a
    long placement's period is paid while it runs."""


@dataclass(frozen=True, slots=True)
class PaidTooLate(Result):
    """Money came for an order cancelled meanwhile, or for a balance waived meanwhile: it is
    given back in full, not credited."""

    number: int
    amount_cents: int
    new: bool
    """False when it had been handled before."""
    waived: bool = False
    """The order goes on; what this paid was waived (``/waive``)."""


@dataclass(frozen=True, slots=True)
class CheckoutValid(Result):
    """A chat-collected payment may go ahead (Telegram's pre-checkout question)."""

    reference: str


@dataclass(frozen=True, slots=True)
class SupportMessageSent(Result):
    """The customer's message reached the support staff, on ticket ``ticket`` (``opened``:
    this message opened it)."""

    ticket: int = 0
    opened: bool = True
