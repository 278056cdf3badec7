"""Who is behind a chat account, and a customer's sign-up."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class AccountFound(Result):
    """The chat account is known: as a customer, a worker, or both."""

    customer_id: int | None
    worker_id: int | None
    lang: str


@dataclass(frozen=True, slots=True)
class LinkRequested(Result):
    """The code went to the chats of the account holding the phone (None: no other account
    holds it — the asker is told the same either way)."""

    customer_id: int | None
    target: str = ""
    """The key of the number's counters (a keyed hash): a lockout holds it too."""


@dataclass(frozen=True, slots=True)
class AccountLinked(Result):
    """This chat account is now the customer's."""

    customer_id: int


@dataclass(frozen=True, slots=True)
class WelcomeCoupon:
    code: str
    amount_cents: int
    threshold_cents: int


@dataclass(frozen=True, slots=True)
class CustomerRegistered(Result):
    """The account is a customer now (``welcome_coupon`` None: it was one already)."""

    customer_id: int
    welcome_coupon: WelcomeCoupon | None


@dataclass(frozen=True, slots=True)
class BirthdaySet(Result):
    """``SetBirthday``: the birthday kept (the same one again changes nothing)."""

    month: int
    day: int
