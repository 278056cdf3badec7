"""The offline geocoder reads the district (and the street) from Shanghai addresses as people
type them, and places them at the district's point with its radius as the uncertainty."""

from __future__ import annotations

import re

import pytest

from domain.gazetteer import (
    at_pin,
    district_at,
    district_named,
    district_text,
    districts_text,
    known_district,
    locate,
    place_of,
)
from domain.gazetteer_data import PINYIN, SHANGHAI
from domain.geo import distance_m
from domain.people import Address, GeoPoint
from domain.privacy import masked_address


@pytest.mark.parametrize(
    ("text", "district", "street"),
    [
        ("徐汇区漕溪北路100号5楼501", "徐汇区", "漕溪北路"),
        ("上海市徐汇区漕溪北路100号5楼501", "徐汇区", "漕溪北路"),
        ("上海徐汇区漕溪北路100号", "徐汇区", "漕溪北路"),
        ("中国上海市 静安区 南京西路 1号", "静安区", "南京西路"),
        ("上海市浦东新区世纪大道100号", "浦东新区", "世纪大道"),
        ("浦东张江高科技园区碧波路690号", "浦东新区", "碧波路"),
        ("闵行区莘庄镇莘建路88弄3号", "闵行区", "莘建路"),
        ("宝山区友谊路1号", "宝山区", "友谊路"),
        ("上海市黄浦区福州路１号", "黄浦区", "福州路"),  # full-width digits
        ("嘉定区安亭镇墨玉路", "嘉定区", "墨玉路"),
        ("嘉定区城市花园3号", "嘉定区", ""),  # 城市 is no city
    ],
)
def test_addresses_with_a_district_are_read(text: str, district: str, street: str) -> None:
    found = locate(text)
    assert found is not None and (found.district, found.street) == (district, street)
    assert found.source == "offline"


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("徐汇漕溪北路100号", "徐汇区"),  # without 区
        ("上海市静安南京西路1号", "静安区"),
        ("徐汇去漕溪北路100号", "徐汇区"),  # 去 typed for 区
        ("闽行区七宝镇漕宝路", "闵行区"),  # 闽 for 闵
        ("黄埔区淮海中路1号", "黄浦区"),  # 埔 for 浦
        ("许汇区天钥桥路1号", "徐汇区"),
        ("上海市闸北区共和新路100号", "静安区"),  # a former district
        ("卢湾区打浦路", "黄浦区"),
        ("南汇区惠南镇", "浦东新区"),
        ("浦东区东方路1号", "浦东新区"),
        ("漕溪北路100号5楼501", "徐汇区"),  # a road inside one district only
        ("陆家嘴环路1000号", "浦东新区"),
        ("五角场万达广场", "杨浦区"),
    ],
)
def test_short_names_typos_former_districts_and_places_are_read(text: str, district: str) -> None:
    found = locate(text)
    assert found is not None and found.district == district


@pytest.mark.parametrize(
    "text",
    [
        "8楼801",
        "幸福小区5号楼",
        "宝山路500号",  # a road named after a district, in another one (静安区)
        "北京市朝阳区建国路1号",  # another city: not placed in Shanghai
        "杭州市西湖区文三路",
        "苏州市吴中区宝山路1号",
        "舟山市普陀区东港街道",  # another city's district named like a Shanghai one
    ],
)
def test_texts_naming_no_known_district_are_not_placed(text: str) -> None:
    assert locate(text) is None


def test_the_point_is_the_districts_and_the_uncertainty_its_radius() -> None:
    found = locate("徐汇区漕溪北路100号")
    assert found is not None
    assert found.uncertainty_m == 6000
    assert distance_m(found.point, GeoPoint(31.1935, 121.4370)) < found.uncertainty_m


