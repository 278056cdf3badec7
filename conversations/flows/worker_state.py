"""The worker flow's steps and its own data: the job being checked in to, photographed, set
off for or handed over, the kind of photos coming, a location shared at the menu waiting for
its job, a plain text waiting for the customer it answers; the typed action handed to the
flow when it is entered; and, apart from the flow's data, the last location the worker
shared (for the arrival estimate on 出发)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from conversations.events import LocationReported
from conversations.flows.base import Outcome
from conversations.flows.flow_state import keep
from conversations.state import Conversation
from domain.media import PhotoKind

NAME = "worker"


class Step(StrEnum):
    MENU = "menu"
    ACTION = "action"
    CHECKIN_JOB = "checkin_job"
    """A location shared at the menu: which job it checks in to (the one due now, or the
    worker picks among several)."""
    CHECKING = "checking"
    """打卡 #N or 拍照 #N: the job is being checked (``CheckJob``) before the location or the
    photos are asked for."""
    CHECKIN_LOCATION = "checkin_location"
    CHECKIN_CODE = "checkin_code"
    CHECKIN_PHOTO = "checkin_photo"
    PHOTOS = "photos"
    DEPART_ETA = "depart_eta"
    """出发 #N with no recent location: when the worker will arrive (minutes, a location, or
    the booked time)."""
    TRANSFER_CONFIRM = "transfer_confirm"
    """转单 #N: the job is checked (``CheckTransfer``), then the worker confirms (or not)."""
    REPLY_FIND = "reply_find"
    """A plain text at the menu: the customers who wrote lately are found (``reply``)."""
    REPLY_PICK = "reply_pick"
    """A plain text that could answer several customers: which one it goes to."""


FIRST = Step.MENU
ACTION = "worker_action"
"""Where ``seed`` hands a typed action to ``enter``."""
RECENT = "recent_location"
"""Where the last location the worker shared and when are kept (``[lat, lon, ISO time]``):
the conversation's, not the flow's, so entering the flow (which resets its data) keeps it."""
YES, NO = "yes", "no"
"""The keys of a confirmation's buttons (转单's 确定 / 取消; a reply's 不发了)."""
REPLY_TO = "reply:"
"""The key of a customer's button when a plain text could answer several
(``reply:240117``)."""
HERE = "here:"
"""The key of a job's button when a location shared at the menu could be for several
(``here:240117``): checked in to with that location."""


@dataclass(frozen=True, slots=True)
class WorkerData:
    """The flow's own data, in ``conv.data[NAME]``: the job being checked in to or
    photographed, which photos (before or after) are coming, and the location shared at the
    menu while its job is found (``here``); empty at the menu."""

    number: int | None = None
    kind: PhotoKind | None = None
    here: tuple[float, float] | None = None
    which: bool = False
    """拍照 #N without before or after: the job is checked, then which kind is asked."""
    onway: bool = False
    """出发 #N: the job is checked, then (without a recent location) the arrival is asked."""
    reply: str = ""
    """A plain text typed at the menu, kept while it is found whom it answers (phone numbers
    masked, as it will be relayed)."""

    def to_json(self) -> dict[str, Any]:
        raw: dict[str, Any] = {
            "number": self.number,
            "kind": self.kind.value if self.kind else None,
        }
        if self.here is not None:  # only while a shared location waits for its job
            raw["here"] = list(self.here)
        if self.which:  # only while 拍照 #N without its kind is checked
            raw["which"] = True
        if self.onway:  # only while 出发 #N is checked or its arrival asked
            raw["onway"] = True
        if self.reply:  # only while a plain text's customer is found or picked
            raw["reply"] = self.reply
        return raw

    @classmethod
    def from_json(cls, raw: object) -> WorkerData | None:
        """The data ``to_json`` wrote; None for anything else (a state saved before)."""
        optional = {"here", "which", "onway", "reply"}
        if not isinstance(raw, dict) or set(raw) - optional != {"number", "kind"}:
            return None
        if raw.get("which", True) is not True or raw.get("onway", True) is not True:
            return None
        reply = raw.get("reply", "")
        if type(reply) is not str:
            return None
        number, kind, here = raw["number"], raw["kind"], _point(raw.get("here"))
        if not (number is None or type(number) is int) or kind not in (None, *PhotoKind):
            return None
        if "here" in raw and here is None:
            return None
        which, onway = "which" in raw, "onway" in raw
        kind_ = PhotoKind(kind) if kind is not None else None
        return cls(number, kind_, here, which, onway, reply)


