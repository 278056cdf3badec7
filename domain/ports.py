"""What the service layer needs from persistence; ``store`` implements these Protocols."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Protocol, Self

from domain.admin import AdminGrant
from domain.aftersales import Complaint, ComplaintStatus, Rater, Rating
from domain.audit import AuditEntry
from domain.coupons import Coupon
from domain.credit import WorkerRecord
from domain.ledger import LedgerEntry
from domain.lifecycle import OrderStatus
from domain.media import JobPhoto
from domain.offers import Offer, OfferStatus
from domain.orders import Order, StatusChanged
from domain.outbox import OutboxMessage
from domain.oversight import Flag, OrderBrief, PeriodStats, PriceChange
from domain.payments import Payment, PaymentStatus
from domain.people import Address, Channel, Customer, Identity, Worker, WorkerStatus
from domain.recurring import Subscription
from domain.reminders import Reminder
from domain.withdrawals import Withdrawal, WithdrawalStatus


class Orders(Protocol):
    async def next_number(self) -> int: ...
    async def add(self, order: Order) -> Order: ...
    async def save(self, order: Order, now: datetime) -> None: ...
    async def get(self, order_id: int, *, full: bool = True) -> Order | None: ...
    async def by_number(
        self, number: int, *, full: bool = True, timeline: bool = True
    ) -> Order | None: ...
    async def for_customer(self, customer_id: int, limit: int = 10) -> list[Order]: ...
    async def lock(self, order_id: int) -> None: ...
    async def customer_stats(
        self, customer_id: int, counted: Sequence[OrderStatus], since: datetime
    ) -> tuple[int, int]: ...
    async def worker_bookings(
        self, worker_ids: Sequence[int], since: datetime, until: datetime
    ) -> list[tuple[int, datetime, int, OrderStatus]]: ...
    async def previous_workers(self, customer_id: int) -> set[int]: ...
    async def cancellations_by_customer(self, customer_id: int, since: datetime) -> int: ...
    async def rework_for(self, order_id: int) -> int | None: ...
    async def late_arrivals(self, worker_id: int, since: datetime, grace_minutes: int) -> int: ...
    async def for_worker(
        self, worker_id: int, statuses: Sequence[OrderStatus], limit: int = 20
    ) -> list[Order]: ...
    async def due_auto_confirm(self, now: datetime, limit: int = 100) -> list[int]: ...
    async def due_unpaid(
        self,
        placed_before: datetime,
        visit_before: datetime,
        *,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[int]: ...
    async def waiting_batch(self, limit: int = 500) -> list[int]: ...
    async def reminder_candidates(
        self,
        now: datetime,
        ahead: timedelta,
        confirm_after: timedelta,
        *,
        after_id: int = 0,
        limit: int = 200,
    ) -> list[Order]: ...
    async def claim_reminder(self, order_id: int, reminder: Reminder, now: datetime) -> bool: ...


class Customers(Protocol):
    async def add(self, customer: Customer) -> Customer: ...
    async def save(self, customer: Customer) -> None: ...
    async def get(self, customer_id: int) -> Customer | None: ...
    async def by_identity(self, channel: Channel, channel_user_id: str) -> Customer | None: ...
    async def by_referral_code(self, code: str) -> Customer | None: ...
    async def by_phone(self, phone: str) -> Customer | None: ...


class Workers(Protocol):
    async def add(self, worker: Worker) -> Worker: ...
    async def save(self, worker: Worker) -> None: ...
    async def get(self, worker_id: int) -> Worker | None: ...
    async def with_status(self, statuses: Sequence[WorkerStatus]) -> list[Worker]: ...
    async def available(self) -> list[Worker]: ...


class Identities(Protocol):
    async def get(self, channel: Channel, channel_user_id: str) -> Identity | None: ...
    async def add(self, identity: Identity) -> None: ...
    async def put(self, identity: Identity) -> None: ...
    async def of_customer(self, customer_id: int) -> list[Identity]: ...
    async def of_worker(self, worker_id: int) -> list[Identity]: ...


class Addresses(Protocol):
    async def add(self, address: Address) -> Address: ...
    async def get(self, address_id: int) -> Address | None: ...
    async def for_customer(self, customer_id: int) -> list[Address]: ...


class Payments(Protocol):
    async def add(self, payment: Payment) -> Payment: ...
    async def save(self, payment: Payment) -> None: ...
    async def claim(
        self,
        payment_id: int,
        to: PaymentStatus,
        at: datetime,
        provider_ref: str | None,
        *,
        only_if: Sequence[PaymentStatus] = (PaymentStatus.PENDING,),
    ) -> bool: ...
    async def pending_refunds(
        self, limit: int = 100, order_id: int | None = None
    ) -> list[Payment]: ...
    async def stale_requests(
        self, before: datetime, closed_since: datetime, limit: int = 100
    ) -> list[Payment]: ...
    async def get(self, payment_id: int) -> Payment | None: ...
    async def by_reference(self, reference: str) -> Payment | None: ...
    async def for_order(self, order_id: int) -> list[Payment]: ...


class Ledger(Protocol):
    async def post(self, entries: Iterable[LedgerEntry]) -> None: ...
    async def has_journal(self, key: str) -> bool: ...
    async def balance(
        self,
        account: str,
        since: datetime | None = None,
        credits_only: bool = False,
        journal_prefix: str = "",
    ) -> int: ...
    async def for_order(self, order_id: int) -> list[LedgerEntry]: ...
    async def between(self, start: datetime, end: datetime) -> list[LedgerEntry]: ...
    async def totals(self, start: datetime, end: datetime) -> dict[str, int]: ...


class Withdrawals(Protocol):
    async def add(self, w: Withdrawal) -> Withdrawal: ...
    async def get(self, withdrawal_id: int) -> Withdrawal | None: ...
    async def decide(self, w: Withdrawal, only_if: Sequence[WithdrawalStatus]) -> bool: ...
    async def with_status(
        self, statuses: Sequence[WithdrawalStatus], worker_id: int | None = None
    ) -> list[Withdrawal]: ...


class SettlementRuns(Protocol):
    async def claim(self, business_date: date, at: datetime) -> bool: ...
    async def record(self, business_date: date, report: str) -> None: ...


class Coupons(Protocol):
    async def add(self, coupon: Coupon) -> Coupon: ...
    async def save(self, coupon: Coupon) -> None: ...
    async def by_code(self, code: str) -> Coupon | None: ...
    async def for_customer(self, customer_id: int) -> list[Coupon]: ...


class Offers(Protocol):
    async def add(self, offer: Offer) -> Offer: ...
    async def for_order(self, order_id: int) -> list[Offer]: ...
    async def open_for_worker(self, worker_id: int) -> list[Offer]: ...
    async def answer(
        self,
        offer_id: int,
        status: OfferStatus,
        at: datetime,
        *,
        only_if: OfferStatus = OfferStatus.OPEN,
    ) -> bool: ...
    async def close_others(
        self, order_id: int, keep: int | None, status: OfferStatus, at: datetime
    ) -> list[int]: ...
    async def expired(self, now: datetime, limit: int = 100) -> list[Offer]: ...


class Photos(Protocol):
    async def add(self, photo: JobPhoto, uploaded_by: str) -> None: ...
    async def for_order(self, order_id: int, kinds: Sequence[str] = ()) -> list[JobPhoto]: ...


class Audit(Protocol):
    async def append(self, entry: AuditEntry) -> None: ...
    async def for_target(self, target: str, limit: int = 100) -> list[AuditEntry]: ...


class Admins(Protocol):
    """Admins added in chat (``DAOJIA_ADMINS`` stay the bootstrap, outside the database)."""

    async def all(self) -> list[AdminGrant]: ...
    async def get(self, channel: str, user_id: str) -> AdminGrant | None: ...
    async def put(self, grant: AdminGrant, by: str, at: datetime) -> None: ...
    async def remove(self, channel: str, user_id: str) -> bool: ...


class Prices(Protocol):
    """Catalog unit prices changed by admins (for new orders), with their history."""

    async def current(self) -> dict[str, int]: ...
    async def change(self, change: PriceChange) -> None: ...
    async def history(self, item_id: str, limit: int = 5) -> list[PriceChange]: ...


class Throttles(Protocol):
    async def claim(self, name: str, now: datetime, next_at: datetime) -> datetime | None:
        """Take the named action's turn until ``next_at`` (None), or say when it is free."""
        ...


