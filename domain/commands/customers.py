"""What a customer asks: sign-up, booking, paying, their orders, recurring bookings,
complaints and ratings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.commands.base import Command
from domain.pricing import Selection


@dataclass(frozen=True)
class RegisterCustomer(Command):
    channel: str
    user_id: str
    phone: str
    lang: str
    name: str = ""
    referral_code: str = ""


@dataclass(frozen=True)
class RequestLink(Command):
    """A chat account asks to become the account that holds ``phone``: ``code`` (made by the
    flow, kept there as a hash) goes to that account's own chats, never to the asker."""

    channel: str
    user_id: str
    phone: str
    code: str
    minutes: int


@dataclass(frozen=True)
class LockLink(Command):
    """Too many wrong codes: neither this chat account nor the number (``target``, as
    ``LinkRequested`` named it; "": not known) gets a new code until ``until``."""

    channel: str
    user_id: str
    target: str
    until: datetime


@dataclass(frozen=True)
class LinkAccount(Command):
    """The right code was typed: the chat account joins ``customer_id``."""

    channel: str
    user_id: str
    customer_id: int


@dataclass(frozen=True)
class SetBirthday(Command):
    customer_id: int
    birthday: str
    """Month and day, "03-08" (``domain.birthdays.month_day``)."""


@dataclass(frozen=True)
class SetLanguage(Command):
    """A person speaks ``lang`` now: their customer and worker records keep it (their notices
    follow it)."""

    customer_id: int | None
    lang: str
    worker_id: int | None = None


@dataclass(frozen=True)
class SetAdminLanguage(Command):
    """An admin speaks ``lang`` now (their notices follow it, in every process)."""

    channel: str
    user_id: str
    lang: str


@dataclass(frozen=True)
class Booking:
    """Everything the customer chose, as the service layer needs it to price and place."""

    customer_id: int
    channel: str
    lang: str
    selections: tuple[Selection, ...]
    start_at: datetime
    asap: bool = False
    address_id: int | None = None
    address_text: str = ""
    location: tuple[float, float] | None = None
    notes: str = ""
    coupon_code: str | None = None
    """None picks the best coupon the customer holds; "" uses none."""
    use_points: bool = False
    """Spend points as cash (whole yuan)."""
    free_hours: int = 0
    """Hours of an item the catalog allows (``pricing.free_hour_skills``) paid with points,
    ``pricing.points_per_free_hour`` each."""
    use_card: bool = True
    """Pay one visit with a prepaid card the customer holds for the item, if any."""
    bundle_id: str | None = None
    subscription_id: int | None = None
    """Set when a recurring booking makes this visit's order (no first-order discount)."""
    phone: str = ""
    """The phone number given at this checkout, not on the account yet: a number another
    account holds is no new customer's (no first-order discount, no welcome coupon)."""
    preferred_worker_id: int | None = None
    """The worker the customer chose (``domain.preferred``): favoured by dispatch, never
    forced; kept only while they are one the customer may choose."""


@dataclass(frozen=True)
class PlaceOrder(Command):
    booking: Booking
    expected_total_cents: int
    phone: str = ""
    """The customer's phone number, given at this (their first) checkout: kept on the
    account before the order is placed."""
    payer: str = ""
    """The chat account placing it, ``channel:user id``: the one the provider charges (WeChat
    Pay inside WeChat); "" reads the customer's account on the order's channel."""


@dataclass(frozen=True)
class CancelOrder(Command):
    customer_id: int
    number: int
    expected_fee_cents: int


@dataclass(frozen=True)
class RescheduleOrder(Command):
    """The customer moves their order to ``new_start`` at the fee they were shown."""

    customer_id: int
    number: int
    new_start: datetime
    expected_fee_cents: int


@dataclass(frozen=True)
class RequestPayment(Command):
    customer_id: int
    number: int


@dataclass(frozen=True)
class ConfirmSandboxPayment(Command):
    reference: str
    customer_id: int | None = None
    notify_customer: bool = False


@dataclass(frozen=True)
class ContactSupport(Command):
    """The customer writes to support: opens a ticket, or adds to their open one."""

    customer_id: int
    channel: str
    user_id: str
    text: str
    photo_ref: str = ""
    """A photo instead of text (the platform's reference)."""
    ticket_id: int | None = None
    """The ticket the customer is chatting on; once support has closed it (and it is not
    rated yet) the message is not sent nor a new ticket opened: its rating is asked."""
    replying: bool = False
    """Back in their ticket's chat ("回复客服") without it being named: the ticket is their
    open one, else their latest closed one not rated yet, whose rating is asked as for
    ``ticket_id`` (support closed it meanwhile) rather than a new ticket opened."""


@dataclass(frozen=True)
class RaiseSos(Command):
    """An emergency raised in chat (紧急 / SOS) by a customer or a worker: ops are alerted at
    once with the person's order, where it is and both people's numbers."""

    channel: str
    user_id: str
    customer_id: int | None = None
    worker_id: int | None = None


@dataclass(frozen=True)
class SetEmergencyContact(Command):
    """A customer or a worker names the person told by SMS when they raise an SOS."""

    holder: str
    """``customer`` or ``worker`` (``domain.emergency.Holder``)."""
    holder_id: int
    name: str
    phone: str
    relation: str
    actor: str
    """``channel:user_id`` of who set it (the audit log's actor)."""


@dataclass(frozen=True)
class ConfirmOrder(Command):
    customer_id: int
    number: int


@dataclass(frozen=True)
class Subscribe(Command):
    """Repeat order ``number`` every ``weekday`` (0 Monday) at ``at_time`` ("HH:MM")."""

    customer_id: int
    number: int
    weekday: int
    at_time: str


@dataclass(frozen=True)
class StopSubscription(Command):
    customer_id: int
    subscription_id: int


@dataclass(frozen=True)
class SkipVisit(Command):
    """Skip the recurring booking's next visit, the one at ``visit_at`` that the customer was
    shown (its order not made yet): the booking goes on with the visit a week later."""

    customer_id: int
    subscription_id: int
    visit_at: datetime


@dataclass(frozen=True)
class FileComplaint(Command):
    customer_id: int
    channel: str
    number: int
    category: str
    text: str
    photo_refs: tuple[str, ...] = ()
    """The chat platform's references of the photos sent (fetched and kept on filing)."""
    photo_paths: tuple[str, ...] = ()
    """Photos already checked and kept (``StoreDocument`` into ``complaints/{number}``)."""


@dataclass(frozen=True)
class BookRework(Command):
    customer_id: int
    number: int
    start_at: datetime


@dataclass(frozen=True)
class RateOrder(Command):
    customer_id: int
    number: int
    scores: tuple[tuple[str, int], ...]
    tags: tuple[str, ...] = ()
    text: str = ""
    channel: str = ""
    photo_refs: tuple[str, ...] = ()
    """Photos sent with the review (the chat platform's references on ``channel``): fetched
    and kept; a review with one earns ``rules.membership.review_photo_points``."""
