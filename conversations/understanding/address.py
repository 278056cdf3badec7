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
from collections.abc import Callable, Iterable

from conversations.understanding.numbers import UNITS

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
