"""What the service layer answers about workers' documents: a renewal sent for approval, an
admin's decision, and the renewals waiting (``/renewals``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class CertificateRenewalSubmitted(Result):
    """The worker's new ``kind`` document waits for an admin; the copy it replaces counts
    until then."""

    kind: str
    expires_on: date


@dataclass(frozen=True, slots=True)
class CertificatesReviewed(Result):
    worker_id: int
    name: str
    approved: bool
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RenewalLine:
    worker_id: int
    name: str
    kind: str
    expires_on: date | None
    """The new copy's expiry."""
    current: date | None
    """The expiry of the copy it replaces (None: none held, or one that never expires)."""


@dataclass(frozen=True, slots=True)
class RenewalsListed(Result):
    lines: tuple[RenewalLine, ...]
