"""Rules of doing the job: check-in distance, lateness, the arrival estimate (ETA), what
finishing needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from domain.geo import distance_m
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.media import PhotoKind
from domain.moments import clock_or_when
from domain.orders import Order
from domain.people import GeoPoint
from domain.rules import ExecutionRules, LatenessRules
from domain.text import N_, Text


class TooFar(DomainError):
    """Check-in refused: the worker is not at the address."""

    def __init__(self, distance: int, radius: int) -> None:
        super().__init__(
            N_(
                "您距离服务地址约 {distance},需在 {radius} 以内才能打卡",
                distance=_km(distance),
                radius=_km(radius),  # one unit for both: "约 20.4 km,需在 6.3 km 以内"
            )
        )
        self.distance = distance


class TooEarly(DomainError):
    """A job step refused before its time (the earliest moment is named)."""


CHECK_IN_STATUSES = frozenset({OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY})
"""The jobs a worker checks in to: taken and not at the door yet (one not set off yet is
set off by the check-in itself)."""


def opens_at(start_at: datetime, minutes_before: int) -> datetime:
    """The earliest moment a step allowed ``minutes_before`` the start may be taken (setting
    off, checking in: ``check_not_early``)."""
    return start_at - timedelta(minutes=minutes_before)


def checkin_lead_minutes(rules: ExecutionRules, asap: bool) -> int:
    """How long before its start a job may be checked in to: ``checkin_before_minutes``, and
    an order booked for as soon as possible (尽快上门) as long as it may be set off for
    (``depart_before_minutes``): its start is only the earliest moment a worker was promised
    (``asap_lead_minutes`` away), so a worker who sets off at once and arrives when they told
    the customer is let in at the door rather than kept waiting for the start's hour."""
    if asap:
        return max(rules.checkin_before_minutes, rules.depart_before_minutes)
    return rules.checkin_before_minutes


def due_for_check_in(
    status: OrderStatus, start_at: datetime, now: datetime, minutes_before: int
) -> bool:
    """Whether a job may be checked in to at ``now``: one of ``CHECK_IN_STATUSES`` whose
    check-in has opened (``checkin_lead_minutes`` before the start; no later limit: a late
    worker still checks in, and the lateness is recorded at the door)."""
    return status in CHECK_IN_STATUSES and now >= opens_at(start_at, minutes_before)


def check_not_early(
    start_at: datetime,
    now: datetime,
    minutes_before: int,
    tz: ZoneInfo,
    *,
    check_in: bool,
) -> None:
    """Raise TooEarly when ``now`` is more than ``minutes_before`` before ``start_at``: setting
    off (``ExecutionRules.depart_before_minutes``) or checking in (``checkin_before_minutes``)
    the day before would tell the customer their worker is on the way or at the door."""
    earliest = opens_at(start_at, minutes_before)
    if now >= earliest:
        return
    when = clock_or_when(earliest, now, tz)
    if check_in:
        raise TooEarly(N_("还没到打卡时间:最早 {when} 可以打卡", when=when))
    raise TooEarly(N_("还没到出发时间:最早 {when} 可以出发", when=when))


PHOTO_STATUSES: dict[PhotoKind, frozenset[OrderStatus]] = {
    PhotoKind.DOOR: frozenset({OrderStatus.ON_THE_WAY}),
    PhotoKind.BEFORE: frozenset({OrderStatus.ARRIVED, OrderStatus.IN_SERVICE}),
    PhotoKind.AFTER: frozenset({OrderStatus.IN_SERVICE}),
    PhotoKind.SURCHARGE: frozenset({OrderStatus.ARRIVED, OrderStatus.IN_SERVICE}),
}
"""When each kind of job photo may be added (the first before photo starts the service)."""


def photo_refusal(
    status: OrderStatus, kind: PhotoKind, number: int, *, checked_in: bool = True
) -> Text | None:
    """Why a ``kind`` photo cannot be added to order ``number`` now, or None when it can:
    said when the worker asks to send photos, and again when one arrives."""
    if status in PHOTO_STATUSES[kind] and (kind != PhotoKind.DOOR or checked_in):
        return None
    if status in (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY):  # not at the door yet
        return N_("订单 #{number} 现在不能上传这类照片(请先打卡)", number=number)
    if status == OrderStatus.ARRIVED:  # after photos come once the service has started
        return N_("订单 #{number} 还没有服务前照片,请先上传服务前照片。", number=number)
    return N_(
        "订单 #{number} 现在是「{status}」,不能上传照片。",
        number=number,
        status=STATUS_TEXT[status],
    )


