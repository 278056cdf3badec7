"""The offline geocoder: the district (and the street, where the text names one) read from
a typed Chinese address with the bundled table (``gazetteer_data``), located at the
district's point with the district's radius as the uncertainty. Needs no key and no network;
the fallback whenever a map service is not configured or does not answer.

Reads ``上海市徐汇区漕溪北路100号5楼501``, ``徐汇区…``, ``上海徐汇…`` (no 市), ``徐汇漕溪北路…``
(no 区), ``徐汇去…`` and ``闽行区…`` (typing slips), ``闸北区…`` (a former district), and a
text naming only a well-known place or road (``漕溪北路100号``, ``陆家嘴…``). A text naming
another city than the ones the table holds is not located (None), rather than misplaced.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from math import cos, hypot, radians

from domain.gazetteer_bounds import BOUNDS, SEAM_M, Ring
from domain.gazetteer_data import CITIES, PINYIN, District
from domain.geo import Located
from domain.people import Address, GeoPoint
from domain.text import Bilingual, listed

OFFLINE = "offline"
DEFAULT_CITY = "上海"
_PROVINCE = re.compile(r"^(?:中国)?[\u4e00-\u9fff]{2,7}?(?:省|自治区)")
_CITY = re.compile(r"^((?:(?![区县镇乡路街])[\u4e00-\u9fff]){2,4}?)市")
"""A city named first; not 嘉定区城市花园's 区城 (城市 is "city", not a city)."""
_ROAD = re.compile(r"(?:(?![镇乡村区号弄])[\u4e00-\u9fff]){2,10}?(?:大道|公路|路|街)")
_NOT_A_DISTRICT_AFTER = ("路", "街", "大道", "公路", "江", "大桥")
"""An alias followed by these names a road or a river (宝山路 is in 静安区; 黄浦江)."""


def normalise(text: str) -> str:
    """Full-width forms folded, spaces and the country dropped: the cache key's text too."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).removeprefix("中国")


def locate(text: str, city_hint: str = DEFAULT_CITY) -> Located | None:
    """The district named (or implied) by ``text`` at its point, or None when it names none
    the table knows. ``city_hint``: the city the service runs in, assumed when the text
    names no city."""
    rest = normalise(text)
    rest = _PROVINCE.sub("", rest, count=1)
    city = _short_city(city_hint)
    if m := _CITY.match(rest):
        city, rest = m.group(1), rest[m.end() :]
    elif rest.startswith(city):
        rest = rest[len(city) :]
    districts = CITIES.get(city)
    if not districts:  # another city's (北京市…, 舟山市普陀区…): not placed in this one
        return None
    found = _district(rest, districts)
    if found is None:
        in_english = _district_in_english(text, districts)
        if in_english is None:
            return None
        found = in_english, len(rest)  # a Chinese road's name is not looked for after it
    district, end = found
    road = _ROAD.search(rest, end)
    street = road.group(0) if road else next((p for p in district.places if p in rest), "")
    return Located(
        GeoPoint(district.lat, district.lon),
        district.name,
        street,
        district.radius_m,
        OFFLINE,
    )


def district_at(point: GeoPoint, city_hint: str = DEFAULT_CITY) -> str:
    """The district whose boundary holds ``point``; within ``SEAM_M`` outside them all (a
    seam the simplified outlines leave, a river bank), the nearest; "" farther out (another
    city's point). Where simplified outlines overlap, the one the point is deepest inside."""
    best: tuple[float, str] | None = None
    for d in CITIES.get(_short_city(city_hint), ()):
        depth = max(_depth_m(point, ring) for ring in BOUNDS[d.name])
        if depth >= -SEAM_M and (best is None or depth > best[0]):
            best = (depth, d.name)
    return best[1] if best else ""


def _depth_m(point: GeoPoint, ring: Ring) -> float:
    """How far inside ``ring`` the point lies, in metres: negative outside it."""
    metres_per_lon = _METRES_PER_LAT * cos(radians(point.lat))
    flat = [
        ((lon - point.lon) * metres_per_lon, (lat - point.lat) * _METRES_PER_LAT)
        for lat, lon in ring
    ]
    inside = False
    nearest = float("inf")
    for (x1, y1), (x2, y2) in zip(flat, flat[1:] + flat[:1], strict=True):
        if (y1 > 0) != (y2 > 0) and x1 + (x2 - x1) * -y1 / (y2 - y1) > 0:
            inside = not inside
        nearest = min(nearest, _to_segment(x1, y1, x2, y2))
    return nearest if inside else -nearest


def _to_segment(x1: float, y1: float, x2: float, y2: float) -> float:
    """The distance from the origin to the segment (x1, y1)–(x2, y2)."""
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(x1 * dx + y1 * dy) / length2))
    return hypot(x1 + t * dx, y1 + t * dy)


_METRES_PER_LAT = 111_195
"""Metres in a degree of latitude (the earth's mean radius, as ``domain.geo`` uses it)."""


def known_district(name: str, city_hint: str = DEFAULT_CITY) -> str:
    """The official name of a district written as ``name`` (``徐汇``, ``闸北区``), or ""."""
    found = _district(normalise(name), CITIES.get(_short_city(city_hint), ()))
    return found[0].name if found else ""


_NOT_LETTERS = re.compile(r"[^a-z]")
_ENGLISH_SUFFIX = re.compile(r"(?:district|newarea|newdistrict)$")
_SUFFIXES = ("新区", "区", "去", "曲", "县")


