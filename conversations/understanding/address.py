"""Where a service address is in a message: "漕溪北路88号 1201", "浦东新区世纪大道100号5楼",
"阳光小区3栋1201室", "88 Caoxi North Rd, flat 1201".

An address is found by its anchor — a road and a house number ("…路88号"), an estate and a
building ("…小区3栋"), a number and a street ("88 … Rd") — then grown: left over the name
(up to a space, a punctuation mark or a word like 在/到/住), right over the flat ("1201",
"5楼", "1201室", "flat 1201"). A bare number after it that is a quantity or a time ("3小时",
"3点") is not taken. What the caller knows is no part of an address is cut off the name by
``trim`` (a catalog's item names: "日常保洁漕溪北路88号"), and a span already read as
something else (a date: "明天漕溪北路…") is given as ``taken``.

Whether a typed answer to "where?" has anything of an address at all is
``has_address_words``, read with the same roads, estates and flats and the gazetteer's
districts; ``is_flat_number`` reads the rest of an address a map pin placed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from conversations.understanding.numbers import UNITS
from domain import gazetteer

Span = tuple[int, int]

_HAN = r"\u4e00-\u9fff"
_ROAD = r"(?:路|街|大道|大街|道|巷|胡同|公路)"
_ESTATE_NAMED = r"小区|花园|公寓|大厦|苑|村|广场|家园|新村|大楼|公馆|社区|别墅|宿舍"
"""An estate's word that names one on its own after its name (阳光小区, 恒隆广场)."""
_ESTATE = rf"(?:{_ESTATE_NAMED}|园|城|府|庭|湾|中心|里|坊|弄)"
"""An estate's word; 城, 府, 里 … only with a number after them ("这里", "城市" are none)."""
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
_EN_FLAT_WORDS = r"flat|apt|apartment|unit|room|rm|suite|ste"
_FLAT = rf"(?:(?:{_EN_FLAT_WORDS})\.?|#)\s*[\w-]+"
_EN_ROADS = r"road|rd|street|st|avenue|ave|lane|ln|boulevard|blvd|highway|hwy|lu|jie|dadao"
_EN_ROADS_NUMBERED = r"drive|dr|way|place|pl|court|ct"
"""Street words that are everyday words too ("on my way", "my place"): a street's only after
its number."""
_EN_ADDRESS = re.compile(
    rf"(?:{_FLAT}\s*,?\s*)?(?:no\.?\s*)?\d{{1,5}}[a-z]?\s+"
    r"(?!(?:hours?|hrs?|h|sqm|sq|square|m2|days?|units?|am|pm|o'?clock|times?|visits?)\b)"
    r"(?:[a-z][a-z'.-]*\s+){0,4}?"
    rf"(?:{_EN_ROADS}|{_EN_ROADS_NUMBERED})\b\.?"
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


_LABEL = re.compile(r"\s*(?:(?:我家|我的)?(?:地址|住址)|address)\s*(?:是|在|:|is\b)?", re.I)
"""What may come before an address typed as one: "地址:", "我家地址是", "Address:"."""
_SAYING = frozenset("我你您他她它们了吗呢吧啊呀哦嗯不这那哪么怎") | _STOP
"""Characters of someone speaking, not of a place's name ("我在上海出差", "知道了")."""
_EN_SAYING = re.compile(r"\b(?:i|im|me|my|we|our|you|am|are|is|was)\b", re.IGNORECASE)
_ZH_NAMED = re.compile(rf"(?:{_ROAD}|{_ESTATE_NAMED})(?!上)")
"""A road or an estate after its name (漕溪北路, 阳光小区): "路上" is on the way."""
_ZH_FLAT = re.compile(
    r"(?<![\d.])(?:\d{1,4}|[一二三四五六七八九十]{1,3}|(?<![a-z])[a-z])\s*"
    r"(?:号楼|栋|幢|座|单元|楼|层)|(?<!\d)\d{3,5}\s*[室房]",
    re.IGNORECASE,
)
"""A building, entrance, floor or flat with its number (3栋, A座, 2单元, 8楼, 1201室)."""
_BUILDING_UNIT_ROOM = re.compile(r"(?<![\d-])\d{1,3}-\d{1,2}-\d{3,4}(?![\d-])")
"""A flat written 楼号-单元-室 ("3-2-1501": building 3, entrance 2, flat 1501), as Chinese
estates often are: a place even without a place word (a date has its year first)."""
_LAST_FLAT = re.compile(
    r"(?<![0-9a-z-])#?\s*[a-z]?(?:\d{3,5}|\d{1,3}(?:-\d{1,4}){1,2})[a-z]?\s*[室房号]?\s*$", re.I
)
"""A flat number that ends a text ("汤臣一品 1702", "仁恒河滨城 5-1702", "… 1702室")."""
_EN_PLACE = re.compile(
    rf"\b(?:{_EN_ROADS}|str|alley|hutong|district|estate|compound|residences?|mansions?"
    r"|gardens|villas?|plaza|towers?|village)\b"
    rf"|\d[\w\s'.-]*\b(?:{_EN_ROADS_NUMBERED}|square|sq|terrace|crescent|close)\b",
    re.IGNORECASE,
)
"""A street or an estate written in English; an everyday word ("way", "place") after a number."""
_EN_UNIT = re.compile(
    rf"\b(?:{_EN_FLAT_WORDS}|floor|fl|level|block|blk|building|bldg|house|no)\.?\s*#?\s*\d"
    r"|\d+(?:st|nd|rd|th)?\s*(?:floor|fl|f)\b",
    re.IGNORECASE,
)
"""A flat, floor, block or house with its number ("flat 1702", "No. 8", "5th floor")."""
_FLAT_NUMBER = re.compile(r"#?\s*[a-z]?\d{1,5}[a-z]?(?:\s*[-#/]\s*[a-z]?\d{1,5}[a-z]?){0,2}", re.I)


def has_address_words(text: str) -> bool:
    """Whether ``text`` has anything of an address a worker can be sent to: one
    ``find_address`` finds; a road or an estate after its name (漕溪北路, 阳光小区; Road,
    Lane, Gardens); a building, floor or flat with its number (3栋, 8楼801, 1201室,
    3-2-1501; flat 12, No. 8); an estate's name and its flat number ("汤臣一品 1702"); or a
    district (or a place in one) ``gazetteer.locate`` knows, named as a place ("闵行区莘庄",
    "Xuhui, Shanghai"), not in a sentence ("我在徐汇出差"). A city alone is none ("我在上海出差"),
    nor a number alone: "3", "123", a phone number, "下午3点" (a time: the caller takes out
    what it read as a day or a time first, "12月3号" among them)."""
    s = unicodedata.normalize("NFKC", text)
    if label := _LABEL.match(s):
        s = s[label.end() :]
    saying = {i for i, c in enumerate(s) if c in _SAYING}
    return bool(
        find_address(s) is not None
        or any(_named(s, m.start(), saying) for m in _ZH_NAMED.finditer(s))
        or _ZH_FLAT.search(s)
        or _BUILDING_UNIT_ROOM.search(s)
        or _EN_PLACE.search(s)
        or _EN_UNIT.search(s)
        or _estate_and_flat(s, saying)
        or (not saying and not _EN_SAYING.search(s) and gazetteer.locate(s) is not None)
    )


def _named(s: str, at: int, saying: set[int]) -> bool:
    """Whether a name with two characters at least that are no digits comes right before
    ``at`` ("漕溪北", "ＸＸ"; not "知" of "知道", "坐83" of "坐83路公交", the bus)."""
    name = s[_name_start(s, at, saying, None) : at]
    return sum(not c.isdigit() for c in name) >= 2


def _estate_and_flat(s: str, saying: set[int]) -> bool:
    """Whether ``s`` is a name (two Chinese characters at least, an estate's or a building's)
    and a flat number after it, nothing else said: "汤臣一品 1702", "陆家嘴 1702"."""
    flat = _LAST_FLAT.search(s)
    if flat is None or any(i < flat.start() for i in saying):
        return False
    name = s[: flat.start()].rstrip()
    start = _name_start(name, len(name), set(), None)
    return len(re.findall(rf"[{_HAN}]", name[start:])) >= 2


def is_flat_number(text: str) -> bool:
    """Whether ``text`` is a flat or house number alone ("1702", "5-1702", "B1702", "12A"):
    an address's last part, where the place is known already (a shared map pin); or written
    楼号-单元-室 ("3-2-1501"), or after a "#" ("#1203"). At most five digits a part and nine
    in all: a phone number is none, written in parts too ("138-1234-5678")."""
    s = unicodedata.normalize("NFKC", text).strip()
    return _FLAT_NUMBER.fullmatch(s) is not None and sum(c.isdigit() for c in s) <= 9
