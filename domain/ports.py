"""What the service layer needs from persistence; ``store`` implements these Protocols (money
and what customers pay for: ``domain.money_ports``; people: ``domain.people_ports``; the admin
side's audit, grants, prices and throttles: ``domain.admin_ports``; the unit of work here
holds them all)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, Self

from domain.admin_ports import Admins, Audit, Prices, Throttles
from domain.aftersales import Complaint, ComplaintStatus, Rater, Rating
from domain.campaigns import Marketing
from domain.credit import WorkerRecord
from domain.emergency import EmergencyContact, Holder
from domain.lifecycle import OrderStatus
from domain.media import JobPhoto
from domain.money_ports import (
    Cards,
    Coupons,
    Invoices,
    Ledger,
    Payments,
    PayoutAccounts,
    PayoutClaims,
    Policies,
    Promos,
    SettlementRuns,
    Withdrawals,
)
from domain.offers import Offer, OfferStatus
from domain.orders import Order, StatusChanged
from domain.outbox import OutboxMessage
from domain.oversight import Flag, LoyaltyStats, OrderBrief, PeriodStats
from domain.payments import Payment
from domain.people_ports import Addresses, Customers, Identities, LinkLimits, Workers
from domain.placement_ports import Placements
from domain.points import Membership
from domain.pricing import QuoteLine
from domain.recurring import DueBy, Subscription
from domain.relay import RelayMessage
from domain.reminders import Reminder
from domain.support import Ticket, TicketMessage
from domain.surcharge import Surcharge, SurchargeStatus
from domain.turns import Checkpoints


class Orders(Protocol):
    async def next_number(self) -> int: ...
    async def add(self, order: Order, payment: Payment | None = None) -> Order: ...
    async def save(self, order: Order, now: datetime, *, if_changed: bool = False) -> None: ...
    async def get(
        self, order_id: int, *, full: bool = True, lock: bool = False
    ) -> Order | None: ...
    async def of_payment(self, reference: str) -> tuple[Order, Payment] | None: ...
    async def quote_lines(self, order_id: int) -> tuple[QuoteLine, ...]: ...
    async def by_number(
        self, number: int, *, full: bool = True, timeline: bool = True
    ) -> Order | None: ...
    async def for_customer(self, customer_id: int, limit: int = 10) -> list[Order]: ...
    async def lock(self, order_id: int) -> None: ...
    async def customer_stats(
        self, customer_id: int, counted: Sequence[OrderStatus], since: datetime
    ) -> tuple[int, int]: ...
    async def worker_bookings(
        self,
        worker_ids: Sequence[int],
        since: datetime,
        until: datetime,
        reach_back: timedelta = ...,
    ) -> list[tuple[int, datetime, int, OrderStatus]]: ...
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
        renewal_before: datetime,
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
    async def reset_reminders(self, order_id: int) -> None: ...


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
    async def named(self, paths: Sequence[str]) -> set[str]:
        """Those of ``paths`` an order's photo is (its file must stay)."""
        ...


class Surcharges(Protocol):
    """On-site extra charges (``domain.surcharge``); a request is answered once."""

    async def add(self, s: Surcharge) -> Surcharge: ...
    async def add_lines(self, order: Order, lines: Sequence[QuoteLine]) -> None:
        """Append the approved request's lines to the order's quote lines."""
        ...

    async def open_for_order(self, order_id: int) -> Surcharge | None: ...
    async def for_order(self, order_id: int) -> list[Surcharge]: ...
    async def get(self, surcharge_id: int) -> Surcharge | None: ...
    async def due(self, now: datetime, limit: int) -> list[int]: ...
    async def answer(
        self, s: Surcharge, status: SurchargeStatus, now: datetime, reference: str = ""
    ) -> bool: ...


