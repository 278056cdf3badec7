"""What can be an address (``conversations.understanding.address.has_address_words``) and the
booking's reading of a typed answer to "where?" (``reads_as_address``): an address has a named
road or estate (漕溪北路, 阳光小区, Road, Lane…), a building or flat with its number (3栋,
1201室, flat 12…), an estate's name and its flat ("汤臣一品 1702") or names a district the
gazetteer knows; times, dates, numbers alone, phone numbers, a city alone ("我在上海出差") and
words with nothing of an address are not one. A flat number alone is the rest of an address
whose place a shared map pin gave."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conversations.events import LocationShared, TextReceived
from conversations.flows import booking
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft, reads_as_address
from conversations.state import Conversation
from conversations.understanding.address import has_address_words
from store.catalog_file import load_catalog

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    "text",
    [
        "浦东新区世纪大道100号 5楼",
        "阳光小区3栋1201室",
        "8楼801",
        "Block 5, flat 1702",
        "88 Caoxi North Rd, flat 1201",
        "Room 3, Building 2",
        "No. 8",
        "ＸＸ路",
        "上海市徐汇区漕溪北路88号12楼1203",
        "长宁区仙霞路99弄5号1201",
        "静安区南京西路1266号恒隆广场2座3201",
        "恒隆广场 2 座 3201",
        "仁恒河滨城 5-1702",
        "世茂滨江花园3期",
        "浦东新区张江镇祖冲之路 1号",
        "闵行区莘庄",
        "陆家嘴 1702",
        "北京市朝阳区建国路88号SOHO现代城5号楼1702",
        "北京市海淀区中关村大街1号",
        "东城区南锣鼓巷45号",
        "东四十条胡同3号",
        "朝阳区望京西园三区312号楼",
        "1266 Nanjing West Road, Jing'an",
        "Unit 1702, 88 Century Avenue, Pudong",
        "Apt 5, 100 Century Ave",
        "Flat 12B, 3 Tomson Riviera",
        "12 Ocean Drive",
        "Room 501, No. 3 Lane 1500 Huashan Rd",
        "5th floor, 8 Wangfujing St",
        "8 Jianguo Lu, Chaoyang",
        "Xuhui, Shanghai",
    ],
)
def test_an_address_has_its_words(text):
    assert has_address_words(text)
    assert reads_as_address(text, TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "hello there",
        "你好呀师傅",
        "asdfgh",
        "🙂🙂🙂",
        "thanks a lot",
        "3",
        "123",
        "100",
        "1702",
        "123456",
        "1702 1703",
        "13812345678",
        "+86 138 1234 5678",
        "电话号码13812345678",
        "021-64381234",
        "ok",
        "OK",
        "yes",
        "Yes please",
        "no thanks",
        "好的",
        "知道了",
        "我在路上",
        "on my way",
        "my place",
        "区别不大",
    ],
)
def test_words_or_numbers_with_nothing_of_an_address_are_none(text):
    assert not has_address_words(text)
    assert not reads_as_address(text, TODAY)


ACCEPTED = [
    "汤臣一品 1702",  # an estate's name and its flat: no street word needed
    "汤臣一品1702室",
    "浦东 汤臣一品 1702",
    "仁恒河滨城 5-1702",
    "绿地海珀日晖 3-2-1501",
    "浦东新区张杨路500号",
    "阳光小区3号楼1502",
    "xx小区3号楼1502",
    "B栋1702",
    "成都北路",
    "漕溪北路口",
    "徐汇区田林十二村",
    "闵行区莘庄",
    "Room 1502, 500 Zhangyang Road",
    "500 Zhangyang Rd",
    "Flat 3A, Tomson Riviera",
    "8 Windsor Terrace",
    "Jing'an District",
    "Xuhui, Shanghai",
    "地址:闵行区莘庄",  # as a label, 地址 is no word of someone speaking
    "我家地址是汤臣一品 1702",
    "Address: Jing'an",
]
REFUSED = [
    "我在上海出差",  # a city and other words: no home to send a worker to
    "我住在上海",
    "上海市",
    "我在徐汇出差",  # a district in a sentence is no address either
    "我在回家路上",
    "下班路上",
    "我知道了",
    "不知道啊",
    "这个小区",
    "坐83路公交",
    "你好 1702",
    "上海 13812345678",
    "I'm in Shanghai on a business trip",
    "Shanghai",
    "I live in Xuhui",
    "see you at 1702",
    "thanks 1702",
    "call me on 13812345678",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_a_road_an_estate_a_flat_or_a_district_named_as_a_place_is_an_address(text):
    assert has_address_words(text)
    assert reads_as_address(text, TODAY)


@pytest.mark.parametrize("text", REFUSED)
def test_a_city_alone_a_sentence_about_where_one_is_or_a_bare_number_is_no_address(text):
    assert not has_address_words(text)
    assert not reads_as_address(text, TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "明天下午三点",
        "today 11pm",
        "tomorrow at 3",
        "12月1日下午3点",
        "周六 10:00",
        "下午3点",
        "3点",
        "15:00",
        "3pm",
        "12月3号",
        "2026-12-08",
        "2026-12-08 15:00",
        "后天上午",
    ],
)
def test_a_time_or_a_date_is_no_address(text):
    assert not reads_as_address(text, TODAY)
    assert not reads_as_address(text, TODAY, detail=True)


@pytest.mark.parametrize("text", ["1702", "5-1702", "B1702", "12A", "8楼801", "2座3201"])
def test_after_a_map_pin_a_flat_number_alone_is_the_rest_of_the_address(text):
    assert reads_as_address(text, TODAY, detail=True)


@pytest.mark.parametrize("text", ["3-2-1501", "12-1-302", "#1203", "# 1203"])
def test_after_a_map_pin_a_flat_written_building_entrance_room_or_after_a_hash_is_one(text):
    assert reads_as_address(text, TODAY, detail=True)


@pytest.mark.parametrize("text", ["绿地海珀日晖 3-2-1501", "康桥半岛 12-1-302"])
def test_an_estate_with_its_flat_written_building_entrance_room_is_an_address(text):
    """The "3-2" in "3-2-1501" is no 2 March, and 楼号-单元-室 is a place without a place word."""
    assert reads_as_address(text, TODAY)


@pytest.mark.parametrize(
    "text", ["13812345678", "138-1234-5678", "ok", "yes", "下午3点", "hello", "2026-12-09"]
)
def test_after_a_map_pin_a_phone_number_or_a_word_is_no_flat(text):
    assert not reads_as_address(text, TODAY, detail=True)


def test_an_address_that_names_a_day_like_number_is_still_one():
    assert reads_as_address("世纪大道8号", TODAY)
    assert reads_as_address("阳光城5号 1201", TODAY)


CTX = Ctx(*load_catalog(), datetime(2026, 12, 7, 2, 0, tzinfo=UTC), "https://daojia.example")


def at_the_address(lang: str = "zh") -> Conversation:
    start = datetime.fromisoformat("2026-12-08T15:00:00+08:00")
    d = Draft(category="cleaning", item="daily_cleaning", options=[], quantity=3, area_sqm=90)
    d.day, d.start = start.date(), start
    return Conversation(
        flow="booking", step="address", lang=lang, customer_id=1, data={"booking": d.to_json()}
    )


def typed(value: str) -> TextReceived:
    return TextReceived(channel="web", user_id="1", at=CTX.now, text=value, role="customer")


@pytest.mark.parametrize("text", ["13812345678", "123456", "1702 1703"])
def test_a_number_alone_at_where_is_refused_saying_an_address_needs_a_street(text):
    conv = at_the_address()
    out = booking.on_address_text(CTX, conv, typed(text))
    said = " ".join(r.text for r in out.replies)
    assert "这不像地址" in said and "路名、小区或楼栋" in said and "时间已选好" not in said
    assert booking.draft(conv).address_text == ""


def test_a_time_at_where_is_still_told_the_time_is_chosen():
    out = booking.on_address_text(CTX, at_the_address(), typed("明天下午三点"))
    assert "时间已选好" in " ".join(r.text for r in out.replies)


def test_a_number_alone_is_refused_in_english_too():
    out = booking.on_address_text(CTX, at_the_address("en"), typed("13812345678"))
    said = " ".join(r.text for r in out.replies)
    assert "does not look like an address" in said and "already chosen" not in said


def test_after_a_map_pin_a_flat_number_is_taken_and_a_phone_number_is_not():
    conv = at_the_address()
    pin = LocationShared(
        channel="web", user_id="1", at=CTX.now, lat=31.2, lon=121.4, label="人民广场"
    )
    booking.on_location(CTX, conv, pin)
    out = booking.on_address_detail(CTX, conv, typed("13812345678"))
    assert "这不像门牌号" in " ".join(r.text for r in out.replies)
    booking.on_address_detail(CTX, conv, typed("1702"))
    assert booking.draft(conv).address_text == "人民广场 1702"
