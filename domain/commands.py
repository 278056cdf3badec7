"""Commands: what a conversation (or an admin, or a job) asks the service layer to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.pricing import Selection


@dataclass(frozen=True)
class Command:
    """Base of every command."""


@dataclass(frozen=True)
class RegisterCustomer(Command):
    channel: str
    user_id: str
    phone: str
    lang: str
    name: str = ""
    referral_code: str = ""


@dataclass(frozen=True)
class FindCustomer(Command):
    channel: str
    user_id: str


@dataclass(frozen=True)
class SetLanguage(Command):
    customer_id: int
    lang: str


@dataclass(frozen=True)
class LoadAddresses(Command):
    customer_id: int


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
    bundle_id: str | None = None
    subscription_id: int | None = None
    """Set when a recurring booking makes this visit's order (no first-order discount)."""


@dataclass(frozen=True)
class PreviewQuote(Command):
    booking: Booking


@dataclass(frozen=True)
class PlaceOrder(Command):
    booking: Booking
    expected_total_cents: int


@dataclass(frozen=True)
class LoadOrders(Command):
    customer_id: int


@dataclass(frozen=True)
class LoadOrder(Command):
    customer_id: int
    number: int


@dataclass(frozen=True)
class QuoteCancellation(Command):
    customer_id: int
    number: int


@dataclass(frozen=True)
class CancelOrder(Command):
    customer_id: int
    number: int
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
    customer_id: int
    channel: str
    user_id: str
    text: str


@dataclass(frozen=True)
class StoreDocument(Command):
    """Download a photo someone sent (by platform reference), check it, keep it."""

    channel: str
    ref: str
    folder: str


@dataclass(frozen=True)
class RegisterWorker(Command):
    channel: str
    user_id: str
    name: str
    phone: str
    lang: str
    skills: tuple[str, ...]
    center: tuple[float, float] | None
    radius_m: int
    districts: tuple[str, ...]
    documents: tuple[tuple[str, str, str], ...]
    """(kind, stored path, expiry ISO date or "")."""


@dataclass(frozen=True)
class SetOnline(Command):
    worker_id: int
    online: bool


@dataclass(frozen=True)
class LoadJobs(Command):
    worker_id: int


@dataclass(frozen=True)
class LoadEarnings(Command):
    worker_id: int


@dataclass(frozen=True)
class AcceptOffer(Command):
    worker_id: int
    number: int


@dataclass(frozen=True)
class DeclineOffer(Command):
    worker_id: int
    number: int


@dataclass(frozen=True)
class Depart(Command):
    worker_id: int
    number: int


@dataclass(frozen=True)
class CheckIn(Command):
    worker_id: int
    number: int
    lat: float
    lon: float


@dataclass(frozen=True)
class AddJobPhoto(Command):
    worker_id: int
    number: int
    kind: str
    channel: str
    ref: str


@dataclass(frozen=True)
class FinishJob(Command):
    worker_id: int
    number: int


@dataclass(frozen=True)
class RequestTransfer(Command):
    worker_id: int
    number: int


@dataclass(frozen=True)
class ConfirmOrder(Command):
    customer_id: int
    number: int


@dataclass(frozen=True)
class ListWorkers(Command):
    status: str


@dataclass(frozen=True)
class ShowWorker(Command):
    admin: str
    role: str
    worker_id: int


@dataclass(frozen=True)
class ReviewWorker(Command):
    admin: str
    role: str
    worker_id: int
    approve: bool
    reason: str = ""


@dataclass(frozen=True)
class AssignOrder(Command):
    admin: str
    role: str
    number: int
    worker_id: int


@dataclass(frozen=True)
class DrainOutbox(Command):
    """Scheduler sweep: deliver outbox messages that are due (new, or due for a retry)."""


@dataclass(frozen=True)
class ExpireOffers(Command):
    """Scheduler sweep: move on from offers past their deadline."""


