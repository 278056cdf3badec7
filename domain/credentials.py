"""Workers' documents over time: which copy of a document counts, when one is due a reminder
before it expires (``rules.notifications.certificate_reminder_days``), and renewals.

A renewal is a new copy of a document the worker uploads in chat: unverified until an admin
approves it, so the copy it replaces keeps counting meanwhile (the worker stays on the jobs it
allows until it expires). Approving verifies the new copy and drops the copies it replaces;
rejecting drops the new copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.errors import DomainError
from domain.people import DOCUMENT_TEXT, Certificate
from domain.text import N_


def valid_documents(certificates: Iterable[Certificate]) -> dict[str, date | None]:
    """Each verified document type and when it expires: the latest of its verified copies
    (None: it never does). Unverified copies (waiting for approval) do not count."""
    out: dict[str, date | None] = {}
    for c in certificates:
        if not c.verified:
            continue
        if c.kind not in out:
            out[c.kind] = c.expires_on
            continue
        held = out[c.kind]
        out[c.kind] = None if held is None or c.expires_on is None else max(held, c.expires_on)
    return out


def lacking(
    needed: Iterable[str], certificates: Iterable[Certificate], last_day: date
) -> str | None:
    """The first document of ``needed`` the worker has no verified copy of, or whose copy
    expires before ``last_day`` (None: they hold them all)."""
    held = valid_documents(certificates)
    for kind in needed:
        if kind not in held:
            return kind
        expires = held[kind]
        if expires is not None and expires < last_day:
            return kind
    return None


class CredentialLacking(DomainError):
    """An admin gives a job to a worker without a valid document it needs."""

    def __init__(self, worker_id: int, kind: str) -> None:
        document = DOCUMENT_TEXT.get(kind, kind.replace("_", " "))
        super().__init__(
            N_(
                "师傅 {worker_id} 没有有效的{document}(缺失或已过期),不能接这单",
                worker_id=worker_id,
                document=document,
            )
        )


def pending(certificates: Iterable[Certificate]) -> tuple[Certificate, ...]:
    """The copies waiting for an admin."""
    return tuple(c for c in certificates if not c.verified)


def with_renewal(certificates: Sequence[Certificate], new: Certificate) -> tuple[Certificate, ...]:
    """The documents with ``new`` waiting for approval (replacing a copy of its type that
    was already waiting)."""
    kept = tuple(c for c in certificates if c.verified or c.kind != new.kind)
    return (*kept, Certificate(new.kind, new.file_ref, new.expires_on, False))


def approved(certificates: Sequence[Certificate]) -> tuple[Certificate, ...]:
    """The documents once the waiting copies are approved: each verified, and the older copies
    of their types gone."""
    renewed = {c.kind for c in certificates if not c.verified}
    return tuple(
        Certificate(c.kind, c.file_ref, c.expires_on, True)
        for c in certificates
        if not c.verified or c.kind not in renewed
    )


def rejected(certificates: Sequence[Certificate]) -> tuple[Certificate, ...]:
    """The documents once the waiting copies are turned down."""
    return tuple(c for c in certificates if c.verified)


@dataclass(frozen=True, slots=True)
class ExpiryReminder:
    """Tell worker ``worker_id`` that their ``kind`` expires on ``expires_on``: the reminder
    ``days`` before (one of the rule's days)."""

    worker_id: int
    kind: str
    expires_on: date
    days: int

    @property
    def claim(self) -> tuple[str, str]:
        """(name, period) of the once-only claim that sends it (``job_runs``): a renewed
        document has a new expiry, so its reminders are new ones."""
        return f"cert{self.days}:{self.worker_id}:{self.kind}"[:40], self.expires_on.isoformat()


def due_reminders(
    worker_id: int, certificates: Sequence[Certificate], today: date, days: Sequence[int]
) -> list[ExpiryReminder]:
    """The reminders due today for one worker's documents: for each document that has not
    expired, the nearest of ``days`` it is within (a reminder missed while the sweep was not
    running is not sent late once a nearer one is due). Nothing for a document with a renewal
    waiting for approval."""
    waiting = {c.kind for c in pending(certificates)}
    out: list[ExpiryReminder] = []
    for kind, expires in valid_documents(certificates).items():
        if expires is None or kind in waiting or expires < today:
            continue
        left = (expires - today).days
        within = [d for d in sorted(days) if left <= d]
        if within:
            out.append(ExpiryReminder(worker_id, kind, expires, within[0]))
    return out
