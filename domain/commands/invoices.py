"""Electronic invoices (发票): a customer's request, the sweep that issues them, finance's
retry of a failed one."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


@dataclass(frozen=True)
class RequestInvoice(Command):
    """One invoice per order in ``numbers``, each for what was paid on it and no earlier
    invoice of it covers (there must be some), to ``title``."""

    customer_id: int
    numbers: tuple[int, ...]
    kind: str
    title: str
    tax_id: str
    email: str
    lang: str = "zh"


@dataclass(frozen=True)
class IssueInvoices(Command):
    """Scheduler sweep: send requested invoices to the provider (each by one process, tried
    again with backoff), tell the customer the PDF; tell finance of failures and of orders
    refunded after their invoice was issued."""


@dataclass(frozen=True)
class RetryInvoice(Command):
    """``/invoices retry ID``: a failed invoice is tried again at the next sweep."""

    admin: str
    role: str
    invoice_id: int