@dataclass(frozen=True)
class BatchDispatch(Command):
    """Scheduler sweep: assign the scheduled orders waiting for the batch, all at once."""


@dataclass(frozen=True)
class AutoConfirm(Command):
    """Scheduler sweep: confirm finished orders nobody complained about in time."""


@dataclass(frozen=True)
class ConfirmPayment(Command):
    """A provider says a payment request was paid (Telegram successful_payment, WeChat Pay
    notify, the sandbox button or page)."""

    reference: str
    provider: str
    provider_ref: str
    amount_cents: int | None
    """What the provider says was paid; None for the sandbox, which pays what was asked."""
    customer_id: int | None = None
    notify_customer: bool = False
    verified: bool = False
    """The caller just asked the provider (the reconciliation sweep): no need to ask again
    before returning money that landed on a cancelled order."""


@dataclass(frozen=True)
class CheckCheckout(Command):
    """Telegram's pre-checkout query: is this payment request still payable, at this amount?"""

    reference: str
    amount_cents: int


@dataclass(frozen=True)
class ExecuteRefunds(Command):
    """Send pending refunds to their providers (after a cancellation; a sweep retries)."""

    order_id: int | None = None
    notify_customer: bool = True


@dataclass(frozen=True)
class MarkRefunded(Command):
    admin: str
    role: str
    reference: str


@dataclass(frozen=True)
class RequestWithdrawal(Command):
    worker_id: int
    amount_cents: int


@dataclass(frozen=True)
class ListWithdrawals(Command):
    pass


@dataclass(frozen=True)
class DecideWithdrawal(Command):
    admin: str
    role: str
    withdrawal_id: int
    approve: bool
    reason: str = ""


@dataclass(frozen=True)
class ExportLedger(Command):
    admin: str
    role: str
    start: str
    end: str


@dataclass(frozen=True)
class ReconcilePayments(Command):
    """Scheduler: ask providers about payment requests whose notification never came (and
    about those of cancelled orders, whose money goes back)."""


@dataclass(frozen=True)
class ExpireUnpaid(Command):
    """Scheduler sweep: cancel orders not paid within the rules' payment window."""


@dataclass(frozen=True)
class DailySettlement(Command):
    """Scheduler: pay approved withdrawals, settle stragglers, report the day to finance."""


@dataclass(frozen=True)
class DraftSubscription(Command):
    """What repeating order ``number`` weekly would be: the day and time (the order's own
    unless given), the first visit and today's price for it."""

    customer_id: int
    number: int
    weekday: int | None = None
    at_time: str = ""


@dataclass(frozen=True)
class Subscribe(Command):
    """Repeat order ``number`` every ``weekday`` (0 Monday) at ``at_time`` ("HH:MM")."""

    customer_id: int
    number: int
    weekday: int
    at_time: str


@dataclass(frozen=True)
class LoadSubscriptions(Command):
    customer_id: int


@dataclass(frozen=True)
class StopSubscription(Command):
    customer_id: int
    subscription_id: int


@dataclass(frozen=True)
class GenerateRecurring(Command):
    """Scheduler sweep: make the orders of recurring visits that are coming up."""


@dataclass(frozen=True)
class SendReminders(Command):
    """Scheduler sweep: day-before and hour-before service reminders, and confirm reminders."""


# after-sales


@dataclass(frozen=True)
class FileComplaint(Command):
    customer_id: int
    channel: str
    number: int
    category: str
    text: str
    photo_refs: tuple[str, ...] = ()
    """The chat platform's references of the photos sent (fetched and kept on filing)."""


@dataclass(frozen=True)
class ReplyComplaint(Command):
    admin: str
    role: str
    complaint_id: int
    text: str


@dataclass(frozen=True)
class ResolveComplaint(Command):
    admin: str
    role: str
    complaint_id: int
    resolution: str
    """rework, partial, full or rejected."""
    amount_cents: int | None = None
    """A partial refund other than the rule table's."""
    reason: str = ""
    """Why (rejected), or ``same``/``other`` worker for a rework."""


