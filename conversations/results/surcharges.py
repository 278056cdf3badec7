"""On-site extra charges (``domain.surcharge``) as the worker and the customer see them, and
the fee of a late move paid like them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from conversations.results.booking import PaymentDue


@dataclass(frozen=True, slots=True)
class SurchargeRequested(Result):
    """The worker's request went to the customer, who answers by ``answer_by``."""

    number: int
    amount_cents: int
    answer_by: datetime


@dataclass(frozen=True, slots=True)
class SurchargeApproved(Result):
    """The customer approved: the extra joined the order; ``due`` is its payment."""

    number: int
    amount_cents: int
    due: PaymentDue


@dataclass(frozen=True, slots=True)
class SurchargeDeclined(Result):
    """The customer declined: the job goes on at the original price."""

    number: int


@dataclass(frozen=True, slots=True)
class SurchargesLapsed(Result):
    """``ExpireSurcharges``: requests nobody answered in time."""

    lapsed: int


@dataclass(frozen=True, slots=True)
class RescheduleFeeDue(Result):
    """A move with a fee: the order moves to ``start_at`` once ``due`` is paid."""

    number: int
    start_at: datetime
    fee_cents: int
    due: PaymentDue
