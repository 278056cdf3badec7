"""The districts the offline geocoder knows: for each city the demo catalog serves, every
district with a representative point (GCJ-02, as WeChat and Chinese map services give them),
a radius that covers most of the district from that point, the names people write instead
(short names, former districts, frequent IME typos), and well-known places (街道, 镇,
neighbourhoods, roads that lie in one district) that name the district when the text does not.

Shanghai's 16 districts are complete (2016 boundaries: 闸北 is part of 静安, 卢湾 of 黄浦,
南汇 of 浦东新区). The points are approximate (to about a kilometre); the radius is what the
offline geocoder reports as the uncertainty. Another city is one more entry in ``CITIES``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class District:
    name: str
    """The official name, as workers choose it at sign-up (``徐汇区``)."""
    lat: float
    lon: float
    radius_m: int
    aliases: tuple[str, ...] = ()
    """Written instead of the name: short name first (``徐汇``), then former names, typos."""
    places: tuple[str, ...] = ()
    """Places and roads inside the district only."""


SHANGHAI = (
    District(
        "黄浦区",
        31.2317,
        121.4846,
        3_500,
        ("黄浦", "黄埔", "卢湾", "皇浦"),
        ("外滩", "人民广场", "豫园", "老西门", "打浦桥", "淮海中路", "南京东路", "新天地"),
    ),
    District(
        "徐汇区",
        31.1794,
        121.4375,
        6_000,
        ("徐汇", "许汇", "徐会", "旭汇", "徐惠"),
        ("徐家汇", "漕河泾", "田林", "康健", "龙华", "华泾", "漕溪北路", "衡山路", "肇嘉浜路"),
    ),
    District(
        "长宁区",
        31.2120,
        121.3880,
        5_500,
        ("长宁", "常宁"),
        ("中山公园", "天山路", "仙霞路", "北新泾", "新华路", "程家桥"),
    ),
    District(
        "静安区",
        31.2554,
        121.4562,
        5_000,
        ("静安", "闸北", "静按", "敬安", "靖安"),
        ("南京西路", "静安寺", "江宁路", "大宁", "彭浦", "共和新路", "天目西路", "临汾路"),
    ),
    District(
        "普陀区",
        31.2498,
        121.4026,
        6_000,
        ("普陀", "普托", "普佗"),
        ("长寿路", "曹杨", "真如", "长风", "桃浦", "武宁路"),
    ),
    District(
        "虹口区",
        31.2710,
        121.4889,
        4_000,
        ("虹口", "红口", "洪口"),
        ("四川北路", "北外滩", "鲁迅公园", "曲阳路", "凉城", "临平路"),
    ),
    District(
        "杨浦区",
        31.2864,
        121.5261,
        5_500,
        ("杨浦", "扬浦", "阳浦"),
        ("五角场", "淞沪路", "国权路", "控江路", "平凉路", "新江湾城", "殷行"),
    ),
    District(
        "闵行区",
        31.1010,
        121.4079,
        14_000,
        ("闵行", "闽行", "敏行", "民行"),
        ("莘庄", "七宝", "颛桥", "梅陇", "古美", "华漕", "浦江镇", "吴泾", "马桥", "江川路"),
    ),
    District(
        "宝山区",
        31.3900,
        121.4160,
        13_000,
        ("宝山", "保山"),
        ("大场", "顾村", "罗店", "月浦", "杨行", "淞南", "友谊路", "庙行", "高境"),
    ),
    District(
        "嘉定区",
        31.3500,
        121.2500,
        15_000,
        ("嘉定", "家定", "佳定"),
        ("安亭", "江桥", "南翔", "马陆", "菊园"),
    ),
    District(
        "浦东新区",
        31.2100,
        121.5700,
        30_000,
        ("浦东", "南汇", "普东", "浦冬"),
        (
            "陆家嘴",
            "张江",
            "金桥",
            "世纪大道",
            "川沙",
            "惠南",
            "周浦",
            "康桥",
            "三林",
            "北蔡",
            "花木",
            "塘桥",
            "洋泾",
            "高桥",
            "唐镇",
            "临港",
            "外高桥",
            "源深路",
            "浦电路",
            "杨高南路",
        ),
    ),
    District(
        "金山区",
        30.8120,
        121.2550,
        17_000,
        ("金山",),
        ("朱泾", "枫泾", "亭林", "金山卫"),
    ),
    District(
        "松江区",
        31.0300,
        121.2270,
        16_000,
        ("松江", "淞江"),
        ("泗泾", "九亭", "佘山", "洞泾", "车墩", "松江大学城"),
    ),
    District(
        "青浦区",
        31.1300,
        121.1000,
        20_000,
        ("青浦", "清浦", "青埔"),
        ("朱家角", "徐泾", "赵巷", "白鹤", "重固"),
    ),
    District(
        "奉贤区",
        30.9180,
        121.4740,
        18_000,
        ("奉贤", "凤贤"),
        ("南桥", "柘林", "奉城", "庄行"),
    ),
    District(
        "崇明区",
        31.6230,
        121.4500,
        45_000,
        ("崇明", "重明", "崇明县"),
        ("城桥", "陈家镇", "长兴岛", "横沙"),
    ),
)

CITIES: dict[str, tuple[District, ...]] = {"上海": SHANGHAI}
"""By the city's short name (``上海``; ``上海市`` in text)."""

PINYIN: dict[str, str] = {
    "黄浦区": "Huangpu",
    "徐汇区": "Xuhui",
    "长宁区": "Changning",
    "静安区": "Jing'an",
    "普陀区": "Putuo",
    "虹口区": "Hongkou",
    "杨浦区": "Yangpu",
    "闵行区": "Minhang",
    "宝山区": "Baoshan",
    "嘉定区": "Jiading",
    "浦东新区": "Pudong",
    "金山区": "Jinshan",
    "松江区": "Songjiang",
    "青浦区": "Qingpu",
    "奉贤区": "Fengxian",
    "崇明区": "Chongming",
}
"""Each district's name in pinyin, as English writes it (``Xuhui District``, ``Pudong New
Area``): what a worker writing English types for it, and how an address written in English
names its district (``domain.gazetteer.locate``)."""
