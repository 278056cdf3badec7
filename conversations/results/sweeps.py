"""What the scheduler's sweeps did: one result per sweep outcome, with the counts its tests and
logs read. ``RefundsQueued`` is what asking for refunds inside a chat turn answers (the
providers are asked once the turn has committed what it planned)."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class OutboxDrained(Result):
    """``DrainOutbox``: the messages delivered this round."""

    sent: int


@dataclass(frozen=True, slots=True)
class OffersExpired(Result):
    """``ExpireOffers``: the offers whose time ran out (each passed on, or left to another
    process that got there first)."""

    offers: int


@dataclass(frozen=True, slots=True)
class BatchDispatched(Result):
    """``BatchDispatch``: the orders waiting for the batch that were offered together."""

    orders: int


@dataclass(frozen=True, slots=True)
class OrdersAutoConfirmed(Result):
    """``AutoConfirm``: finished orders the customer did not confirm in time, confirmed."""

    orders: int


@dataclass(frozen=True, slots=True)
class RefundsExecuted(Result):
    """``ExecuteRefunds``: refunds the providers carried out, and those still pending (retried
    next time, or waiting for a hand)."""

    done: int
    pending: int


@dataclass(frozen=True, slots=True)
class RefundsQueued(Result):
    """``ExecuteRefunds`` inside a chat turn: the providers are asked after the turn commits."""


@dataclass(frozen=True, slots=True)
class PaymentsReconciled(Result):
    """``ReconcilePayments``: payments found by asking their provider — credited to their
    order, or given back (the order was cancelled meanwhile)."""

    credited: int
    returned: int


@dataclass(frozen=True, slots=True)
class DaySettled(Result):
    """``DailySettlement``: this process ran today's settlement; withdrawals paid out."""

    payouts: int


@dataclass(frozen=True, slots=True)
class PayoutsSent(Result):
    """``SendPayouts``: transfers paid, refused (the money back on the balance), and those
    still without an answer (asked about later)."""

    paid: int
    failed: int
    unknown: int


@dataclass(frozen=True, slots=True)
class DayAlreadySettled(Result):
    """``DailySettlement``: today's run was claimed before (here or by another process)."""


@dataclass(frozen=True, slots=True)
class RecurringGenerated(Result):
    """``GenerateRecurring``: the visits made into orders, and those skipped."""

    made: int
    skipped: int


@dataclass(frozen=True, slots=True)
class RemindersSent(Result):
    """``SendReminders``: the reminders sent."""

    reminders: int


@dataclass(frozen=True, slots=True)
class CertificateRemindersSent(Result):
    """``RemindExpiringCertificates``: the reminders sent (each claimed once)."""

    reminders: int


@dataclass(frozen=True, slots=True)
class TicketsChased(Result):
    """``TicketSweep``: the open support tickets looked at, and the SLA alerts sent."""

    tickets: int
    alerts: int


@dataclass(frozen=True, slots=True)
class ComplaintsChased(Result):
    """``ComplaintSweep``: the open complaints looked at, and the reminders and escalations
    their deadlines caused."""

    complaints: int
    steps: int


@dataclass(frozen=True, slots=True)
class QuarterLevelled(Result):
    """``QuarterlyLevels``: this quarter's levels set; how many changed."""

    period: str
    changed: int


@dataclass(frozen=True, slots=True)
class QuarterAlreadyLevelled(Result):
    """``QuarterlyLevels``: this quarter was levelled before (here or by another process)."""

    period: str


@dataclass(frozen=True, slots=True)
class SpotChecksSampled(Result):
    """``SampleSpotChecks``: the orders of yesterday picked for a spot check."""

    numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class UnpaidExpired(Result):
    """``ExpireUnpaid``: unpaid orders cancelled at their deadline."""

    expired: int


@dataclass(frozen=True, slots=True)
class ConversationsForgotten(Result):
    """``ForgetConversations``: the conversation checkpoints idle too long, and the outbox's
    sent and dead messages kept long enough, dropped."""

    checkpoints: int
    messages: int = 0


@dataclass(frozen=True, slots=True)
class UnsentUploadsForgotten(Result):
    """``ForgetUnsentUploads``: photos of what was never sent (an extra request, a sign-up
    or renewal, a complaint), deleted."""

    deleted: int


@dataclass(frozen=True, slots=True)
class PointsExpired(Result):
    """``ExpirePoints``: the customers whose points expired, and how many points went."""

    customers: int
    points: int


@dataclass(frozen=True, slots=True)
class MemberLevelsReviewed(Result):
    """``ReviewMemberLevels``: the customers whose kept level was reviewed, and of them those
    whose level fell (the spend no longer reaches it)."""

    customers: int
    lowered: int


@dataclass(frozen=True, slots=True)
class InvoicesIssued(Result):
    """``IssueInvoices``: invoices issued, attempts that failed (tried again later or given
    up), and issued invoices whose order was refunded since (finance told)."""

    issued: int
    failed: int
    flagged: int


@dataclass(frozen=True, slots=True)
class PoliciesSwept(Result):
    """``IssuePolicies``: policies issued, issuing attempts that failed (asked again later or
    given up), and policies voided (of cancelled or refunded orders)."""

    issued: int
    failed: int
    voided: int


@dataclass(frozen=True, slots=True)
class BirthdayCouponsGiven(Result):
    """``GiveBirthdayCoupons``: the customers given their birthday coupon today."""

    given: int


@dataclass(frozen=True, slots=True)
class BirthdaysAlreadyGiven(Result):
    """``GiveBirthdayCoupons`` for a day another run (or process) already claimed."""

    day: str


@dataclass(frozen=True, slots=True)
class CardsExpired(Result):
    """``ExpireCards``: holders told of their card's coming expiry, cards expired, purchases
    not paid in time lapsed."""

    reminded: int
    expired: int
    lapsed: int = 0


@dataclass(frozen=True, slots=True)
class DepositsReleased(Result):
    """``ReleaseDeposits``: the deposits paid back to workers who left in good standing."""

    released: int


@dataclass(frozen=True, slots=True)
class PlacementsSwept(Result):
    """``PlacementSweep``: periods the customer was asked to pay, periods settled, contracts
    offered a renewal."""

    asked: int
    settled: int
    offered: int = 0
