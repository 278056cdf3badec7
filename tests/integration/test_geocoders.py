"""The map service adapters against a fake AMap / Tencent Maps on loopback: what each
answer becomes, the offline table whenever the service cannot answer (down, slow, a wrong
key, a match no better than the city), and answers remembered per address (in Redis: keyed
hash, sealed value)."""

from __future__ import annotations

import secrets

import pytest
import redis.asyncio as aioredis

from bots.geocode_cache import CachedGeocoder
from bots.geocoding import AMapGeocoder, TencentGeocoder, WithFallback, build
from domain.geo import Located
from domain.people import GeoPoint
from store.crypto import PiiCipher, decode_key
from tests.fakes.maps import KEY, FakeMaps, Place

DOOR = Place(31.1935, 121.4370, "徐汇区", "漕溪北路")


@pytest.fixture
async def maps():
    fake = FakeMaps()
    fake.places["漕溪北路100号"] = DOOR
    fake.places["徐汇区某小区"] = Place(31.18, 121.44, "徐汇区", amap_level="区县")
    fake.places["浦东某小区"] = Place(31.22, 121.54, "浦东新区", tencent_reliability=1)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture(params=["amap", "tencent"])
async def service(request, maps):
    adapter = (AMapGeocoder if request.param == "amap" else TencentGeocoder)(
        key=KEY, api_base=maps.root, timeout_s=0.2
    )
    yield adapter
    await adapter.close()


async def test_a_house_number_is_placed_where_the_map_service_says(service, maps) -> None:
    found = await service.locate("徐汇区漕溪北路100号5楼501", "上海")
    assert found is not None
    assert found.point == GeoPoint(DOOR.lat, DOOR.lon)
    assert (found.district, found.street, found.source) == ("徐汇区", "漕溪北路", service.name)
    assert found.uncertainty_m == (50 if service.name == "amap" else 100)
    path, query = maps.calls[-1]
    assert query["key"] == KEY and "漕溪北路100号" in query["address"]
    if service.name == "amap":
        assert path == "/v3/geocode/geo" and query["city"] == "上海"
    else:
        assert path == "/ws/geocoder/v1/" and query["address"].startswith("上海")


@pytest.mark.parametrize("how", ["down", "hang", "wrong key", "city level", "unknown"])
async def test_the_offline_table_answers_whenever_the_service_cannot(
    service, maps, how: str
) -> None:
    text = "上海市徐汇区某小区" if how == "city level" else "徐汇区漕溪北路100号"
    if how == "city level" and service.name == "tencent":
        text = "浦东某小区"
    if how == "unknown":
        text = "徐汇区某某路1号"
    maps.down = how == "down"
    maps.hang = how == "hang"
    if how == "wrong key":
        service.key = "nope"
    found = await WithFallback(service).locate(text, "上海")
    assert found is not None and found.source == "offline"
    assert found.district in ("徐汇区", "浦东新区") and found.uncertainty_m >= 6000
    assert maps.answered() == 1


async def test_offline_alone_needs_no_key_and_no_network() -> None:
    assert build("offline", None, None) is None
    assert build("amap", None, None) is None
    geocoder = WithFallback(None)
    assert geocoder.name == "offline"
    found = await geocoder.locate("上海市静安区南京西路1号", "上海")
    assert found is not None and found.district == "静安区"
    assert await geocoder.locate("8楼801", "上海") is None


class Counting:
    name = "amap"

    def __init__(self) -> None:
        self.asked = 0

    async def locate(self, text: str, city_hint: str) -> Located | None:
        self.asked += 1
        if "小区" in text:
            return None
        return Located(GeoPoint(31.1935, 121.437), "徐汇区", "漕溪北路", 50, "amap")


@pytest.mark.parametrize("shared", [False, True], ids=["in process", "redis"])
async def test_answers_are_asked_once_per_address_and_kept_sealed(
    shared: bool, request, pii_key: str
) -> None:
    client = aioredis.from_url(request.getfixturevalue("redis_url")) if shared else None
    cipher = PiiCipher(decode_key(pii_key))
    secret = secrets.token_bytes(32)  # a run of its own: Redis outlives the test
    try:
        first, second = Counting(), Counting()
        one = CachedGeocoder(first, secret=secret, sealer=cipher, redis=client)
        two = CachedGeocoder(second, secret=secret, sealer=cipher, redis=client)
        found = await one.locate("徐汇区漕溪北路100号", "上海")
        again = await one.locate(" 徐汇区 漕溪北路100号 ", "上海")  # the same, normalised
        assert found == again and first.asked == 1
        await two.locate("徐汇区漕溪北路100号", "上海")
        assert second.asked == (0 if shared else 1)  # another process shares Redis only
        assert await one.locate("幸福小区", "上海") is None
        assert await one.locate("幸福小区", "上海") is None
        assert first.asked == 3  # no answer is not remembered
        if client is not None:
            keys = [k async for k in client.scan_iter("daojia:geo:*")]
            values = [await client.get(k) for k in keys]
            assert not any(
                "漕溪".encode() in k or "漕溪".encode() in (v or b"")
                for k, v in zip(keys, values, strict=True)
            )
            assert not any(b"31.19" in (v or b"") for v in values)
    finally:
        if client is not None:
            await client.aclose()


def test_the_geocoder_settings_are_checked_at_start() -> None:
    from pydantic import ValidationError

    from webhooks.settings import Settings

    assert Settings(_env_file=None).geocoder == "offline"
    blank = Settings(_env_file=None, geocoder="tencent", geocoder_key="k", geocoder_api_base="")
    assert blank.geocoder_api_base is None
    with pytest.raises(ValidationError, match="DAOJIA_GEOCODER_KEY is required"):
        Settings(_env_file=None, geocoder="amap")
    with pytest.raises(ValidationError):
        Settings(_env_file=None, geocoder="google", geocoder_key="k")
    with pytest.raises(ValidationError, match="http"):
        Settings(_env_file=None, geocoder="amap", geocoder_key="k", geocoder_api_base="ftp://x")
