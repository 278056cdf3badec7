"""The append-only audit log: who did what, when, with before and after values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    target: str
    role: str = ""
    before: dict[str, object] = field(default_factory=dict)
    after: dict[str, object] = field(default_factory=dict)


def contact_read(
    at: datetime,
    actor: str,
    role: str,
    action: str,
    target: str,
    fields: list[str],
    **about: object,
) -> AuditEntry:
    """An admin was shown a person's phone or address in full (or what they wrote and
    photographed, for a complaint): which fields, never their values."""
    return AuditEntry(at, actor, action, target, role, {}, {**about, "fields": fields})
