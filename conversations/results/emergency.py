"""What an emergency contact's screen shows and what setting one did (the phone masked)."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.events import Result


@dataclass(frozen=True, slots=True)
class EmergencyContactShown(Result):
    """``LoadEmergencyContact``: the contact (``name`` "" when none was given)."""

    name: str
    masked_phone: str
    relation: str


@dataclass(frozen=True, slots=True)
class EmergencyContactSaved(Result):
    """``SetEmergencyContact``: kept."""

    name: str
    masked_phone: str
    relation: str
