"""A map pin is put in the district whose boundary holds it, not in the district whose point
is nearest for its size: before, a pin at 静安寺 (3.7 km from 静安区's point, 6 km across
浦东新区's 30 km radius) was put in 浦东新区, and dispatch offered it to Pudong's workers."""

from __future__ import annotations

import pytest

from domain.gazetteer import at_pin, district_at, place_of
from domain.gazetteer_bounds import BOUNDS
from domain.gazetteer_data import CITIES
from domain.people import Address, GeoPoint

LANDMARKS = [
    # (name, lat, lon in GCJ-02 as WeChat and the map services give them, district)
    ("人民广场", 31.2304, 121.4737, "黄浦区"),
    ("人民公园", 31.2330, 121.4700, "黄浦区"),  # was 浦东新区: 1.5 km is more of 3.5 than 9 of 30
    ("大世界", 31.2300, 121.4700, "黄浦区"),
    ("外滩", 31.2400, 121.4900, "黄浦区"),
    ("新天地", 31.2196, 121.4750, "黄浦区"),
    ("陆家嘴 (东方明珠)", 31.2397, 121.4998, "浦东新区"),
    ("世纪公园", 31.2157, 121.5515, "浦东新区"),
    ("迪士尼", 31.1440, 121.6570, "浦东新区"),
    ("浦东机场", 31.1440, 121.8080, "浦东新区"),
    ("静安寺", 31.2231, 121.4453, "静安区"),
    ("大宁 (former 闸北)", 31.2810, 121.4560, "静安区"),
    ("上海火车站", 31.2497, 121.4556, "静安区"),
    ("徐家汇", 31.1950, 121.4370, "徐汇区"),
    ("上海南站", 31.1546, 121.4299, "徐汇区"),
    ("中山公园", 31.2222, 121.4186, "长宁区"),
    ("长风公园", 31.2258, 121.3966, "普陀区"),
    ("鲁迅公园", 31.2757, 121.4843, "虹口区"),
    ("五角场", 31.2990, 121.5143, "杨浦区"),
    ("虹桥火车站", 31.1942, 121.3197, "闵行区"),
    ("莘庄", 31.1110, 121.3850, "闵行区"),
    ("朱家角", 31.1085, 121.0555, "青浦区"),
    ("松江老城", 31.0320, 121.2280, "松江区"),
    ("嘉定老城", 31.3830, 121.2650, "嘉定区"),
    ("南桥", 30.9180, 121.4580, "奉贤区"),
    ("金山城区", 30.7420, 121.3410, "金山区"),
    ("崇明城桥", 31.6260, 121.3970, "崇明区"),
]


@pytest.mark.parametrize(
    ("lat", "lon", "district"),
    [pytest.param(lat, lon, d, id=name) for name, lat, lon, d in LANDMARKS],
)
def test_a_landmark_is_in_the_district_that_holds_it(
    lat: float, lon: float, district: str
) -> None:
    assert district_at(GeoPoint(lat, lon)) == district


def test_a_pin_and_a_saved_address_take_the_district_that_holds_them() -> None:
    jingan_temple = GeoPoint(31.2231, 121.4453)
    assert at_pin(jingan_temple, "📍 位置 8楼801").district == "静安区"
    saved = Address(customer_id=1, text="8楼801", location=jingan_temple, located_by="pin")
    found = place_of(saved)
    assert found is not None and found.district == "静安区"


def test_a_pin_on_the_bank_just_outside_the_simplified_outline_takes_the_nearest() -> None:
    # on the water by the Bund: the outlines are simplified, the pin is a few metres off
    assert district_at(GeoPoint(31.2330, 121.4950)) in ("黄浦区", "浦东新区")
    assert district_at(GeoPoint(31.2420, 121.4920)) in ("黄浦区", "浦东新区", "虹口区")


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (31.3850, 120.9800),  # 昆山 (Jiangsu)
        (32.0000, 120.9000),  # 南通, over the Yangtze
        (30.7500, 120.7500),  # 嘉兴 (Zhejiang)
        (39.9000, 116.4000),  # Beijing
    ],
)
def test_a_point_outside_the_city_is_in_no_district(lat: float, lon: float) -> None:
    assert district_at(GeoPoint(lat, lon)) == ""


def test_every_district_has_a_boundary_holding_its_own_point() -> None:
    for districts in CITIES.values():
        assert {d.name for d in districts} <= set(BOUNDS)
        for d in districts:
            assert all(len(ring) >= 3 for ring in BOUNDS[d.name])
            assert district_at(GeoPoint(d.lat, d.lon)) == d.name