def district_named(word: str, city_hint: str = DEFAULT_CITY) -> str:
    """The official name of the district ``word`` names and nothing else — its name
    (``徐汇区``), one people write for it (``徐汇``, ``闸北``, ``徐汇去``) or its pinyin
    (``Xuhui``, ``Xuhui District``, ``Jing'an``) — or "". Unlike ``known_district``, neither a
    place inside a district nor a longer text counts: a worker's area is what they named."""
    districts = CITIES.get(_short_city(city_hint), ())
    text = normalise(word)
    latin = _NOT_LETTERS.sub("", text.casefold())
    if latin:
        latin = _ENGLISH_SUFFIX.sub("", latin) or latin
        found = _by_pinyin(districts).get(latin)
        return found.name if found else ""
    stem = next((text.removesuffix(s) for s in _SUFFIXES if text.endswith(s)), text)
    for d in districts:
        if text == d.name or stem == d.name.removesuffix("新区").removesuffix("区"):
            return d.name
        if stem in d.aliases or text in d.aliases:
            return d.name
    return ""


def district_text(name: str) -> Bilingual:
    """A district as a person reads it: ``徐汇区`` in Chinese, its pinyin in English
    (``Xuhui District``, ``Pudong New Area``). A name the table lacks (a map service's, in
    another city) reads as it is stored, in both."""
    pinyin = PINYIN.get(name)
    if not pinyin:
        return Bilingual(name, name)
    return Bilingual(name, f"{pinyin} {'New Area' if name.endswith('新区') else 'District'}")


def districts_text(names: Iterable[str], lang: str) -> str:
    """Districts as one list in ``lang`` (``Xuhui District, Jing'an District``)."""
    return listed((district_text(n).get(lang) for n in names), lang)


_LATIN_WORD = re.compile(r"[a-z]+")
_ROAD_OR_RIVER = [[w] for w in ("road", "rd", "street", "st", "lu", "avenue", "ave", "river")]
"""English words after a district's pinyin that make it a road's or a river's name (Putuo
Road, Huangpu River)."""


def _district_in_english(text: str, districts: tuple[District, ...]) -> District | None:
    """The district an address written in English names by its pinyin (``Xuhui District``,
    ``Jing'an``, ``Pudong New Area``): the first word that is one, unless a road or a river
    is named after it."""
    pinyin = _by_pinyin(districts)
    words = _LATIN_WORD.findall(
        unicodedata.normalize("NFKC", text).casefold().replace("'", "").replace("’", "")
    )
    for i, word in enumerate(words):
        if word in pinyin and words[i + 1 : i + 2] not in _ROAD_OR_RIVER:
            return pinyin[word]
    return None


def _by_pinyin(districts: tuple[District, ...]) -> dict[str, District]:
    """The districts by their pinyin as letters alone, lower case (``jingan``, ``pudong``)."""
    return {
        _NOT_LETTERS.sub("", PINYIN[d.name].casefold()): d for d in districts if d.name in PINYIN
    }


def _short_city(name: str) -> str:
    return normalise(name).removesuffix("市")


def _district(text: str, districts: tuple[District, ...]) -> tuple[District, int] | None:
    """The district the text names — its official name, else a name people write for it,
    else a place inside it — with where the name ends in ``text``."""
    by_name = _first(text, ((d.name, d) for d in districts))
    if by_name is not None:
        return by_name
    by_alias = _first(text, ((a, d) for d in districts for a in d.aliases), alias=True)
    if by_alias is not None:
        district, end = by_alias
        if text[end : end + 1] in ("区", "去", "曲", "县"):
            end += 1  # 徐汇去 (a slip for 区)
        elif text[end : end + 2] == "新区":
            end += 2
        return district, end
    by_place = _first(text, ((p, d) for d in districts for p in d.places))
    if by_place is not None:
        district, _ = by_place
        return district, 0
    return None


def _first(
    text: str, names: Iterable[tuple[str, District]], *, alias: bool = False
) -> tuple[District, int] | None:
    """The earliest (then longest) of ``names`` in ``text``: (district, end of the name)."""
    best: tuple[int, int, District] | None = None
    for name, district in names:
        start = text.find(name)
        while start >= 0 and alias and text[start + len(name) :].startswith(_NOT_A_DISTRICT_AFTER):
            start = text.find(name, start + 1)
        if start < 0:
            continue
        key = (start, -len(name))
        if best is None or key < best[:2]:
            best = (start, -len(name), district)
    if best is None:
        return None
    start, minus_len, district = best
    return district, start - minus_len


PIN = "pin"


def at_pin(point: GeoPoint, text: str, city_hint: str = DEFAULT_CITY) -> Located:
    """A map pin the customer sent: its exact point, the district the text names (a WeChat
    pin comes with one), else the district the point lies in."""
    named = locate(text, city_hint)
    district = named.district if named else district_at(point, city_hint)
    return Located(point, district, named.street if named else "", 0, PIN)


def place_of(address: Address, city_hint: str = DEFAULT_CITY) -> Located | None:
    """Where a saved address is: as located when it was saved, or — saved before addresses
    were geocoded — read from its text with the table (None when it names no district)."""
    if address.location is not None:
        district = address.district or district_at(address.location, city_hint)
        return Located(
            address.location, district, "", address.uncertainty_m, address.located_by or PIN
        )
    if address.located_by:  # geocoded when saved, and nowhere to be found
        return None
    found = locate(address.text, city_hint)
    if found is not None and address.district:
        return replace(found, district=address.district)
    return found
