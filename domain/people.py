"""Customers, workers, their addresses and their chat identities."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NewType

from domain.gazetteer_data import CITIES, CITY_PINYIN, PINYIN
from domain.rules import MemberLevel, WorkerLevel
from domain.text import N_, Counted, Phrase, StoredNotes, Text, counting, stored_phrase

CustomerId = NewType("CustomerId", int)
WorkerId = NewType("WorkerId", int)


class Channel(StrEnum):
    """A chat channel by name: the ones daojia ships, or any other a channel adapter brings
    (``bots.channel``). Open: ``Channel("line")`` is a channel too, so a new channel needs no
    member here."""

    TELEGRAM = "telegram"
    WECHAT = "wechat"
    WEB = "web"

    @classmethod
    def _missing_(cls, value: object) -> Channel | None:
        if not isinstance(value, str) or not value:
            return None
        channel = str.__new__(cls, value)
        channel._name_, channel._value_ = value.upper(), value
        return channel


CHANNEL_TEXT: dict[str, Text] = {
    Channel.TELEGRAM: N_("Telegram"),
    Channel.WECHAT: N_("微信"),
    Channel.WEB: N_("网页聊天"),
}
"""Each shipped channel's name as people call it (another channel's is its id, spaced)."""


class WorkerStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    LEFT = "left"
    """No longer works with the platform (an admin's ``/leave``): the deposit is paid back
    after the rules' waiting period."""


WORKER_STATUS_TEXT: dict[str, Text] = {
    WorkerStatus.PENDING: N_("待审核"),
    WorkerStatus.APPROVED: N_("已通过"),
    WorkerStatus.REJECTED: N_("未通过"),
    WorkerStatus.SUSPENDED: N_("已暂停接单"),
    WorkerStatus.LEFT: N_("已离职"),
}

DOCUMENT_TEXT: dict[str, Text] = {
    "id_card": N_("身份证"),
    "health": N_("健康证"),
    "maternity_nurse": N_("母婴护理证"),
    "electrician": N_("电工证"),
    "childcare": N_("育婴师证"),
    "elderly_care": N_("养老护理员证"),
}
"""What a worker's documents are called (``Certificate.kind``; a catalog item's
``certificate``)."""


@dataclass(frozen=True, slots=True)
class GeoPoint:
    lat: float
    lon: float


@dataclass
class Customer:
    created_at: datetime
    name: str = ""
    phone: str = ""
    lang: str = "zh"
    points: int = 0
    referral_code: str = ""
    referred_by: int | None = None
    rating_x100: int = 500
    """How workers rate this customer (5.00 until someone does)."""
    id: CustomerId | None = None
    birthday: str = ""
    """Month and day ("03-08") the customer gave in 我的, or ""."""
    birthday_set_at: datetime | None = None
    member_level: MemberLevel = MemberLevel.REGULAR
    """The level held and told of at the last review (``domain.membership.standing``, read
    here; changed only by ``Membership.set_level``)."""
    member_level_until: datetime | None = None
    """Until when ``member_level`` is kept whatever the spend does."""


@dataclass(frozen=True, slots=True)
class Certificate:
    """A worker's document: ``kind`` is e.g. ``id_card``, ``health``, ``maternity_nurse``."""

    kind: str
    file_ref: str = ""
    expires_on: date | None = None
    verified: bool = False


@dataclass(frozen=True, slots=True)
class ServiceArea:
    """Where a worker takes jobs: a centre and radius, and/or named districts."""

    center: GeoPoint | None = None
    radius_m: int = 0
    districts: tuple[str, ...] = ()


@dataclass
class Worker:
    name: str
    phone: str
    created_at: datetime
    skills: tuple[str, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    area: ServiceArea = field(default_factory=ServiceArea)
    status: WorkerStatus = WorkerStatus.PENDING
    online: bool = False
    level: WorkerLevel = WorkerLevel.B
    rating_x100: int = 500
    good_rate_bp: int = 10_000
    reviews: int = 0
    """How many customers rated the worker. Until one has, ``rating_x100`` and
    ``good_rate_bp`` are dispatch's defaults (5.0, 100%), not a rating to show a customer."""
    review_note: str = ""
    daily_cap: int = 4
    lang: str = "zh"
    credit_score: int = 100
    complaint_rate_bp: int = 0
    level_reviewed_at: datetime | None = None
    left_at: datetime | None = None
    id: WorkerId | None = None


def late_arrivals_note(count: int, days: int) -> str:
    """``Worker.review_note`` of a worker suspended for ``count`` late arrivals in ``days``
    days: an id and numbers, put into its reader's language when shown (``review_note_text``).
    """
    return f"late_arrivals:{count}:{days}"


def level_c_note(score: int) -> str:
    """``Worker.review_note`` of a worker suspended at level C with credit score ``score``."""
    return f"level_c:{score}"


def _late(m: re.Match[str]) -> Counted:
    count = int(m["count"])
    return counting(
        "{days} 天内迟到 {count} 次",
        "{days} 天内迟到 {count} 次",
        count,
        count=count,
        days=int(m["days"]),
    )


def _level_c(m: re.Match[str]) -> Text:
    return N_("C 级(信用分 {score}),需重新培训", score=int(m["score"]))


REVIEW_NOTES: StoredNotes = (
    (re.compile(r"late_arrivals:(?P<count>\d+):(?P<days>\d+)"), _late),
    (re.compile(r"level_c:(?P<score>\d+)"), _level_c),
    # as rows written before the notes were ids read: in English, in Chinese
    (re.compile(r"(?P<count>\d+) late arrivals in (?P<days>\d+) days"), _late),
    (re.compile(r"C 级\(信用分 (?P<score>\d+)\),需重新培训"), _level_c),
)
"""The review notes daojia writes itself, by what they look like stored, as their phrases."""


def review_note_text(note: str) -> Phrase:
    """A worker's ``review_note`` as a phrase: one daojia wrote (``late_arrivals_note``,
    ``level_c_note``) in the reader's language, an admin's own reason as they wrote it."""
    return stored_phrase(note, REVIEW_NOTES)


@dataclass
class Address:
    customer_id: int
    text: str
    contact_name: str = ""
    phone: str = ""
    location: GeoPoint | None = None
    district: str = ""
    uncertainty_m: int = 0
    """How far the place may be from ``location``: 0 for a map pin, a district's radius
    when only the district was known (``domain.geo.Located``)."""
    located_by: str = ""
    """``pin``, ``amap``, ``tencent``, ``offline``; "" when not located."""
    id: int | None = None


def address_key(text: str) -> str:
    """An address's text as two are compared: character width (``１００`` and ``100``),
    spacing and letter case do not make another address."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


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


def same_address(saved: Address, new: Address) -> bool:
    """Whether ``new`` is ``saved`` again (not to be saved twice): the same customer, text
    (``address_key``) and contact, and — for a map pin — the same point; a typed text is
    located from its words, so its point says nothing more."""
    return (
        saved.customer_id == new.customer_id
        and address_key(saved.text) == address_key(new.text)
        and (saved.contact_name, saved.phone) == (new.contact_name, new.phone)
        and (new.located_by != "pin" or saved.location == new.location)
    )


@dataclass(frozen=True, slots=True)
class Identity:
    """A person's account on one channel (Telegram user id, WeChat openid, web session)."""

    channel: Channel
    channel_user_id: str
    customer_id: int | None = None
    worker_id: int | None = None
