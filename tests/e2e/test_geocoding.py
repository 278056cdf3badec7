"""A typed address is dispatched like a map pin: geocoded by the map service (a fake AMap /
Tencent Maps on loopback) or, with the service down, by the offline district table; the
check-in radius is widened by the address's uncertainty; the dashboard counts the district.
WeChat customers and workers through the webhooks, on PostgreSQL."""

from __future__ import annotations

import re
import secrets

import pytest
from yarl import URL

from tests.e2e.helpers import WeChatUser, make_app, near_the_start, on_wechat, seed_worker
from tests.fakes.maps import KEY, FakeMaps, Place
from tests.fakes.wechat import WeChatServer, event_xml, location_xml
from webhooks.dashboard import dashboard_link
from webhooks.keys import CLOCK, DATABASE, LINKS

TYPED = "徐汇区漕溪北路100号5楼501"
DOOR = (31.1935, 121.4370)  # where the map service puts 漕溪北路100号
OWNER = "wechat:o-geo-owner"
RUN = secrets.token_hex(4)
"""Accounts of this run: Redis remembers WeChat message ids across runs."""
pytestmark = pytest.mark.parametrize("own_db_url", ["postgres"], indirect=True)


@pytest.fixture
async def maps():
    fake = FakeMaps()
    fake.places["漕溪北路100号"] = Place(*DOOR, "徐汇区", "漕溪北路")
    await fake.start()
    yield fake
    await fake.stop()


def geo_app(tmp_path, db_url, pii_key, clock, fake_wechat, **kw):
    return make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        admins=f"{OWNER}:owner",
        **on_wechat(fake_wechat),
        **kw,
    )


async def book_typed(client, app, fake_wechat, openid: str, address: str = TYPED) -> int:
    """A WeChat follower books two hours of cleaning tomorrow at 15:00 at a typed address
    (no map pin) and pays in the sandbox; the order number."""
    user = WeChatUser(client, fake_wechat, openid, WeChatServer(clock=app[CLOCK]))
    await user.post_xml(event_xml(openid, "subscribe"))
    for option in ("预约服务", "保洁", "日常保洁"):
        await user.choose(option)
    await user.say("2")  # hours
    await user.say("明天 15:00")
    await user.say(address)
    if "手机号" in user.last_text:
        await user.say(user.phone)
    placed = re.search(r"#(\d{6,8})", user.last_text)
    assert placed is not None, user.last_text
    await user.choose("确认支付")
    assert "支付成功" in user.last_text
    return int(placed.group(1))


def offered(fake_wechat, openid: str, number: int) -> bool:
    return any(f"#{number}" in t and "预计收入" in t for t in fake_wechat.texts(openid))


async def stored_address(app, number: int):
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        assert order is not None and order.address_id is not None
        return await uow.addresses.get(order.address_id)


async def check_in(client, app, fake_wechat, openid: str, number: int, at) -> str:
    wx = WeChatUser(client, fake_wechat, openid, WeChatServer(clock=app[CLOCK]))
    await wx.say(f"打卡 #{number}")
    await wx.post_xml(location_xml(openid, at[0], at[1], "这里"))
    return wx.last_text


async def test_a_typed_address_is_geocoded_by_amap_and_offered_to_the_nearest_worker(
    aiohttp_client, tmp_path, own_db_url, pii_key, clock, fake_wechat, maps, redis_url
):
    app = geo_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock,
        fake_wechat,
        geocoder="amap",
        geocoder_key=KEY,
        geocoder_api_base=maps.root,
        redis_url=redis_url,
    )
    client = await aiohttp_client(app)
    # 2 km north of the door covering 5 km; 4 km east covering 8 km: both eligible
    await seed_worker(
        app,
        channel="wechat",
        user_id=f"o-geo-near-{RUN}",
        center=(31.2115, 121.4370),
        radius_m=5000,
    )
    await seed_worker(
        app, channel="wechat", user_id=f"o-geo-east-{RUN}", center=(31.1935, 121.4800)
    )
    number = await book_typed(client, app, fake_wechat, f"o-geo-c1-{RUN}")
    assert offered(fake_wechat, f"o-geo-near-{RUN}", number)
    assert "(约 2.0 km)" in fake_wechat.texts(f"o-geo-near-{RUN}")[-1]
    assert not offered(fake_wechat, f"o-geo-east-{RUN}", number)
    assert not any("无可派" in t or "人工指派" in t for t in fake_wechat.texts())
    address = await stored_address(app, number)
    assert (address.location.lat, address.location.lon) == pytest.approx(DOOR)
    assert (address.district, address.located_by, address.uncertainty_m) == ("徐汇区", "amap", 50)
    assert maps.answered() == 1 and maps.calls[0][1]["address"] == TYPED

    # the same address typed again (another customer): answered from the cache
    second = await book_typed(client, app, fake_wechat, f"o-geo-c2-{RUN}")
    assert maps.answered() == 1
    assert (await stored_address(app, second)).located_by == "amap"

    # check-in: 50 m uncertainty widens the 300 m radius to 350 m
    wx = WeChatUser(client, fake_wechat, f"o-geo-near-{RUN}", WeChatServer(clock=app[CLOCK]))
    await wx.say(f"接单 #{number}")
    assert "接单成功" in wx.last_text
    await near_the_start(app, number)
    refused = await check_in(
        client, app, fake_wechat, f"o-geo-near-{RUN}", number, (31.2000, 121.4370)
    )
    assert "需在 350 m 以内" in refused
    accepted = await check_in(
        client, app, fake_wechat, f"o-geo-near-{RUN}", number, (31.1950, 121.4370)
    )
    assert "位置已确认" in accepted  # the visit code next, then the door photo

    html = await (await client.get(URL(dashboard_link(app[LINKS], OWNER, "owner")).path_qs)).text()
    assert "徐汇区" in html


