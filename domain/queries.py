"""Queries: what a conversation (or an admin, or a payment platform) asks to *see*.

A query changes nothing, so it is not a ``Command``: the service layer answers it with a view
function (``conversations.services.views``) that reads inside a unit of work it never commits
(cosmicpython's ``views.py``), not with a command handler. Flows issue queries the way they
issue commands (``Outcome.commands`` holds either) and read the typed results the same way.

Reads that leave a trace stay commands: an admin's ``/order``, ``/worker`` and ``/complaint``
show contact details, documents or a complaint's photos, and who saw them is appended to the
audit log and committed — a write, which a view never does. ``/ledger`` and ``/dashboard``
issue signed links and read nothing, so they stay commands too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.commands.base import Query
from domain.commands.customers import Booking

# -- a customer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindCustomer(Query):
    """Who is behind a chat account (customer and/or worker, and their language)."""

    channel: str
    user_id: str


@dataclass(frozen=True)
class LoadAddresses(Query):
    customer_id: int


@dataclass(frozen=True)
class PreviewQuote(Query):
    booking: Booking
    weekly: bool = False
    """The booking is to repeat weekly once placed: the quote says whether the customer has
    it repeating at its weekday and time already (then it is placed once)."""


@dataclass(frozen=True)
class LoadOrders(Query):
    customer_id: int


@dataclass(frozen=True)
class LoadOrder(Query):
    customer_id: int
    number: int


@dataclass(frozen=True)
class QuoteCancellation(Query):
    customer_id: int
    number: int


@dataclass(frozen=True)
class QuoteReschedule(Query):
    customer_id: int
    number: int
    new_start: datetime


@dataclass(frozen=True)
class DraftSubscription(Query):
    """What repeating order ``number`` weekly would be: the day and time (the order's own
    unless given), the first visit and today's price for it."""

    customer_id: int
    number: int
    weekday: int | None = None
    at_time: str = ""


@dataclass(frozen=True)
class CheckFeedback(Query):
    """Whether the customer may complain about (``action`` "complain"), rate ("rate") or
    book the free rework of ("rework") order ``number`` now — asked before the first question,
    not after the last."""

    customer_id: int
    number: int
    action: str


@dataclass(frozen=True)
class LoadSubscriptions(Query):
    customer_id: int


@dataclass(frozen=True)
class LoadMembership(Query):
    """What 我的 shows a customer: their level and how far the next one is, points, coupons
    and (``invite``) the invitation of the channel they are on (``channel``)."""

    customer_id: int
    channel: str
    invite: bool = False


@dataclass(frozen=True)
class LoadCards(Query):
    """What the 次卡 part of 我的 shows: the customer's cards and the cards on sale."""

    customer_id: int


@dataclass(frozen=True)
class LoadPointsHistory(Query):
    """A customer's points: the balance, what expires soonest, the latest ``limit``
    movements (``conversations.services.views.points.history``)."""

    customer_id: int
    limit: int = 10


# -- a worker ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadJobs(Query):
    worker_id: int


@dataclass(frozen=True)
class CheckJob(Query):
    """Whether the worker may take step ``action`` of their job ``number`` now: "checkin",
    "onway", "photo" (``kind``: "before" or "after"; none yet: either), "surcharge" or
    "rate_customer" — asked before the step's first question (a location, photos, an extra,
    stars), not after the last. An order that is not theirs (or none) gets one answer that
    tells nothing of it."""

    worker_id: int
    number: int
    action: str
    kind: str = ""


@dataclass(frozen=True)
class CheckTransfer(Query):
    """Whether the worker may hand their job ``number`` over (转单) now — theirs, accepted and
    not set off, no hand-over already under way — and what they would earn for it: asked
    before the worker is asked to confirm."""

    worker_id: int
    number: int


@dataclass(frozen=True)
class FindReplyTargets(Query):
    """The worker's jobs whose customer wrote to them through the relay lately
    (``ExecutionRules.relay_reply_minutes``) and whose relay is open: where a plain text the
    worker types at their menu would go."""

    worker_id: int


@dataclass(frozen=True)
class LoadEarnings(Query):
    worker_id: int


@dataclass(frozen=True)
class LoadPayoutAccount(Query):
    """The worker's payout account, masked (and whether a WeChat wallet can be chosen)."""

    worker_id: int


@dataclass(frozen=True)
class LoadEmergencyContact(Query):
    """A customer's or a worker's emergency contact, masked."""

    holder: str
    holder_id: int


# -- a payment platform -----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckCheckout(Query):
    """Telegram's pre-checkout query: is this payment request still payable, at this amount?"""

    reference: str
    amount_cents: int


# -- an admin (those that check a role carry the admin, ``channel:user_id``, and the role) ----


@dataclass(frozen=True)
class ListWorkers(Query):
    status: str


@dataclass(frozen=True)
class LoadInvoiceable(Query):
    """A customer's paid orders with money not invoiced yet, those invoiced in full, and the
    title they gave last time."""

    customer_id: int


@dataclass(frozen=True)
class ListInvoices(Query):
    """``/invoices [状态]``: invoice requests in ``statuses`` (all when empty), newest first."""

    admin: str
    role: str
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListWithdrawals(Query):
    pass


@dataclass(frozen=True)
class ListComplaints(Query):
    pass


@dataclass(frozen=True)
class ListSpotChecks(Query):
    pass


@dataclass(frozen=True)
class ShowStats(Query):
    admin: str
    role: str
    period: str
    """today, week (the last 7 days) or month (the last 30 days)."""


@dataclass(frozen=True)
class ListOrders(Query):
    admin: str
    role: str
    statuses: tuple[str, ...] = ()
    day: str = ""
    """An ISO date: orders starting that (business) day; "" for any day."""
    stuck_only: bool = False
    new: bool = False
    """``/orders new [day]``: the orders booked (paid) on the day (today when none), whatever
    day they start, newest first — ``day`` is then the day they were placed."""


@dataclass(frozen=True)
class ListCustomerOrders(Query):
    """``/orders PHONE`` or ``/orders 客户 ID``: one customer's orders, newest first."""

    admin: str
    role: str
    phone: str = ""
    """The phone number typed, normalised (``phones.normalise_phone``); "" for an id."""
    customer_id: int | None = None


@dataclass(frozen=True)
class ListRenewals(Query):
    """``/renewals``: the workers' documents waiting for an admin."""

    admin: str
    role: str


@dataclass(frozen=True)
class ExplainOrder(Query):
    """How dispatch sees order ``number`` now: who it would rank and why the others are out."""

    admin: str
    role: str
    number: int


@dataclass(frozen=True)
class ShowAudit(Query):
    admin: str
    role: str
    number: int
