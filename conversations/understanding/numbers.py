"""Numbers as customers type them: "90", "九十", "两个小时", "一百二十平米", "three hours".

The regular expressions here are shared by the readers of dates, times and whole requests,
so that "三点", "两台" and "九十平" are all read by one rule of what a numeral is. cn2an turns
a run of Chinese numerals into a number; it is only ever given such a run — its ``transform``
would also turn 周六 into 周6 and 一下 into 1下, so whole sentences never go through it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import cn2an

CN_DIGITS = "零〇一二两三四五六七八九十百千"
NUM = rf"(?:\d{{1,5}}|[{CN_DIGITS}]{{1,6}})"
"""A numeral: up to five digits or a run of Chinese numerals (regex text, no group)."""

_EN_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
EN_WORDS = "|".join(w for w in _EN_WORDS if len(w) > 2)
"""One to twelve in words (regex alternation; "a"/"an" are left to callers)."""
EN_NUM = rf"(?:\d{{1,5}}|\b(?:{EN_WORDS})\b)"
"""A numeral in English: digits or one to twelve in words ("a"/"an" are left to callers)."""

UNITS = (
    r"个小时|小时|个钟头|钟头|个钟|平方米|平方|平米|平|㎡|m²|m2|sqm|sq\s?m|"
    r"square\s+met(?:er|re)s?|hours?|hrs?|h|days?|天|次|台|个|部|套"
)
"""Every unit word an answer to "how many" / "how big" may carry (regex alternation)."""

_FILLER_BEFORE = r"(?:大概|大约|约|差不多|估计|就|要|需要|about|around|approx\.?|roughly|~)?"
_FILLER_AFTER = r"(?:左右|上下|吧|就行|就好|就够了?|即可|or so|ish)?"
_ANSWER = re.compile(
    rf"{_FILLER_BEFORE}\s*(?P<n>{NUM}|{EN_NUM})\s*(?:(?:{UNITS})(?![半多余])[\u4e00-\u9fff]{{0,5}})?"
    rf"\s*{_FILLER_AFTER}[\s。.!！~]*",
    re.IGNORECASE,
)

_FRACTION = re.compile(
    rf"{_FILLER_BEFORE}\s*(?:\d{{1,5}}\s*\.\s*\d{{1,3}}|(?:{NUM}\s*个?\s*)?半"
    rf"|{EN_NUM}\s+and\s+a\s+half|half\s+an?)\s*(?:(?:{UNITS})[\u4e00-\u9fff]{{0,5}})?"
    rf"\s*{_FILLER_AFTER}[\s。.!！~]*",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Full-width digits, letters and punctuation as their plain forms ("１２：００" →
    "12:00", "㎡" → "m2"), so every pattern is written once; case is kept (an address)."""
    return unicodedata.normalize("NFKC", text)


def read_number(text: str) -> int | None:
    """The one whole number an answer names ("九十平" → 90, "两个小时" → 2, "3 hours" → 3).

    An answer that is not exactly one whole number — "3到4小时", "1.5", "一个半小时",
    "一百二十三号" (a unit that is not a quantity's) — is None: guessing 3 or 4 would book a
    wrong order, while asking again costs one message. Filler around the number ("大概",
    "左右") is allowed.
    """
    m = _ANSWER.fullmatch(normalise(text).strip())
    return numeral(m.group("n")) if m else None


_MINUTES = re.compile(
    rf"{_FILLER_BEFORE}\s*(?P<n>{NUM}|{EN_NUM})\s*"
    r"(?P<unit>分钟|分|mins?|minutes?|个小时|小时|个钟头|钟头|hours?|hrs?|h)?"
    rf"\s*(?:后|以后|之后|内)?\s*{_FILLER_AFTER}[\s。.!！~]*",
    re.IGNORECASE,
)
_HALF_HOUR = re.compile(
    rf"{_FILLER_BEFORE}\s*(?:半个?小时|半个?钟头?|half\s+an\s+hour)\s*(?:后|以后|之后|内)?"
    rf"\s*{_FILLER_AFTER}[\s。.!！~]*",
    re.IGNORECASE,
)


def read_minutes(text: str) -> int | None:
    """The minutes an answer to "how long until you arrive" names: "20", "20分钟", "大概二十分钟",
    "20 min", "1小时" (60), "半小时" (30); None for anything else ("1.5小时", "马上", "3到4")."""
    typed = normalise(text).strip()
    if _HALF_HOUR.fullmatch(typed):
        return 30
    m = _MINUTES.fullmatch(typed)
    n = numeral(m["n"]) if m else None
    if m is None or n is None:
        return None
    unit = (m["unit"] or "").casefold()
    return n * 60 if unit[:1] in ("个", "小", "钟", "h") and unit else n


def names_a_fraction(text: str) -> bool:
    """Whether an answer is one number that is not whole: "2.5", "2.5小时", "两个半小时",
    "半小时", "2 and a half hours" — where a quantity is asked, an answer to say is whole,
    not a date ("2.5" is also 2月5日) nor words to look for a service in."""
    return _FRACTION.fullmatch(normalise(text).strip()) is not None


def numeral(text: str) -> int | None:
    """The value of one numeral as ``NUM`` or ``EN_NUM`` matched it ("两" → 2, "十五" → 15,
    "0090" → 90, "three" → 3); None for a run that is no number ("十十")."""
    if text.isascii():
        if text.isdigit():
            return int(text)
        return _EN_WORDS.get(text.lower())
    return _chinese(text)


@lru_cache(maxsize=1024)
def _chinese(run: str) -> int | None:
    """A run of Chinese numerals through cn2an (tens of µs each, hence the cache: the same
    few runs — 两, 三, 十, 九十 — come back all day)."""
    try:
        value = cn2an.cn2an(run, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return int(value)