async def test_with_the_map_service_down_the_district_table_still_dispatches(
    aiohttp_client, tmp_path, own_db_url, pii_key, clock, fake_wechat, maps
):
    maps.down = True
    app = geo_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock,
        fake_wechat,
        geocoder="tencent",
        geocoder_key=KEY,
        geocoder_api_base=maps.root,
    )
    client = await aiohttp_client(app)
    # one by radius (3.6 km from 徐汇区's point, covering 5 km), one by district only (far)
    await seed_worker(
        app,
        channel="wechat",
        user_id=f"o-geo-radius-{RUN}",
        center=(31.2115, 121.4370),
        radius_m=5000,
    )
    await seed_worker(
        app,
        channel="wechat",
        user_id=f"o-geo-district-{RUN}",
        center=(31.40, 121.60),
        radius_m=0,
        districts=("徐汇区",),
    )
    await seed_worker(
        app,
        channel="wechat",
        user_id=f"o-geo-elsewhere-{RUN}",
        center=(31.40, 121.60),
        radius_m=3000,
        districts=("杨浦区",),
    )
    number = await book_typed(
        client, app, fake_wechat, f"o-geo-c3-{RUN}", "上海市徐汇漕溪北路100号"
    )
    assert maps.answered() == 1  # asked once, failed, not waited for again
    address = await stored_address(app, number)
    assert (address.district, address.located_by, address.uncertainty_m) == (
        "徐汇区",
        "offline",
        6000,
    )
    assert offered(fake_wechat, f"o-geo-radius-{RUN}", number)
    offer = fake_wechat.texts(f"o-geo-radius-{RUN}")[-1]
    assert "徐汇区" in offer and "±6 km" in offer  # the distance is to the district's point
    radius = WeChatUser(client, fake_wechat, f"o-geo-radius-{RUN}", WeChatServer(clock=app[CLOCK]))
    await radius.say(f"拒单 #{number}")
    assert offered(fake_wechat, f"o-geo-district-{RUN}", number)  # the district matches too
    assert not offered(fake_wechat, f"o-geo-elsewhere-{RUN}", number)

    worker = WeChatUser(
        client, fake_wechat, f"o-geo-district-{RUN}", WeChatServer(clock=app[CLOCK])
    )
    await worker.say(f"接单 #{number}")
    assert "接单成功" in worker.last_text
    await near_the_start(app, number)
    # the district's point is only known to 6 km: check-in within 6.3 km of it
    far = await check_in(
        client, app, fake_wechat, f"o-geo-district-{RUN}", number, (31.40, 121.44)
    )
    assert "需在 6.3 km 以内" in far
    at_door = await check_in(client, app, fake_wechat, f"o-geo-district-{RUN}", number, DOOR)
    assert "位置已确认" in at_door

    html = await (await client.get(URL(dashboard_link(app[LINKS], OWNER, "owner")).path_qs)).text()
    assert "徐汇区" in html and "未填区域" not in html
    owner = WeChatUser(client, fake_wechat, OWNER.split(":")[1], WeChatServer(clock=app[CLOCK]))
    await owner.say(f"/order #{number}")
    assert "区域 徐汇区 · 按区估算 · 误差约 6 km" in owner.last_text
