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
class WelcomeCoupon:
    code: str
    amount_cents: int
    threshold_cents: int


@dataclass(frozen=True, slots=True)
class CustomerRegistered(Result):
    """The account is a customer now (``welcome_coupon`` None: it was one already)."""

    customer_id: int
    welcome_coupon: WelcomeCoupon | None