class AdminReports(Protocol):
    async def stats(self, start: datetime, end: datetime) -> PeriodStats: ...
    async def orders(
        self,
        statuses: Sequence[str],
        start: datetime | None,
        end: datetime | None,
        limit: int = 30,
    ) -> tuple[int, list[OrderBrief]]: ...
    async def flagged(
        self, now: datetime, accept_within: timedelta, respond_within: timedelta, limit: int = 50
    ) -> list[Flag]: ...
    async def audience(
        self, after: int, limit: int = 500
    ) -> tuple[int | None, list[tuple[str, str, str]]]: ...


class Complaints(Protocol):
    async def add(self, complaint: Complaint) -> Complaint: ...
    async def get(self, complaint_id: int) -> Complaint | None: ...
    async def save(self, c: Complaint, *, only_if_open: bool = False) -> bool: ...
    async def claim_step(self, c: Complaint, *, level: int | None, coupon: bool) -> bool: ...
    async def for_order(self, order_id: int) -> list[Complaint]: ...
    async def open_for_order(self, order_id: int) -> bool: ...
    async def open_for_worker(self, worker_id: int) -> list[Complaint]: ...
    async def with_status(self, status: ComplaintStatus, limit: int = 50) -> list[Complaint]: ...


class Ratings(Protocol):
    async def add(self, rating: Rating) -> bool: ...
    async def for_order(self, order_id: int) -> list[Rating]: ...
    async def average(
        self, rater: Rater, *, worker_id: int | None = None, customer_id: int | None = None
    ) -> tuple[int, int, int]: ...