def test_every_shanghai_district_is_known_and_found_at_its_own_point() -> None:
    assert len(SHANGHAI) == 16
    for d in SHANGHAI:
        found = locate(f"上海市{d.name}某某路1号")
        assert found is not None and found.district == d.name
        assert district_at(GeoPoint(d.lat, d.lon)) == d.name
        assert known_district(d.aliases[0]) == d.name


def test_a_pin_keeps_its_point_and_takes_the_district_from_the_text_or_the_point() -> None:
    pin = GeoPoint(31.19, 121.43)
    named = at_pin(pin, "静安区南京西路 8楼")
    assert (named.point, named.district, named.uncertainty_m, named.source) == (
        pin,
        "静安区",
        0,
        "pin",
    )
    assert at_pin(pin, "📍 位置 8楼801").district == "徐汇区"
    assert at_pin(GeoPoint(39.9, 116.4), "8楼").district == ""  # Beijing: not in the table


def test_an_address_saved_before_geocoding_is_read_from_its_text() -> None:
    old = Address(1, "上海市长宁区天山路1号")
    found = place_of(old)
    assert found is not None and found.district == "长宁区" and found.uncertainty_m == 5500
    geocoded_nowhere = Address(1, "幸福小区", located_by="offline")
    assert place_of(geocoded_nowhere) is None
    pinned = Address(1, "8楼", location=GeoPoint(31.2304, 121.4737), located_by="pin")
    place = place_of(pinned)
    assert place is not None and place.uncertainty_m == 0 and place.district == "黄浦区"


def test_worker_districts_are_spelt_as_the_geocoder_spells_them() -> None:
    assert known_district("闸北区") == "静安区"
    assert known_district("徐汇区") == "徐汇区"
    assert known_district("朝阳区") == ""


def test_the_check_in_radius_is_widened_by_the_addresss_uncertainty() -> None:
    from domain.execution import TooFar, check_in_distance
    from domain.rules import ExecutionRules

    rules = ExecutionRules(checkin_radius_m=300)
    door = GeoPoint(31.1935, 121.4370)
    near = GeoPoint(31.1970, 121.4370)  # about 390 m
    assert check_in_distance(door, door, rules) == 0
    with pytest.raises(TooFar) as refused:
        check_in_distance(door, near, rules)
    assert refused.value.distance > 300
    assert check_in_distance(door, near, rules, uncertainty_m=100) == refused.value.distance
    district = locate("徐汇区某路")
    assert district is not None
    assert check_in_distance(district.point, door, rules, district.uncertainty_m) is not None
    with pytest.raises(TooFar) as far:
        check_in_distance(district.point, GeoPoint(31.40, 121.44), rules, district.uncertainty_m)
    said = far.value.text.get("zh")  # both distances in one unit ("约 20.4 km,需在 6.3 km")
    assert said.count(" km") == 2 and "米" not in said, said
    assert check_in_distance(None, door, rules) is None  # no point at all: recorded as given


@pytest.mark.parametrize(
    ("word", "district"),
    [
        ("徐汇区", "徐汇区"),
        ("徐汇", "徐汇区"),
        ("徐汇去", "徐汇区"),
        ("闸北", "静安区"),
        ("浦东", "浦东新区"),
        ("崇明县", "崇明区"),
        ("Xuhui District", "徐汇区"),
        ("Jing'an", "静安区"),
        ("jingan district", "静安区"),
        ("Pudong New Area", "浦东新区"),
        ("人民广场", ""),  # a place in 黄浦区, not a district: a worker's area is what they named
        ("我在徐汇区", ""),
        ("Xuhuiqq", ""),
        ("District", ""),
    ],
)
def test_a_district_named_alone_is_read_by_its_name_short_name_or_pinyin(
    word: str, district: str
) -> None:
    assert district_named(word) == district


def test_every_district_has_its_pinyin() -> None:
    assert set(PINYIN) == {d.name for d in SHANGHAI}


