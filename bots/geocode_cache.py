"""A map service's answers, remembered per address (normalised text and city): in Redis when
configured (every process shares them), else in this process. The address is personal data:
the key is a keyed hash of it, the value (a point) is sealed with the PII key. Only the map
service's answers are kept — the offline table costs nothing to ask again — and a cache that
fails is skipped, never raised."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections import OrderedDict

import redis.asyncio as aioredis

from domain.gateways import Geocoder
from domain.gazetteer import normalise
from domain.geo import Located
from domain.people import GeoPoint
from domain.privacy import Sealer

log = logging.getLogger(__name__)

KEEP_S = 30 * 24 * 3600
LOCAL_ENTRIES = 10_000
FIELD = "geocode"


class CachedGeocoder:
    def __init__(
        self,
        service: Geocoder,
        *,
        secret: bytes,
        sealer: Sealer,
        redis: aioredis.Redis | None = None,
    ) -> None:
        self.service = service
        self.name = service.name
        self._secret = secret
        self._sealer = sealer
        self._redis = redis
        self._local: OrderedDict[str, bytes] = OrderedDict()

    async def locate(self, text: str, city_hint: str) -> Located | None:
        key = self._key(text, city_hint)
        if (blob := await self._read(key)) is not None:
            try:
                return _decode(self._sealer.unseal(FIELD, blob))
            except (ValueError, KeyError, TypeError):
                pass  # another key, or an older shape: ask again
        found = await self.service.locate(text, city_hint)
        if found is not None:
            await self._write(key, self._sealer.seal(FIELD, _encode(found)))
        return found

    def _key(self, text: str, city: str) -> str:
        digest = hmac.new(
            self._secret, f"{self.name}\x00{city}\x00{normalise(text)}".encode(), hashlib.sha256
        ).hexdigest()
        return f"daojia:geo:{digest[:40]}"

    async def _read(self, key: str) -> bytes | None:
        if self._redis is None:
            return self._local.get(key)
        try:
            value = await self._redis.get(key)
        except Exception as exc:  # Redis away: ask the service
            log.warning("geocode cache unreadable: %s", type(exc).__name__)
            return None
        return value.encode() if isinstance(value, str) else value

    async def _write(self, key: str, blob: bytes) -> None:
        if self._redis is None:
            self._local[key] = blob
            while len(self._local) > LOCAL_ENTRIES:
                self._local.popitem(last=False)
            return
        try:
            await self._redis.set(key, blob, ex=KEEP_S)
        except Exception as exc:
            log.warning("geocode cache unwritable: %s", type(exc).__name__)


def _encode(found: Located) -> bytes:
    return json.dumps(
        [
            found.point.lat,
            found.point.lon,
            found.district,
            found.street,
            found.uncertainty_m,
            found.source,
        ],
        ensure_ascii=False,
    ).encode()


def _decode(data: bytes) -> Located:
    lat, lon, district, street, uncertainty, source = json.loads(data)
    return Located(GeoPoint(float(lat), float(lon)), district, street, int(uncertainty), source)
