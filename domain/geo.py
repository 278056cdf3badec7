"""Distances on the earth's surface, in whole metres."""

from __future__ import annotations

from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

from domain.people import GeoPoint
from domain.text import N_, Text

EARTH_RADIUS_M = 6_371_000


def distance_m(a: GeoPoint, b: GeoPoint) -> int:
    """Great-circle (haversine) distance between two points, rounded to the metre."""
    dlat = radians(b.lat - a.lat)
    dlon = radians(b.lon - a.lon)
    h = sin(dlat / 2) ** 2 + cos(radians(a.lat)) * cos(radians(b.lat)) * sin(dlon / 2) ** 2
    return round(2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(h))))


@dataclass(frozen=True, slots=True)
class Located:
    """Where an address is, as a geocoder found it: a point, its district, the street where
    known, and how far the real place may be from the point (metres: a few for a map pin or
    a house number, a district's radius for a district named in the text)."""

    point: GeoPoint
    district: str = ""
    street: str = ""
    uncertainty_m: int = 0
    source: str = ""
    """Who located it: ``pin`` (the customer's map pin), ``amap``, ``tencent``, ``offline``."""


LOCATED_BY_TEXT: dict[str, Text] = {
    "pin": N_("地图位置"),
    "amap": N_("高德地图"),
    "tencent": N_("腾讯地图"),
    "offline": N_("按区估算"),
}
"""Who located an address (``Located.source``), as ops read it in an order's detail."""


def metres_text(metres: int) -> str:
    """``50 m``, ``1.5 km``, ``6 km``."""
    if metres < 1000:
        return f"{metres} m"
    whole, tenth = metres // 1000, metres % 1000 // 100
    return f"{whole} km" if tenth == 0 else f"{whole}.{tenth} km"