_DIGIT_RUN = re.compile(r"\d+")
"""Decimal digits, full-width ones too (Unicode Nd; "²" is none)."""


def typed_code(given: str) -> str:
    """The code in what the worker typed, spaces dropped: the one run of digits in it when it
    is said in a sentence ("验证码是 6343", "code 6343 thanks"); otherwise all of it (two
    numbers, or none: no code to read)."""
    typed = "".join(ch for ch in given if not ch.isspace())
    runs = _DIGIT_RUN.findall(typed)
    return runs[0] if len(runs) == 1 else typed


def visit_code_matches(expected: str, given: str) -> bool:
    """Whether ``given`` (as typed: spaces and full-width digits allowed, or said in a
    sentence: ``typed_code``) is the code."""
    typed = typed_code(given)
    digits = "".join(str(int(ch)) for ch in typed if ch.isdecimal())  # "²": no digit to int
    return len(digits) == len(typed) and bool(expected) and digits == expected


def _km(metres: int) -> str:
    return f"{metres} m" if metres < 1000 else f"{metres // 1000}.{metres % 1000 // 100} km"


def check_in_distance(
    address: GeoPoint | None, here: GeoPoint, rules: ExecutionRules, uncertainty_m: int = 0
) -> int | None:
    """Metres between the worker and the address; TooFar beyond the check-in radius widened
    by how far the address's point may be from the place (``Address.uncertainty_m``: 0 for a
    map pin, a district's radius when only the district is known). None when the address
    has no point at all: the location is recorded as given."""
    if address is None:
        return None
    distance = distance_m(address, here)
    radius = rules.checkin_radius_m + max(0, uncertainty_m)
    if distance > radius:
        raise TooFar(distance, radius)
    return distance


def late_minutes(start_at: datetime, arrived_at: datetime) -> int:
    """Whole minutes after the booked start (0 when on time)."""
    return max(0, int((arrived_at - start_at).total_seconds() // 60))


def is_late(minutes: int, rules: LatenessRules) -> bool:
    return minutes > rules.grace_minutes


class EtaSource(StrEnum):
    """Where an arrival estimate on setting off (出发) came from."""

    LOCATION = "location"
    """A location the worker shared (then, or ``eta_location_fresh_minutes`` before)."""
    WORKER = "worker"
    """The minutes the worker said (a button or a typed number)."""
    BOOKED = "booked"
    """Nothing else known: the booked start."""


@dataclass(frozen=True, slots=True)
class Eta:
    """A worker's estimated arrival: in ``minutes`` from setting off, and how it was made."""

    minutes: int
    source: EtaSource


def travel_minutes(distance: int, rules: ExecutionRules) -> int:
    """Minutes to travel ``distance`` metres at ``travel_speed_kmh`` (rounded up), never
    fewer than ``eta_min_minutes``."""
    return max(rules.eta_min_minutes, -(-distance * 60 // (rules.travel_speed_kmh * 1000)))


def estimate_arrival(
    rules: ExecutionRules,
    now: datetime,
    start_at: datetime,
    *,
    said_minutes: int | None = None,
    distance: int | None = None,
) -> Eta | None:
    """The arrival estimate of a worker setting off at ``now``: the minutes they said, else
    from ``distance`` (metres from a location they shared to the address), else the booked
    ``start_at`` when it is still ahead; None when nothing is known (a late worker who gave
    neither)."""
    if said_minutes is not None:
        return Eta(said_minutes, EtaSource.WORKER)
    if distance is not None:
        return Eta(travel_minutes(distance, rules), EtaSource.LOCATION)
    if start_at > now:
        return Eta(-(-int((start_at - now).total_seconds()) // 60), EtaSource.BOOKED)
    return None


def expected_arrival(order: Order) -> datetime | None:
    """When the worker on the way to ``order`` is expected: their set-off plus the estimate
    it gave (``Order.eta_minutes``); None unless the order is on the way with an estimate
    (a late worker who gave none, or one checked in without setting off first)."""
    if order.status != OrderStatus.ON_THE_WAY or order.departed_at is None:
        return None
    if order.eta_minutes is None:
        return None
    return order.departed_at + timedelta(minutes=order.eta_minutes)
