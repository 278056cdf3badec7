"""What the scheduler runs: sweeps over deadlines stored with the data."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


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
class SendPayouts(Command):
    """Scheduler sweep: transfer approved withdrawals through the payout provider; ask about
    transfers whose answer was lost (each withdrawal claimed by one process at a time)."""


@dataclass(frozen=True)
class GenerateRecurring(Command):
    """Scheduler sweep: make the orders of recurring visits that are coming up."""


@dataclass(frozen=True)
class SendReminders(Command):
    """Scheduler sweep: day-before and hour-before service reminders, and confirm reminders."""


# after-sales


@dataclass(frozen=True)
class ComplaintSweep(Command):
    """Scheduler sweep: escalate unanswered complaints, compensate overdue ones."""


@dataclass(frozen=True)
class QuarterlyLevels(Command):
    """Scheduler sweep: recalculate every worker's level once a quarter."""


@dataclass(frozen=True)
class SampleSpotChecks(Command):
    """Scheduler sweep: pick yesterday's spot checks (once a day)."""


@dataclass(frozen=True)
class ForgetConversations(Command):
    """Drop the conversation checkpoints idle longer than ``domain.turns.CONVERSATION_KEEP``."""


@dataclass(frozen=True)
class ForgetUnsentUploads(Command):
    """Sweep: photos kept for what a person left mid-way and never sent (an on-site extra
    request, a sign-up or document renewal, a complaint) are deleted
    ``execution.unsent_photo_hours`` after they were uploaded — any an order's photos, a
    worker's documents or a complaint name stay."""


@dataclass(frozen=True)
class GiveBirthdayCoupons(Command):
    """Scheduler sweep: today's birthday coupons, once a day (claimed) and once a year each."""


@dataclass(frozen=True)
class ExpirePoints(Command):
    """Scheduler sweep: points past their expiry go (what is left of each earning)."""


@dataclass(frozen=True)
class ReviewMemberLevels(Command):
    """Scheduler sweep: member levels whose keeping ended are reviewed by the spend
    (``domain.membership.standing``): kept afresh where it still reaches them, else lowered,
    silently."""