@pytest.mark.parametrize(
    ("name", "zh", "en"),
    [
        ("徐汇区", "徐汇区", "Xuhui District"),
        ("静安区", "静安区", "Jing'an District"),
        ("浦东新区", "浦东新区", "Pudong New Area"),
        ("朝阳区", "朝阳区", "朝阳区"),  # another city's, from a map service: as stored
    ],
)
def test_a_district_reads_in_pinyin_in_english_and_as_stored_in_chinese(
    name: str, zh: str, en: str
) -> None:
    assert (district_text(name).get("zh"), district_text(name).get("en")) == (zh, en)


def test_every_district_has_an_english_name_without_chinese() -> None:
    for d in SHANGHAI:
        assert re.fullmatch(r"[A-Z][a-z']+ (District|New Area)", district_text(d.name).en)


def test_a_list_of_districts_is_one_list_in_the_readers_language() -> None:
    assert districts_text(("徐汇区", "静安区"), "en") == "Xuhui District, Jing'an District"
    assert districts_text(("徐汇区", "静安区"), "zh") == "徐汇区、静安区"


def test_a_masked_address_names_its_district_in_each_language() -> None:
    where = masked_address("漕溪北路100号5楼501", "徐汇区")
    assert (where.zh, where.en) == ("徐汇区 漕溪北路**号…", "Xuhui District 漕溪北路**号…")
    typed = masked_address("上海市徐汇区漕溪北路100号", "徐汇区")  # the text names it already
    assert (typed.zh, typed.en) == (
        "上海市徐汇区漕溪北路**号…",
        "Xuhui District 上海市徐汇区漕溪北路**号…",
    )


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("88 Caoxi North Road, Xuhui District, Room 1201", "Xuhui District ** Caoxi North Road…"),
        ("Room 1202, 88 Putuo Rd, Jing'an", "Xuhui District Room ****, ** Putuo Rd…"),
        ("3rd floor, 12 Broadway Mansions", "Xuhui District *rd floor,…"),  # no road word
    ],
)
def test_an_address_written_in_english_is_masked_the_english_way(text: str, english: str) -> None:
    """Its number comes before the road, so nothing after the road is a number to mark
    with 号; the road is a whole word ("Rd", not the "rd" of "3rd" or "Broadway"'s "road")."""
    where = masked_address(text, "徐汇区")
    assert where.en == english
    assert where.zh == english.replace("Xuhui District", "徐汇区")


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("Xuhui District, 100 Caoxi North Road", "徐汇区"),
        ("Room 1202, 88 Putuo Road, Jing’an District, Shanghai", "静安区"),  # not Putuo
        ("Flat 3, 500 Zhangyang Rd, Pudong New Area", "浦东新区"),
        ("by the Huangpu River, Xuhui", "徐汇区"),  # the river is not the district
        ("12 Jingan Temple Lane, JINGAN", "静安区"),
    ],
)
def test_an_address_written_in_english_is_placed_by_its_districts_pinyin(
    text: str, district: str
) -> None:
    found = locate(text)
    assert found is not None and found.district == district
    assert found.point == GeoPoint(*next((d.lat, d.lon) for d in SHANGHAI if d.name == district))


@pytest.mark.parametrize(
    "text", ["Huangpu River apartments", "Chaoyang District, Beijing", "Room 5"]
)
def test_an_english_address_naming_no_district_of_the_city_is_not_placed(text: str) -> None:
    assert locate(text) is None


def test_a_shared_locations_label_reads_in_the_readers_language() -> None:
    """A pin's address is written in the customer's language (``地图定位 5楼501``); an English
    worker reads "Map pin", a Chinese one 地图定位, whoever booked it."""
    for stored in ("地图定位 5楼501", "Map pin 5楼501"):
        where = masked_address(stored, "黄浦区")
        assert where.en.startswith("Huangpu District Map pin") and "地图定位" not in where.en
        assert where.zh.startswith("黄浦区 地图定位") and "Map pin" not in where.zh
