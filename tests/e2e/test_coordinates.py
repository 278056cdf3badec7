"""One coordinate system: a typed address geocoded by the map service (GCJ-02, a fake AMap on
loopback) and a Telegram worker checking in at the door with their phone's GPS (WeChat sends
GCJ-02, Telegram WGS-84): Telegram's point is converted, so the worker standing at the door is
inside the radius, not half a kilometre off. Through the webhooks, on PostgreSQL."""

from __future__ import annotations

import secrets

import pytest

from domain.geo import distance_m, gcj02_to_wgs84
from domain.people import GeoPoint
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WebUser,
    book_on_web,
    make_app,
    near_the_start,
    on_telegram,
    on_wechat,
)
from tests.e2e.helpers import seed_worker as seed
from tests.e2e.test_geocoding import DOOR, book_typed, stored_address
from tests.fakes.maps import KEY, FakeMaps, Place
from webhooks.keys import DATABASE

RUN = secrets.token_hex(4)
pytestmark = pytest.mark.parametrize("own_db_url", ["postgres"], indirect=True)


@pytest.fixture
async def maps():
    """A map service that puts the typed address at ``DOOR`` (GCJ-02, as AMap does)."""
    fake = FakeMaps()
    fake.places["漕溪北路100号"] = Place(*DOOR, "徐汇区", "漕溪北路")
    await fake.start()
    yield fake
    await fake.stop()


async def test_a_telegram_worker_at_the_door_of_a_map_geocoded_address_checks_in(
    aiohttp_client, tmp_path, own_db_url, pii_key, clock, fake_wechat, fake_telegram, maps
):
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        **on_wechat(fake_wechat),
        **on_telegram(fake_telegram),
        geocoder="amap",
        geocoder_key=KEY,
        geocoder_api_base=maps.root,
    )
    client = await aiohttp_client(app)
    worker_uid = 8 * 10**9 + secrets.randbelow(10**9)
    await seed(app, channel="telegram", user_id=str(worker_uid), center=(31.2115, 121.4370))
    number = await book_typed(client, app, fake_wechat, f"o-coord-{RUN}")
    address = await stored_address(app, number)
    assert (address.location.lat, address.location.lon) == pytest.approx(DOOR)  # GCJ-02

    worker = TelegramUser(client, fake_telegram, worker_uid)
    await worker.say(f"/accept #{number}")
    assert "接单成功" in worker.text()
    await near_the_start(app, number)
    gps = gcj02_to_wgs84(GeoPoint(*DOOR))  # what the phone at the door reports
    assert distance_m(gps, GeoPoint(*DOOR)) > 400  # taken as it is, it would be refused
    await worker.say(f"/checkin #{number}")
    await worker.share(location={"latitude": gps.lat, "longitude": gps.lon})
    assert "位置已确认" in worker.text(), worker.text()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.checkin is not None
    assert distance_m(order.checkin, GeoPoint(*DOOR)) < 5  # kept as GCJ-02


async def test_the_web_chat_s_browser_position_is_converted_and_a_typed_one_is_not(
    aiohttp_client, tmp_path, own_db_url, pii_key, clock
):
    app = make_app(tmp_path, own_db_url, pii_key, clock=clock)
    gps = gcj02_to_wgs84(GeoPoint(*HOME))  # what the browser at HOME reports
    client = await aiohttp_client(app)
    numbers = []
    for at, datum in (((gps.lat, gps.lon), "wgs84"), (HOME, None)):
        client.session.cookie_jar.clear()  # a browser of its own
        customer = WebUser(client)
        await customer.open()
        numbers.append(await book_on_web(customer, at, datum=datum))
    for number in numbers:
        address = await stored_address(app, number)
        assert distance_m(address.location, GeoPoint(*HOME)) < 2
