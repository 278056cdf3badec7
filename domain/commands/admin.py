"""What an admin asks in chat (each checks the admin's role again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.commands.base import Command


@dataclass(frozen=True)
class ShowWorker(Command):
    admin: str
    role: str
    worker_id: int


@dataclass(frozen=True)
class ShowCustomer(Command):
    """``/customer PHONE|ID``: the customer's card (a command: a phone shown in full is
    audited)."""

    admin: str
    role: str
    phone: str = ""
    """The phone number typed, normalised (``phones.normalise_phone``); "" for an id."""
    customer_id: int | None = None


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
class WaiveBalance(Command):
    """Finance forgives what the customer still owes on a finished order (``/waive``)."""

    admin: str
    role: str
    number: int
    reason: str


@dataclass(frozen=True)
class MarkRefunded(Command):
    admin: str
    role: str
    reference: str


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
class ShowComplaint(Command):
    admin: str
    role: str
    complaint_id: int


@dataclass(frozen=True)
class RecalculateLevels(Command):
    """An admin asks for worker levels now (all workers, or one)."""

    admin: str
    role: str
    worker_id: int | None = None


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
class ShowOrder(Command):
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
class AdminReschedule(Command):
    """An admin moves an order to another time (no fee; audited)."""

    admin: str
    role: str
    number: int
    new_start: datetime


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
class CreatePromo(Command):
    """``/promo``: a code anyone may type at checkout, e.g. "SPRING20"."""

    admin: str
    role: str
    code: str
    amount_cents: int
    threshold_cents: int
    days: int
    total: int
    per_customer: int


@dataclass(frozen=True)
class Broadcast(Command):
    """``/broadcast TEXT``: a preview (what customers will read, how many accounts it
    reaches) kept as a draft; nothing is sent until :class:`SendBroadcast`."""

    admin: str
    role: str
    text: str


@dataclass(frozen=True)
class SendBroadcast(Command):
    """``/broadcast send ID``: the confirmation; the draft goes out once, however often it is
    confirmed."""

    admin: str
    role: str
    draft: int


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
class OpenDashboard(Command):
    """A signed, short-lived link to the web dashboard for this admin."""

    admin: str
    role: str
