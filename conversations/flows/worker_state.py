"""The worker flow's steps and its own data: the job being checked in to or photographed,
the kind of photos coming, and a location shared at the menu waiting for its job; and the
typed action handed to the flow when it is entered."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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


FIRST = Step.MENU
ACTION = "worker_action"
"""Where ``seed`` hands a typed action to ``enter``."""
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

    def to_json(self) -> dict[str, Any]:
        raw: dict[str, Any] = {
            "number": self.number,
            "kind": self.kind.value if self.kind else None,
        }
        if self.here is not None:  # only while a shared location waits for its job
            raw["here"] = list(self.here)
        if self.which:  # only while 拍照 #N without its kind is checked
            raw["which"] = True
        return raw

    @classmethod
    def from_json(cls, raw: object) -> WorkerData | None:
        """The data ``to_json`` wrote; None for anything else (a state saved before)."""
        if not isinstance(raw, dict) or set(raw) - {"here", "which"} != {"number", "kind"}:
            return None
        if raw.get("which", True) is not True:
            return None
        number, kind, here = raw["number"], raw["kind"], _point(raw.get("here"))
        if not (number is None or type(number) is int) or kind not in (None, *PhotoKind):
            return None
        if "here" in raw and here is None:
            return None
        which = "which" in raw
        return cls(number, PhotoKind(kind) if kind is not None else None, here, which)


def _point(raw: object) -> tuple[float, float] | None:
    if not isinstance(raw, list) or len(raw) != 2:
        return None
    if not all(type(v) in (int, float) for v in raw):
        return None
    return float(raw[0]), float(raw[1])


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
    conv.data[NAME] = data.to_json()


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