class SpotChecks(Protocol):
    async def candidates(self, start: datetime, end: datetime) -> list[int]: ...
    async def add(self, order_id: int, at: datetime) -> bool: ...
    async def open(self, limit: int = 50) -> list[tuple[int, int, datetime]]: ...
    async def close(self, check_id: int, note: str) -> bool: ...


class JobRuns(Protocol):
    async def claim(self, name: str, period: str, at: datetime) -> bool: ...
    async def record(self, name: str, period: str, report: str) -> None: ...


class Credit(Protocol):
    async def records(
        self, since: datetime, worker_ids: Sequence[int], grace_minutes: int
    ) -> dict[int, WorkerRecord]: ...


class Subscriptions(Protocol):
    async def add(self, sub: Subscription) -> Subscription: ...
    async def get(self, sub_id: int) -> Subscription | None: ...
    async def for_customer(
        self, customer_id: int, *, active: bool = True
    ) -> list[Subscription]: ...
    async def due(self, until: datetime, limit: int = 100) -> list[tuple[int, datetime]]: ...
    async def advance(
        self, sub_id: int, expected: datetime, following: datetime, *, stop: bool = False
    ) -> bool: ...
    async def stop(self, sub_id: int, customer_id: int) -> bool: ...


class Outbox(Protocol):
    async def add(self, message: OutboxMessage) -> int: ...
    async def claim(
        self, now: datetime, until: datetime, limit: int, ids: Sequence[int] = ()
    ) -> list[OutboxMessage]:
        """Due pending messages (or just ``ids``) not leased by anyone, leased until
        ``until``, oldest first."""
        ...

    async def save(self, message: OutboxMessage) -> None:
        """Store the outcome of an attempt and release the lease."""
        ...

    async def waiting_before(self, messages: Sequence[OutboxMessage]) -> set[tuple[str, str]]: ...

    async def counts(self) -> dict[str, int]: ...


