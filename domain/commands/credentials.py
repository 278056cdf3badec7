"""Workers' documents: a renewal uploaded in chat, an admin's decision on it, and the sweep
that reminds workers before a document expires (``domain.credentials``)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


@dataclass(frozen=True)
class RenewCertificate(Command):
    """Worker ``worker_id`` sent a new copy of their ``kind`` document (the photo kept under
    ``path``), valid until ``expires_on`` (ISO date): it waits for an admin."""

    worker_id: int
    kind: str
    path: str
    expires_on: str


@dataclass(frozen=True)
class ReviewCertificates(Command):
    """``/approve_cert ID`` or ``/reject_cert ID reason``: the worker's waiting documents."""

    admin: str
    role: str
    worker_id: int
    approve: bool
    reason: str = ""


@dataclass(frozen=True)
class RemindExpiringCertificates(Command):
    """Scheduler sweep: remind workers whose documents expire within the rule's days."""
