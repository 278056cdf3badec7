"""Customers, workers, their addresses and their chat identities."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NewType

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
