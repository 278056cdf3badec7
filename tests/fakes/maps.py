"""A fake map web service on loopback: AMap's ``/v3/geocode/geo`` and Tencent Maps'
``/ws/geocoder/v1/`` answer from ``places`` (address text → lat, lon, district, level), as
the real services shape their JSON; ``down`` makes every request fail (HTTP 502)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.server import LoopbackServer

KEY = "test-map-key"


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    district: str
    street: str = ""
    amap_level: str = "门牌号"
    tencent_reliability: int = 7


class FakeMaps(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.places: dict[str, Place] = {}
        """Known addresses: a request whose address contains the key is answered with it."""
        self.down = False
        self.hang = False
        """Hold every request until the test ends (a client's timeout gives up first)."""
        self._released = asyncio.Event()
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.app.router.add_get("/v3/geocode/geo", self.amap)
        self.app.router.add_get("/ws/geocoder/v1/", self.tencent)

    def _find(self, address: str) -> Place | None:
        return next((p for text, p in self.places.items() if text in address), None)

    async def stop(self) -> None:
        self._released.set()
        await super().stop()

    async def _refused(self, request: web.Request) -> web.Response | None:
        self.calls.append((request.path, dict(request.query)))
        if self.hang:
            await self._released.wait()
        if self.down:
            return web.Response(status=502, text="bad gateway")
        return None

    async def amap(self, request: web.Request) -> web.Response:
        if (refused := await self._refused(request)) is not None:
            return refused
        if request.query.get("key") != KEY:
            return web.json_response({"status": "0", "info": "INVALID_USER_KEY", "count": "0"})
        place = self._find(request.query.get("address", ""))
        if place is None:
            return web.json_response({"status": "1", "info": "OK", "count": "0", "geocodes": []})
        geocode: dict[str, Any] = {
            "formatted_address": "上海市" + place.district + place.street,
            "province": "上海市",
            "city": "上海市",
            "district": place.district,
            "street": place.street or [],
            "location": f"{place.lon:.6f},{place.lat:.6f}",
            "level": place.amap_level,
        }
        return web.json_response(
            {"status": "1", "info": "OK", "count": "1", "geocodes": [geocode]}
        )

    async def tencent(self, request: web.Request) -> web.Response:
        if (refused := await self._refused(request)) is not None:
            return refused
        if request.query.get("key") != KEY:
            return web.json_response({"status": 311, "message": "key格式错误"})
        place = self._find(request.query.get("address", ""))
        if place is None:
            return web.json_response({"status": 347, "message": "查询无结果"})
        return web.json_response(
            {
                "status": 0,
                "message": "query ok",
                "result": {
                    "title": place.street,
                    "location": {"lng": place.lon, "lat": place.lat},
                    "address_components": {
                        "province": "上海市",
                        "city": "上海市",
                        "district": place.district,
                        "street": place.street,
                        "street_number": "",
                    },
                    "similarity": 0.8,
                    "deviation": -1 if place.tencent_reliability >= 7 else 1000,
                    "reliability": place.tencent_reliability,
                    "level": 9,
                },
            }
        )

    def answered(self) -> int:
        """Requests that reached the service (failed ones too)."""
        return len(self.calls)
