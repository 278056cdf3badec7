"""Where a typed address is: the map web services (AMap, Tencent Maps) and the offline
district table behind them (``domain.gazetteer``).

``build`` makes the geocoder ``DAOJIA_GEOCODER`` names: ``amap`` or ``tencent`` (with
``DAOJIA_GEOCODER_KEY``; ``DAOJIA_GEOCODER_API_BASE`` points elsewhere, e.g. a test server),
or ``offline``. A map service is asked once per address (``bots.geocode_cache`` remembers
its answers); when it fails, times out, or places the text no better than its city, the
offline table answers — so ``locate`` never raises into the chat.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from domain import gazetteer
from domain.gateways import Geocoder
from domain.geo import Located
from domain.people import GeoPoint

log = logging.getLogger(__name__)

TIMEOUT_S = 3.0
"""A map service slower than this is not waited for: the offline table answers."""
API_BASES = {"amap": "https://restapi.amap.com", "tencent": "https://apis.map.qq.com"}

AMAP_UNCERTAINTY_M = {
    "门牌号": 50,
    "单元号": 30,
    "楼栋": 30,
    "兴趣点": 100,
    "道路交叉路口": 300,
    "道路": 1_500,
    "热点商圈": 1_500,
    "村庄": 2_000,
    "乡镇": 4_000,
    "开发区": 4_000,
}
"""AMap's ``level`` of a match → how far the place may be from the point; a level missing
here (区县, 市, 省, 国家) is no better than the offline table."""


class OfflineGeocoder:
    """The district table: no key, no network."""

    name = gazetteer.OFFLINE

    async def locate(self, text: str, city_hint: str) -> Located | None:
        return gazetteer.locate(text, city_hint)


class _MapService:
    """What the AMap and Tencent adapters share: one GET with a timeout, a lazily opened
    HTTP session, and the district named as workers name it."""

    name = ""

    def __init__(
        self, *, key: str, api_base: str | None = None, timeout_s: float = TIMEOUT_S
    ) -> None:
        self.key = key
        self.api_base = (api_base or API_BASES[self.name]).rstrip("/")
        self.timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _get(self, path: str, params: dict[str, str]) -> Any:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout_s)
            )
        async with self._session.get(self.api_base + path, params=params) as response:
            response.raise_for_status()
            return await response.json(content_type=None)

    @staticmethod
    def _district(name: object, point: GeoPoint, city: str) -> str:
        """The map's district in the table's spelling (workers choose from it), else the
        district the point lies in."""
        text = name if isinstance(name, str) else ""  # AMap says [] for "none"
        return gazetteer.known_district(text, city) or text or gazetteer.district_at(point, city)


class AMapGeocoder(_MapService):
    """AMap's web service geocoder (``/v3/geocode/geo``)."""

    name = "amap"

    async def locate(self, text: str, city_hint: str) -> Located | None:
        params = {"address": text, "key": self.key, "city": city_hint, "output": "JSON"}
        body = await self._get("/v3/geocode/geo", params)
        if str(body.get("status")) != "1" or not body.get("geocodes"):
            return None
        first = body["geocodes"][0]
        uncertainty = AMAP_UNCERTAINTY_M.get(str(first.get("level", "")))
        if uncertainty is None:
            return None
        lng, lat = (float(part) for part in str(first["location"]).split(","))
        point = GeoPoint(lat, lng)
        street = first.get("street")
        return Located(
            point,
            self._district(first.get("district"), point, city_hint),
            street if isinstance(street, str) else "",
            uncertainty,
            self.name,
        )


class TencentGeocoder(_MapService):
    """Tencent Maps' web service geocoder (``/ws/geocoder/v1/``)."""

    name = "tencent"

    async def locate(self, text: str, city_hint: str) -> Located | None:
        address = text if city_hint in text else city_hint + text
        body = await self._get("/ws/geocoder/v1/", {"address": address, "key": self.key})
        if body.get("status") != 0 or not isinstance(body.get("result"), dict):
            return None
        result = body["result"]
        reliability = int(result.get("reliability", 0))
        if reliability < 3:  # the city, or a guess
            return None
        deviation = int(result.get("deviation", 0) or 0)  # -1: not estimated
        uncertainty = deviation if deviation > 0 else (100 if reliability >= 7 else 1_500)
        point = GeoPoint(float(result["location"]["lat"]), float(result["location"]["lng"]))
        parts = result.get("address_components") or {}
        return Located(
            point,
            self._district(parts.get("district"), point, city_hint),
            str(parts.get("street") or ""),
            uncertainty,
            self.name,
        )


class WithFallback:
    """A map service, and the offline table when it cannot answer (never raises)."""

    def __init__(self, service: Geocoder | None) -> None:
        self.service = service
        self.offline = OfflineGeocoder()
        self.name = service.name if service else self.offline.name

    async def locate(self, text: str, city_hint: str) -> Located | None:
        if self.service is not None:
            try:
                found = await self.service.locate(text, city_hint)
            except Exception as exc:  # an outage, a timeout, an answer we cannot read
                log.warning("geocoder %s failed: %s", self.service.name, type(exc).__name__)
                found = None
            if found is not None:
                return found
        return await self.offline.locate(text, city_hint)


def build(
    kind: str, key: str | None, api_base: str | None
) -> AMapGeocoder | TencentGeocoder | None:
    """The map service ``DAOJIA_GEOCODER`` names, or None for ``offline``."""
    if kind == "amap" and key:
        return AMapGeocoder(key=key, api_base=api_base)
    if kind == "tencent" and key:
        return TencentGeocoder(key=key, api_base=api_base)
    return None
