"""Distances on the earth's surface, in whole metres, and the one coordinate system points
are kept in: GCJ-02, the one Chinese map services (AMap, Tencent) and WeChat's location
messages use. Telegram and browsers give WGS-84 (GPS): ``wgs84_to_gcj02`` moves such a
point onto the same map (some 300–600 m in Shanghai), so a check-in compares like with like."""

from __future__ import annotations

from dataclasses import dataclass
from math import asin, cos, pi, radians, sin, sqrt

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


# GCJ-02 ("Mars coordinates"): the published obfuscation of the Krasovsky 1940 ellipsoid, as
# implemented alike by eviltransform, wandergis/coordtransform and hutool.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323


def in_china(p: GeoPoint) -> bool:
    """The rough box GCJ-02 applies in (outside it both systems are WGS-84)."""
    return 73.66 < p.lon < 135.05 and 3.86 < p.lat < 53.55


def _shift_lat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
    r += (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    r += (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0
    r += (160.0 * sin(y / 12.0 * pi) + 320.0 * sin(y * pi / 30.0)) * 2.0 / 3.0
    return r


def _shift_lon(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
    r += (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    r += (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0
    r += (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(p: GeoPoint) -> GeoPoint:
    """A WGS-84 (GPS) point as GCJ-02; unchanged outside China."""
    if not in_china(p):
        return p
    dlat = _shift_lat(p.lon - 105.0, p.lat - 35.0)
    dlon = _shift_lon(p.lon - 105.0, p.lat - 35.0)
    rad = p.lat / 180.0 * pi
    magic = 1 - _KRASOVSKY_EE * sin(rad) ** 2
    dlat = dlat * 180.0 / (_KRASOVSKY_A * (1 - _KRASOVSKY_EE) / (magic * sqrt(magic)) * pi)
    dlon = dlon * 180.0 / (_KRASOVSKY_A / sqrt(magic) * cos(rad) * pi)
    return GeoPoint(p.lat + dlat, p.lon + dlon)


def gcj02_to_wgs84(p: GeoPoint) -> GeoPoint:
    """The inverse, by fixed-point iteration (well under a metre inside China)."""
    guess = p
    for _ in range(4):
        moved = wgs84_to_gcj02(guess)
        guess = GeoPoint(guess.lat + p.lat - moved.lat, guess.lon + p.lon - moved.lon)
    return guess
