"""Money from the providers: payments confirmed, checkouts checked, refunds carried out."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


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
class ExecuteRefunds(Command):
    """Send pending refunds to their providers (after a cancellation; a sweep retries)."""

    order_id: int | None = None
    notify_customer: bool = True