@dataclass(frozen=True)
class ListComplaints(Command):
    pass


@dataclass(frozen=True)
class ShowComplaint(Command):
    admin: str
    role: str
    complaint_id: int


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


@dataclass(frozen=True)
class RateCustomer(Command):
    worker_id: int
    number: int
    stars: int
    text: str = ""


@dataclass(frozen=True)
class ComplaintSweep(Command):
    """Scheduler sweep: escalate unanswered complaints, compensate overdue ones."""


@dataclass(frozen=True)
class RecalculateLevels(Command):
    """An admin asks for worker levels now (all workers, or one)."""

    admin: str
    role: str
    worker_id: int | None = None


@dataclass(frozen=True)
class QuarterlyLevels(Command):
    """Scheduler sweep: recalculate every worker's level once a quarter."""


@dataclass(frozen=True)
class SampleSpotChecks(Command):
    """Scheduler sweep: pick yesterday's spot checks (once a day)."""


@dataclass(frozen=True)
class ListSpotChecks(Command):
    pass


@dataclass(frozen=True)
class CloseSpotCheck(Command):
    admin: str
    role: str
    check_id: int
    note: str


@dataclass(frozen=True)
class ReleaseOrder(Command):
    """An admin releases an order a risk rule held."""

    admin: str
    role: str
    number: int


# admin desk (DESIGN §3): each carries the admin (``channel:user_id``) and the role they used


@dataclass(frozen=True)
class ShowStats(Command):
    admin: str
    role: str
    period: str
    """today, week (the last 7 days) or month (the last 30 days)."""


@dataclass(frozen=True)
class ListOrders(Command):
    admin: str
    role: str
    statuses: tuple[str, ...] = ()
    day: str = ""
    """An ISO date: orders starting that (business) day; "" for any day."""
    stuck_only: bool = False


@dataclass(frozen=True)
class ShowOrder(Command):
    admin: str
    role: str
    number: int


@dataclass(frozen=True)
class ShowAudit(Command):
    admin: str
    role: str
    number: int


@dataclass(frozen=True)
class ReassignOrder(Command):
    admin: str
    role: str
    number: int
    worker_id: int


@dataclass(frozen=True)
class AdminCancelOrder(Command):
    admin: str
    role: str
    number: int
    reason: str = ""


@dataclass(frozen=True)
class RefundOrder(Command):
    admin: str
    role: str
    number: int
    amount_cents: int
    request: str
    """The admin's message that asked (a retry of it refunds nothing more)."""
    again: bool = False
    """The admin confirms a second refund of the same amount within minutes."""


@dataclass(frozen=True)
class SuspendWorker(Command):
    admin: str
    role: str
    worker_id: int
    suspend: bool
    reason: str = ""


@dataclass(frozen=True)
class SetPrice(Command):
    admin: str
    role: str
    item: str
    """An item id or name; "" lists the items."""
    amount_cents: int | None = None
    """None shows the item's price and its history."""


@dataclass(frozen=True)
class IssueCoupon(Command):
    admin: str
    role: str
    customer: str
    """A customer id or phone number."""
    amount_cents: int
    days: int


@dataclass(frozen=True)
class Broadcast(Command):
    admin: str
    role: str
    text: str


@dataclass(frozen=True)
class ManageAdmin(Command):
    admin: str
    role: str
    action: str
    """add, remove or list."""
    account: str = ""
    """``channel:user_id`` of the admin added or removed."""
    new_role: str = ""


@dataclass(frozen=True)
class ForgetConversations(Command):
    """Drop the conversation checkpoints idle longer than ``domain.turns.CONVERSATION_KEEP``."""


@dataclass(frozen=True)
class OpenDashboard(Command):
    """A signed, short-lived link to the web dashboard for this admin."""

    admin: str
    role: str