class AdminReports(Protocol):
    async def stats(self, start: datetime, end: datetime) -> PeriodStats: ...
    async def loyalty(self, start: datetime, end: datetime) -> LoyaltyStats: ...
    async def orders(
        self,
        statuses: Sequence[str],
        start: datetime | None,
        end: datetime | None,
        limit: int = 30,
        booked: tuple[datetime, datetime] | None = None,
    ) -> tuple[int, list[OrderBrief]]: ...
    async def flagged(
        self,
        now: datetime,
        accept_within: timedelta,
        respond_within: timedelta,
        limit: int = 50,
        starting: tuple[datetime, datetime] | None = None,
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
    async def photos_named(self, paths: Sequence[str]) -> set[str]:
        """Those of ``paths`` (``complaints/{number}/…``) a complaint's photo is (its file
        must stay)."""
        ...


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
    async def due(self, by: DueBy, limit: int = 100) -> list[tuple[int, datetime]]: ...
    async def advance(
        self, sub_id: int, expected: datetime, following: datetime, *, stop: bool = False
    ) -> bool: ...
    async def visit_order(self, sub_id: int, start_at: datetime) -> int | None:
        """The number of the subscription's order at ``start_at`` (any status), if any."""
        ...

    async def visit_failed(self, sub_id: int, expected: datetime, at: datetime) -> datetime | None:
        """Note the visit at ``expected`` failed ``at``; when it first failed (None: moved on)."""
        ...

    async def stop(self, sub_id: int, customer_id: int) -> bool: ...
    async def end_unpaid(self, order_id: int) -> list[Subscription]: ...


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

    async def forget_before(self, when: datetime) -> int:
        """Drop the sent and dead messages written before ``when``; return how many."""
        ...


class Tickets(Protocol):
    """Support tickets (``domain.support``); message text encrypted at rest."""

    async def add(self, ticket: Ticket) -> Ticket: ...
    async def get(self, ticket_id: int, *, lock: bool = False) -> Ticket | None: ...
    async def open_for(self, customer_id: int) -> Ticket | None: ...
    async def last_closed_for(self, customer_id: int) -> Ticket | None: ...
    async def open_tickets(self, limit: int = 200) -> list[Ticket]: ...
    async def add_message(self, ticket_id: int, message: TicketMessage) -> None: ...
    async def save(self, ticket: Ticket) -> None: ...
    async def claim_alert(self, ticket: Ticket, level: int) -> bool:
        """Move an unanswered ticket to SLA step ``level`` once across processes."""
        ...


class RelayMessages(Protocol):
    """The masked relay chat's messages (``domain.relay``); text and location encrypted.
    ``wrote_to``: (order id, last at) of a worker's orders whose customer wrote since."""

    async def add(self, message: RelayMessage) -> RelayMessage: ...
    async def for_order(self, order_id: int, limit: int = 200) -> list[RelayMessage]:
        """The order's messages, oldest first (the last ``limit``)."""
        ...

    async def wrote_to(self, worker_id: int, since: datetime) -> list[tuple[int, datetime]]: ...


class EmergencyContacts(Protocol):
    """Customers' and workers' emergency contacts (``domain.emergency``), encrypted at rest."""

    async def get(self, holder: Holder, holder_id: int) -> EmergencyContact | None: ...
    async def save(
        self, holder: Holder, holder_id: int, contact: EmergencyContact, now: datetime
    ) -> None: ...


class Reads(Protocol):
    """A unit of work as a view sees it (``conversations.services.views``): the
    repositories, already inside the transaction, and no ``commit`` — mypy keeps views from
    changing anything, and a unit of work that is not committed rolls back."""

    orders: Orders
    customers: Customers
    workers: Workers
    identities: Identities
    addresses: Addresses
    payments: Payments
    ledger: Ledger
    coupons: Coupons
    promos: Promos
    audit: Audit
    offers: Offers
    photos: Photos
    withdrawals: Withdrawals
    payout_accounts: PayoutAccounts
    payout_claims: PayoutClaims
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
    link_limits: LinkLimits
    admin_reports: AdminReports
    checkpoints: Checkpoints
    membership: Membership
    invoices: Invoices
    policies: Policies
    marketing: Marketing
    cards: Cards
    tickets: Tickets
    relay: RelayMessages
    surcharges: Surcharges
    emergency_contacts: EmergencyContacts
    placements: Placements


class UnitOfWork(Reads, Protocol):
    """One transaction: ``async with uow: …; await uow.commit()``; no commit, no change."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...
    def collect_new_events(self) -> list[StatusChanged]: ...
