"""What the worker sign-up has been told so far: the sign-up flow's own data, kept as plain
JSON in ``conv.data["worker_register"]`` and read back strictly (anything else is a state an
older version saved, and the sign-up starts again)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class SignupData:
    name: str = ""
    phone: str = ""
    skills: tuple[str, ...] = ()
    center: tuple[float, float] | None = None
    """The base location (latitude, longitude), or None when working by districts."""
    radius_km: int = 0
    districts: tuple[str, ...] = ()
    documents: tuple[tuple[str, str], ...] = ()
    """(kind, stored path) of each document photo, in the order they came."""
    health_expiry: date | None = None
    cert_queue: tuple[str, ...] = ()
    """The certificates still to ask for (the chosen skills need them)."""

    def with_skill_toggled(self, skill: str) -> SignupData:
        if skill in self.skills:
            return replace(self, skills=tuple(s for s in self.skills if s != skill))
        return replace(self, skills=(*self.skills, skill))

    def with_document(self, kind: str, path: str) -> SignupData:
        """``path`` as the photo of ``kind``: in its place when one was sent before."""
        kinds = [k for k, _ in self.documents]
        if kind not in kinds:
            return replace(self, documents=(*self.documents, (kind, path)))
        at = kinds.index(kind)
        return replace(
            self, documents=(*self.documents[:at], (kind, path), *self.documents[at + 1 :])
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "phone": self.phone,
            "skills": list(self.skills),
            "center": list(self.center) if self.center else None,
            "radius_km": self.radius_km,
            "districts": list(self.districts),
            "documents": [list(d) for d in self.documents],
            "health_expiry": self.health_expiry.isoformat() if self.health_expiry else None,
            "cert_queue": list(self.cert_queue),
        }

    @classmethod
    def from_json(cls, raw: object) -> SignupData | None:
        """The data ``to_json`` wrote; None for anything else."""
        if not isinstance(raw, dict) or set(raw) != FIELDS:
            return None
        try:
            center, expiry = raw["center"], raw["health_expiry"]
            return cls(
                name=_text(raw["name"]),
                phone=_text(raw["phone"]),
                skills=_texts(raw["skills"]),
                center=None if center is None else _point(center),
                radius_km=_int(raw["radius_km"]),
                districts=_texts(raw["districts"]),
                documents=tuple(_pair(d) for d in _list(raw["documents"])),
                health_expiry=None if expiry is None else date.fromisoformat(_text(expiry)),
                cert_queue=_texts(raw["cert_queue"]),
            )
        except (TypeError, ValueError):
            return None


FIELDS = frozenset(f.name for f in fields(SignupData))


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _int(value: object) -> int:
    if type(value) is not int:
        raise TypeError(value)
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(value)
    return value


def _texts(value: object) -> tuple[str, ...]:
    return tuple(_text(v) for v in _list(value))


def _pair(value: object) -> tuple[str, str]:
    kind, path = _texts(value)  # a ValueError unless two
    return kind, path


def _point(value: object) -> tuple[float, float]:
    lat, lon = _list(value)  # a ValueError unless two
    return _coordinate(lat), _coordinate(lon)


def _coordinate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    return float(value)