class UnitOfWork(Protocol):
    """One transaction: ``async with uow: …; await uow.commit()``; no commit, no change."""

    orders: Orders
    customers: Customers
    workers: Workers
    identities: Identities
    addresses: Addresses
    payments: Payments
    ledger: Ledger
    coupons: Coupons
    audit: Audit
    offers: Offers
    photos: Photos
    withdrawals: Withdrawals
    settlement_runs: SettlementRuns
    outbox: Outbox
    complaints: Complaints
    ratings: Ratings
    spot_checks: SpotChecks
    job_runs: JobRuns
    credit: Credit
    subscriptions: Subscriptions
    admins: Admins
    prices: Prices
    throttles: Throttles
    admin_reports: AdminReports

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    def collect_new_events(self) -> list[StatusChanged]: ...


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of ``ConversationStore.begin``: ``ok`` (with the saved state, if any),
    ``duplicate`` (this message was already taken) or ``busy`` (another turn holds the lock)."""

    status: str
    state: bytes | None = None
    token: str = ""
    count: int | None = None
    """The message's count in the sender's rate window, when ``begin`` was asked to count it
    and could in the same step (else None: the caller counts with its ``RateLimiter``)."""


class ConversationStore(Protocol):
    """Keeps each person's conversation (opaque bytes), claims messages once, and serialises
    each person's messages.

    ``begin`` claims ``message_id`` (a retry of the same message gets ``duplicate``) and takes
    the person's lock; given ``rate_window`` it may also count a claimed message against the
    sender's rate limit (``Claim.count``). ``commit`` saves the new state, marks the message
    done and releases the lock; ``abort`` releases the lock and the claim so a platform retry
    is processed.
    """

    async def begin(
        self, channel: str, user_id: str, message_id: str, rate_window: int | None = None
    ) -> Claim: ...

    async def commit(
        self, channel: str, user_id: str, message_id: str, token: str, state: bytes
    ) -> None: ...

    async def abort(self, channel: str, user_id: str, message_id: str, token: str) -> None: ...

    async def get(self, channel: str, user_id: str) -> bytes | None: ...


class RateLimiter(Protocol):
    """Counts each person's messages per fixed time window (``domain.risk.rate_window``),
    shared by every process that serves them."""

    async def hit(self, channel: str, user_id: str, window: int) -> int:
        """Count one message from the person in ``window``; return how many they have sent
        in it, this one included. Counts of earlier windows may be forgotten."""
        ...


class MediaStore(Protocol):
    """Where photos and documents are kept (a local folder by default)."""

    def save(self, folder: str, data: bytes, ext: str, now: datetime) -> str: ...


class MediaFetcher(Protocol):
    """Downloads a photo a person sent, by the platform's reference."""

    async def __call__(self, channel: str, ref: str) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Checkout:
    """How the customer pays a payment request: a page to open, or a Telegram invoice."""

    provider: str
    url: str = ""
    invoice: tuple[tuple[str, int], ...] = ()
    """Telegram invoice lines (label, fen); empty for page-based providers."""


@dataclass(frozen=True, slots=True)
class RefundOutcome:
    done: bool
    provider_ref: str = ""
    note: str = ""


class PaymentGateway(Protocol):
    """A payment provider: start paying a request, give money back."""

    name: str

    async def start(self, payment: Payment, order: Order, title: str, payer: str) -> Checkout: ...

    async def refund(self, refund: Payment, original: Payment) -> RefundOutcome: ...

    async def query(self, payment: Payment) -> tuple[bool, str]:
        """(paid?, provider reference) — for providers that can be asked; others say no."""
        ...

    async def verify(self, payment: Payment, provider_ref: str) -> bool:
        """Whether the provider really holds this payment (``provider_ref`` as notified),
        before money that landed on a cancelled order is given back: asked again where the
        provider can be asked; a provider that cannot be asked answers from its own
        authenticated message."""
        ...
