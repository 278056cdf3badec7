"""Electronic invoices (发票): a customer asks for one for what they paid on an order and was
not invoiced yet — an order paid in parts (a deposit then the balance, a placement's periods,
extras, a reschedule fee) gets one invoice per request, each for the money paid since the last
— for themselves or for a company (its name and tax id), sent to an email address; an
invoicing provider issues it out of the chat path (``IssueInvoices``), and the PDF link
comes back in chat and by email.

Pure: validation of what the customer types (tax ids with their check digit, email addresses),
the amount an order may still be invoiced for, and the retry schedule of a provider that failed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.orders import Order
from domain.rules import PaymentRules
from domain.text import N_, Text


class InvoiceStatus(StrEnum):
    REQUESTED = "requested"
    """Waiting for the sweep (new, or to be tried again at ``next_attempt_at``)."""
    ISSUING = "issuing"
    """Held by one process while it asks the provider (until ``claimed_until``)."""
    ISSUED = "issued"
    FAILED = "failed"
    """The provider failed every attempt: finance sees it and may try again."""


class TitleKind(StrEnum):
    PERSONAL = "personal"
    COMPANY = "company"


STATUS_TEXT: dict[str, Text] = {
    InvoiceStatus.REQUESTED: N_("待开票"),
    InvoiceStatus.ISSUING: N_("开票中"),
    InvoiceStatus.ISSUED: N_("已开票"),
    InvoiceStatus.FAILED: N_("开票失败"),
}
KIND_TEXT: dict[str, Text] = {
    TitleKind.PERSONAL: N_("个人"),
    TitleKind.COMPANY: N_("单位"),
}
PERSONAL_TITLE = "个人"
"""The title a personal invoice carries when no name is given (what the invoice says)."""


def named_title(kind: str, title: str) -> str:
    """The title beyond its kind, as typed: "" for a personal one without a name, whose title
    is only its kind (shown by its kind's name in the reader's language, never 个人 as such)."""
    return "" if kind == TitleKind.PERSONAL and title == PERSONAL_TITLE else title


@dataclass
class InvoiceRequest:
    """One invoice of one order, for ``amount_cents`` of what was paid on it (an order may have
    several: each covers money no other one covers). ``tax_id`` and ``email`` are personal
    data: encrypted at rest."""

    order_id: int
    number: int
    """The order's number (what the customer and finance see)."""
    customer_id: int
    kind: TitleKind
    title: str
    tax_id: str
    email: str
    amount_cents: int
    item: str
    """What the invoice is for (the service's name, in Chinese)."""
    created_at: datetime
    next_attempt_at: datetime
    lang: str = "zh"
    status: InvoiceStatus = InvoiceStatus.REQUESTED
    attempts: int = 0
    claimed_until: datetime | None = None
    invoice_no: str = ""
    pdf_url: str = ""
    note: str = ""
    issued_at: datetime | None = None
    refund_flagged_at: datetime | None = None
    """When finance was told that the order was refunded after its invoice was issued (a
    red-letter invoice is theirs to make)."""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class TitleDefaults:
    """What the customer gave last time, offered again."""

    kind: str = ""
    title: str = ""
    tax_id: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Covered:
    """What an order's invoices (requested, being issued, issued or failed — a failed one
    may be tried again) already cover."""

    cents: int = 0
    count: int = 0


def invoiceable_cents(order: Order, covered: Covered | None = None) -> int:
    """What an order may be invoiced for now: paid minus refunded, less what its invoices
    already cover (never below nothing)."""
    taken = covered.cents if covered is not None else 0
    return max(order.paid_cents - order.refunded_cents - taken, 0)


def still_owed(invoice: InvoiceRequest, order: Order, others: Covered) -> int:
    """What an invoice not issued yet is for as the order now stands: what it was asked for,
    lowered by a refund since to what the order's other invoices leave (0: nothing is left to
    invoice). Money paid since is never added: it is a later request's."""
    return min(invoice.amount_cents, invoiceable_cents(order, others))


# the unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from this
# alphabet (no I, O, Z, S, V), the last a check character over the first 17
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")
_LEGACY = re.compile(r"^[0-9A-Z]{15}$|^[0-9A-Z]{20}$")
"""Taxpayer numbers from before the unified code (15 characters; 20 for some individual
businesses), still printed on invoices of companies that never re-registered."""


def uscc_check(first17: str) -> str:
    """The check character of a unified social credit code's first 17 characters."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_tax_id(text: str) -> str | None:
    """A tax id as typed (full-width characters, spaces, lower case) in its canonical form,
    or None when it is not one: an 18-character unified code must carry its check character;
    a 15- or 20-character legacy number is taken as it is (it has no check character that
    all of them share)."""
    folded = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if _USCC.match(folded):
        return folded if uscc_check(folded[:17]) == folded[17] else None
    if _LEGACY.match(folded):
        return folded
    return None


_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def normalise_email(text: str) -> str | None:
    """An email address as typed (full-width ＠, spaces around it), or None when it is not
    one an invoice can be sent to (local part and a domain with a dot, no quoting)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not _EMAIL.match(folded) or ".." in folded:
        return None
    local, domain = folded.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


TITLE_MAX = 100


def normalise_title(text: str) -> str | None:
    """A company's name as it should be printed, or None when empty or too long."""
    title = " ".join(unicodedata.normalize("NFKC", text).split())
    return title if 2 <= len(title) <= TITLE_MAX else None


def retry_at(attempts: int, now: datetime, rules: PaymentRules) -> datetime:
    """When to try the provider again after the ``attempts``-th failure (backoff, capped)."""
    seconds = min(
        rules.invoice_retry_base_s * 2 ** max(attempts - 1, 0), rules.invoice_retry_cap_s
    )
    return now + timedelta(seconds=seconds)


def after_failure(invoice: InvoiceRequest, note: str, now: datetime, rules: PaymentRules) -> None:
    """A provider attempt failed: back to ``requested`` for a later try, or ``failed`` once
    the attempts are spent (finance is told)."""
    invoice.attempts += 1
    invoice.note = note[:300]
    invoice.claimed_until = None
    if invoice.attempts >= rules.invoice_max_attempts:
        invoice.status = InvoiceStatus.FAILED
        return
    invoice.status = InvoiceStatus.REQUESTED
    invoice.next_attempt_at = retry_at(invoice.attempts, now, rules)
