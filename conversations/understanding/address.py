"""Where a service address is in a message: "漕溪北路88号 1201", "浦东新区世纪大道100号5楼",
"阳光小区3栋1201室", "88 Caoxi North Rd, flat 1201".

An address is found by its anchor — a road and a house number ("…路88号"), an estate and a
building ("…小区3栋"), a number and a street ("88 … Rd") — then grown: left over the name
(up to a space, a punctuation mark or a word like 在/到/住), right over the flat ("1201",
"5楼", "1201室", "flat 1201"). A bare number after it that is a quantity or a time ("3小时",
"3点") is not taken. What the caller knows is no part of an address is cut off the name by
``trim`` (a catalog's item names: "日常保洁漕溪北路88号"), and a span already read as
something else (a date: "明天漕溪北路…") is given as ``taken``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from conversations.understanding.numbers import UNITS
from domain.gazetteer_data import CITIES, CITY_PINYIN, PINYIN

Span = tuple[int, int]

_HAN = r"\u4e00-\u9fff"
_ROAD = r"(?:路|街|大道|大街|道|巷|胡同|公路)"
_ESTATE = (
    r"(?:小区|花园|公寓|大厦|苑|园|村|广场|家园|新村|城|府|庭|湾|中心|大楼|公馆|社区|里|坊|弄)"
)
_NOT_A_FLAT = rf"(?!\s*(?:{UNITS}|点|:|号?\s*日|月|元|块|岁|人))"
_TAIL = (
    rf"(?:[\s,,\-]*(?:\d{{1,5}}\s*(?:号楼|栋|幢|座|单元|层|楼|室|号|房|f\b)"
    rf"|[a-z]?\d{{2,5}}(?:室|房)?(?![\d]){_NOT_A_FLAT}"
    r"|第?[一二三四五六七八九十]{1,3}\s*(?:层|楼)))*"
)
_ZH_ANCHOR = re.compile(
    rf"{_ROAD}\s*\d{{1,5}}\s*(?:弄\s*\d{{1,5}}\s*)?号(?!\s*(?:线|楼))"
    rf"|{_ESTATE}\s*\d{{1,4}}\s*(?:号楼|栋|幢|座|号|单元|期)",
    re.IGNORECASE,
)
_ZH_TAIL = re.compile(_TAIL, re.IGNORECASE)
_FLAT = r"(?:flat|apt\.?|apartment|unit|room|rm\.?|suite|#)\s*[\w-]+"
_EN_ADDRESS = re.compile(
    rf"(?:{_FLAT}\s*,?\s*)?(?:no\.?\s*)?\d{{1,5}}[a-z]?\s+"
    r"(?!(?:hours?|hrs?|h|sqm|sq|square|m2|days?|units?|am|pm|o'?clock|times?|visits?)\b)"
    r"(?:[a-z][a-z'.-]*\s+){0,4}?"
    r"(?:road|rd|street|st|avenue|ave|lane|ln|boulevard|blvd|drive|dr|way|place|pl|court|ct"
    r"|highway|hwy|lu|jie|dadao)\b\.?"
    rf"(?:\s*,?\s*(?:{_FLAT}|(?:floor|fl\.?)\s*\d{{1,3}}|\d{{1,3}}(?:st|nd|rd|th)\s+floor))*"
    # ", Xuhui District" after it: where workers are found (``gazetteer.locate`` reads it)
    r"(?:\s*,?\s*[a-z][a-z'’]*\s+(?:district|new\s+area)\b)?",
    re.IGNORECASE,
)
_STOP = frozenset("在到住址是的来去请找做要给帮送")
_NAME_CHAR = re.compile(rf"[{_HAN}0-9A-Za-z]")
_MAX_NAME = 16


def find_address(
    s: str, taken: Iterable[Span] = (), trim: Callable[[str], int] | None = None
) -> Span | None:
    """Where the first address in ``s`` (normalised text) is; None when there is none."""
    m = _EN_ADDRESS.search(s)
    if m:
        return m.start(), m.end()
    blocked: set[int] = set()
    for a, b in taken:
        blocked.update(range(a, b))
    for m in _ZH_ANCHOR.finditer(s):
        start = _name_start(s, m.start(), blocked, trim)
        if start == m.start():
            continue  # "路88号" with no name before it is no address
        tail = _ZH_TAIL.match(s, m.end())
        end = tail.end() if tail else m.end()
        while end > m.end() and s[end - 1] in " ,-":
            end -= 1
        return start, end
    return None


def _name_start(s: str, anchor: int, blocked: set[int], trim: Callable[[str], int] | None) -> int:
    """Where the name before an anchor starts: back over Chinese characters (and digits and
    letters, as in "SOHO东海广场"), to a space, a stop word or something already read; then
    past what ``trim`` says is no name."""
    start = anchor
    while start > 0 and anchor - start < _MAX_NAME:
        c = s[start - 1]
        if start - 1 in blocked or c in _STOP or not _NAME_CHAR.match(c):
            break
        start -= 1
    return start + trim(s[start:anchor]) if trim and start < anchor else start


_ZH_PLACE = re.compile(
    r"[路街道巷弄栋幢楼室号区县镇村市苑园坊]|胡同|单元|小区|花园|公寓|大厦|广场|社区|宿舍|别墅"
    r"|[城府庭湾里座层]\s*(?:\d|[一二三四五六七八九十]{1,3}\s*[号栋幢座楼层期])"
)
"""A place word of a Chinese address: a road (路, 街, 大道, 弄), a house, building or flat
(号, 栋, 楼, 室, 单元), an estate (小区, 花园, 苑; 城, 府, 里 … only with a number after
them: "这里", "城市" are none), a district or a town (区, 县, 镇, 村, 市)."""
_ZH_NOT_PLACE = re.compile(
    r"知道|难道|味道|频道|一道|顺道|道歉|道理|路上|一路|走路|路过|逛街|号码|几号|区别|区分"
    r"|楼上|楼下|超市|市场|城市"
)
"""Words that hold a place word and name no place ("我在路上", "知道了", "电话号码")."""
_EN_STREET = re.compile(
    r"\b(?:road|rd|street|str|st|avenue|ave|lane|ln|alley|boulevard|blvd|highway|hwy"
    r"|hutong|lu|jie|dadao|district|estate|compound|residences?|mansions?|gardens|villas?"
    r"|plaza|towers?|village)\b",
    re.IGNORECASE,
)
_EN_NUMBERED_STREET = re.compile(
    r"\d[\w\s'.-]*\b(?:drive|dr|way|place|pl|court|ct|square|sq|terrace|crescent|close)\b",
    re.IGNORECASE,
)
"""A street word that is an everyday word too ("on my way", "my place"): after a number."""
_EN_UNIT = re.compile(
    r"\b(?:flat|apt|apartment|unit|room|rm|suite|ste|floor|fl|level|block|blk|building|bldg"
    r"|house|no)\.?\s*#?\s*\d"
    r"|\d+(?:st|nd|rd|th)?\s*(?:floor|fl|f)\b",
    re.IGNORECASE,
)
"""A flat, floor, block or house with its number ("flat 1702", "No. 8", "5th floor")."""
_FLAT_NUMBER = re.compile(r"#?\s*[a-z]?\d{1,5}[a-z]?(?:\s*[-#/]\s*[a-z]?\d{1,5}[a-z]?){0,2}", re.I)
_BUILDING_UNIT_ROOM = re.compile(r"(?<![\d-])\d{1,3}-\d{1,2}-\d{3,4}(?![\d-])")
"""A flat written 楼号-单元-室 ("3-2-1501": building 3, entrance 2, flat 1501), as Chinese
estates often are: a place even without a place word (a date has its year first)."""


def _gazetteer_words() -> re.Pattern[str]:
    """The cities and districts the gazetteer knows, and the places in them, as written in
    Chinese (上海, 徐汇区, 徐汇, 陆家嘴) or English (Shanghai, Xuhui, Jing'an, Pudong)."""
    chinese = {city for city in CITIES} | {
        name for districts in CITIES.values() for d in districts for name in (d.name, *d.aliases)
    }
    chinese |= {p for districts in CITIES.values() for d in districts for p in d.places}
    english = {w.casefold().replace("'", "") for w in (*PINYIN.values(), *CITY_PINYIN.values())}
    words = sorted(map(re.escape, chinese), key=len, reverse=True)
    latin = sorted(map(re.escape, english), key=len, reverse=True)
    return re.compile(rf"{'|'.join(words)}|\b(?:{'|'.join(latin)})\b")


_GAZETTEER = _gazetteer_words()


def has_address_words(text: str) -> bool:
    """Whether ``text`` has anything of an address a worker can be sent to: a place word — a
    road, an estate, a building, a flat, a district (路, 号, 小区, 栋, 室, 区…; Road, St,
    Lane, flat 12, No. 8…) — or a city, district or place the gazetteer knows (上海, 徐汇,
    陆家嘴, Xuhui). A number alone is none: "3", "123", a phone number, "下午3点" (a time:
    the caller takes out what it read as a day or a time first, "12月3号" among them)."""
    s = unicodedata.normalize("NFKC", text)
    zh = _ZH_NOT_PLACE.sub(" ", s)
    latin = s.casefold().replace("'", "").replace("\u2019", "")
    return bool(
        _ZH_PLACE.search(zh)
        or _EN_STREET.search(s)
        or _EN_NUMBERED_STREET.search(s)
        or _EN_UNIT.search(s)
        or _BUILDING_UNIT_ROOM.search(s)
        or _GAZETTEER.search(latin)
    )


def is_flat_number(text: str) -> bool:
    """Whether ``text`` is a flat or house number alone ("1702", "5-1702", "B1702", "12A"):
    an address's last part, where the place is known already (a shared map pin); or written
    楼号-单元-室 ("3-2-1501"), or after a "#" ("#1203"). At most five digits a part and nine
    in all: a phone number is none, written in parts too ("138-1234-5678")."""
    s = unicodedata.normalize("NFKC", text).strip()
    return _FLAT_NUMBER.fullmatch(s) is not None and sum(c.isdigit() for c in s) <= 9