def _point(raw: object) -> tuple[float, float] | None:
    if not isinstance(raw, list) or len(raw) != 2:
        return None
    if not all(type(v) in (int, float) for v in raw):
        return None
    return float(raw[0]), float(raw[1])


def _seen(raw: object) -> tuple[float, float, str] | None:
    if not isinstance(raw, list) or len(raw) != 3 or type(raw[2]) is not str:
        return None
    point = _point(raw[:2])
    if point is None:
        return None
    try:
        datetime.fromisoformat(raw[2])
    except ValueError:
        return None
    return point[0], point[1], raw[2]


@dataclass(frozen=True, slots=True)
class WorkerAction:
    """A worker's typed action (``接单 #240117``), in ``conv.data["worker_action"]`` until the
    flow is entered (in the same turn), which carries it out."""

    name: str
    number: int | None = None
    args: str = ""


def seed(conv: Conversation, action: WorkerAction) -> None:
    """The action the flow carries out when entered next (``goto="worker"``)."""
    keep(conv, ACTION, action)


def keep_data(conv: Conversation, data: WorkerData) -> None:
    """Keep ``data`` as the flow's, in place of what it had (the recent location is apart)."""
    conv.data[NAME] = data.to_json()


def remember_location(conv: Conversation, lat: float, lon: float, at: datetime) -> None:
    """The worker shared a location at ``at``: kept for 出发's arrival estimate, whatever the
    flow does with its own data meanwhile (``RECENT``)."""
    conv.data[RECENT] = [lat, lon, at.isoformat()]


def keep_reported_location(conv: Conversation, event: LocationReported) -> bool:
    """A location the platform reported by itself (WeChat's ``LOCATION`` event): a
    registered worker's is kept as one they shared (``remember_location``), for the same
    ``eta_location_fresh_minutes``; the step, the flow's data and the choices on screen stay
    as they are. False, keeping nothing, for anyone else."""
    if conv.worker_id is None:
        return False
    remember_location(conv, event.lat, event.lon, event.at)
    return True


def recent_location(
    conv: Conversation, now: datetime, fresh_minutes: int
) -> tuple[float, float] | None:
    """The last location the worker shared, when no older than ``fresh_minutes``."""
    seen = _seen(conv.data.get(RECENT))
    if seen is None:
        return None
    lat, lon, at = seen
    when = datetime.fromisoformat(at)
    if when.tzinfo is None or when < now - timedelta(minutes=fresh_minutes):
        return None
    return lat, lon


def data_of(conv: Conversation) -> WorkerData | None:
    """The flow's data; None when the stored state is not of this flow's shape (saved by an
    older version), which starts the flow again."""
    return WorkerData.from_json(conv.data.get(NAME))


def number_of(conv: Conversation) -> int | None:
    """The job the step is about; None as for ``data_of``."""
    data = data_of(conv)
    return data.number if data is not None else None


def photos_of(conv: Conversation) -> tuple[int, PhotoKind] | None:
    """The job and the kind of photos the step takes; None as for ``data_of``."""
    data = data_of(conv)
    if data is None or data.number is None or data.kind is None:
        return None
    return data.number, data.kind


def restart() -> Outcome:
    """Back to the jobs menu, the flow's data reset (``enter``)."""
    return Outcome(goto=NAME)


def me(conv: Conversation) -> int:
    assert conv.worker_id is not None
    return conv.worker_id
