"""The worker's side: menu with offers and jobs, online/offline, accept/decline, on the way,
check-in (location, then a door photo), before/after photos, finish, transfer, earnings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from conversations.events import ChoiceMade, LocationShared, PhotoReceived, TextReceived
from conversations.flows import worker_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.flows.flow_state import keep, read
from conversations.flows.typed_commands import photo_kind
from conversations.replies import Ask, Option, Say
from conversations.results.workers import (
    AvailabilityChanged,
    EarningsShown,
    JobAccepted,
    JobFinished,
    JobPhotoSaved,
    JobsShown,
    OfferDeclined,
    StageMarked,
    TransferRequested,
    VisitCodeChecked,
    WithdrawalRequested,
    WorkerCheckedIn,
    WorkerDeparted,
)
from conversations.state import Conversation
from domain import commands as c
from domain import queries as q
from domain.digits import whole
from domain.media import PhotoKind
from domain.money import MoneyError, parse_yuan

NAME = "worker"


class Step(StrEnum):
    MENU = "menu"
    ACTION = "action"
    CHECKIN_LOCATION = "checkin_location"
    CHECKIN_CODE = "checkin_code"
    CHECKIN_PHOTO = "checkin_photo"
    PHOTOS = "photos"


FIRST = Step.MENU
ACTION = "worker_action"
"""Where ``seed`` hands a typed action to ``enter``."""
SIMPLE = {
    "accept": c.AcceptOffer,
    "decline": c.DeclineOffer,
    "onway": c.Depart,
    "finish": c.FinishJob,
    "transfer": c.RequestTransfer,
}


@dataclass(frozen=True, slots=True)
class WorkerData:
    """The flow's own data, in ``conv.data[NAME]``: the job being checked in to or
    photographed, and which photos (before or after) are coming; empty at the menu."""

    number: int | None = None
    kind: PhotoKind | None = None

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "kind": self.kind.value if self.kind else None}

    @classmethod
    def from_json(cls, raw: object) -> WorkerData | None:
        """The data ``to_json`` wrote; None for anything else (a state saved before)."""
        if not isinstance(raw, dict) or set(raw) != {"number", "kind"}:
            return None
        number, kind = raw["number"], raw["kind"]
        if not (number is None or type(number) is int) or kind not in (None, *PhotoKind):
            return None
        return cls(number, PhotoKind(kind) if kind is not None else None)


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


def _keep(conv: Conversation, data: WorkerData) -> None:
    conv.data[NAME] = data.to_json()


def _number(conv: Conversation) -> int | None:
    """The job the step is about; None when the stored state is not of this flow's shape
    (saved by an older version), which starts the flow again."""
    data = WorkerData.from_json(conv.data.get(NAME))
    return data.number if data is not None else None


def _photos(conv: Conversation) -> tuple[int, PhotoKind] | None:
    """The job and the kind of photos the step takes; None as for ``_number``."""
    data = WorkerData.from_json(conv.data.get(NAME))
    if data is None or data.number is None or data.kind is None:
        return None
    return data.number, data.kind


def _restart() -> Outcome:
    """Back to the jobs menu, the flow's data reset (``enter``)."""
    return Outcome(goto=NAME)


def _me(conv: Conversation) -> int:
    assert conv.worker_id is not None
    return conv.worker_id


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    _keep(conv, WorkerData())
    conv.data.pop("w", None)  # the untyped data of states saved before WorkerData
    if conv.worker_id is None:  # the worker pane of someone not registered yet
        return Outcome(goto="worker_register")
    action = read(WorkerAction, conv.data.pop(ACTION, None))
    if action is None:  # none (the menu), or of another shape
        return ask(ctx, conv)
    return run(ctx, conv, action.name, action.number, action.args)


FLOWS_OF = {"payout_account": "payout", "emergency_contact": "emergency"}
"""Actions that are flows of their own (the worker's payout account, emergency contact)."""


def run(ctx: Ctx, conv: Conversation, name: str, number: int | None, args: str) -> Outcome:
    if name in ("online", "offline"):
        return Outcome(commands=[c.SetOnline(_me(conv), name == "online")], step=Step.ACTION)
    if name == "jobs":
        return Outcome(step=Step.MENU, reask=True)
    if name == "earnings":
        return Outcome(commands=[q.LoadEarnings(_me(conv))], step=Step.ACTION)
    if name in FLOWS_OF:
        return Outcome(goto=FLOWS_OF[name])
    if name == "withdraw":
        try:
            amount = parse_yuan(args)
        except MoneyError:
            return Outcome(
                [Say(tr(conv, "请写提现金额,例如「提现 200」。"))],
                step=Step.MENU,
                reask=True,
            )
        return Outcome(commands=[c.RequestWithdrawal(_me(conv), amount)], step=Step.ACTION)
    if number is None:
        return Outcome(
            [Say(tr(conv, "请带上订单号,例如「接单 #240117」。"))],
            step=Step.MENU,
            reask=True,
        )
    if name in SIMPLE:
        return Outcome(commands=[SIMPLE[name](_me(conv), number)], step=Step.ACTION)
    if name == "stage":
        stage = whole(args) or 0  # 0: no such step
        return Outcome(commands=[c.MarkStage(_me(conv), number, stage)], step=Step.ACTION)
    if name == "checkin":  # the time is checked (on the jobs) before the location is asked
        _keep(conv, WorkerData(number))
        return Outcome(commands=[q.LoadJobs(_me(conv))], step=Step.CHECKIN_LOCATION)
    kind = photo_kind(args)
    if kind is None:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "请说明是服务前还是服务后,例如「拍照 #{number} 服务前」。",
                        number=number,
                    )
                )
            ],
            step=Step.MENU,
            reask=True,
        )
    _keep(conv, WorkerData(number, PhotoKind(kind)))  # the job is checked before the ask
    return Outcome(commands=[q.LoadJobs(_me(conv))], step=Step.PHOTOS)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if conv.step in (Step.CHECKIN_LOCATION, Step.CHECKIN_CODE, Step.CHECKIN_PHOTO):
        return _ask_job(conv)
    if conv.worker_id is None:
        return Outcome(goto="worker_register")
    if conv.step == Step.PHOTOS:
        return _ask_job(conv)
    return Outcome(commands=[q.LoadJobs(_me(conv))])


def _ask_job(conv: Conversation) -> Outcome:
    if conv.step == Step.PHOTOS:
        photos = _photos(conv)
        return Outcome([views.photos_question(conv, *photos)]) if photos else _restart()
    number = _number(conv)
    if number is None:
        return _restart()
    if conv.step == Step.CHECKIN_LOCATION:
        return Outcome([views.checkin_question(conv, number)])
    if conv.step == Step.CHECKIN_CODE:
        return Outcome([views.visit_code_question(conv, number)])
    return Outcome([views.door_photo_question(conv, number)])


def on_jobs(ctx: Ctx, conv: Conversation, result: JobsShown) -> Outcome:
    return Outcome(views.jobs_screen(ctx, conv, result), step=Step.MENU)


def _said(text: str) -> Outcome:
    """Say ``text``, then the jobs menu again."""
    return Outcome([Say(text)], step=Step.MENU, reask=True)


def on_availability(ctx: Ctx, conv: Conversation, result: AvailabilityChanged) -> Outcome:
    if result.online:
        return _said(tr(conv, "已上线,有新订单会第一时间推送给您。"))
    return _said(tr(conv, "已下线,不会再收到新订单。"))


def on_earnings(ctx: Ctx, conv: Conversation, result: EarningsShown) -> Outcome:
    return _said(views.earnings_text(conv, result))


def on_withdrawal(ctx: Ctx, conv: Conversation, result: WithdrawalRequested) -> Outcome:
    return _said(views.withdrawal_text(conv, result))


def on_accepted(ctx: Ctx, conv: Conversation, result: JobAccepted) -> Outcome:
    return _said(views.accepted_text(ctx, conv, result))


def on_declined(ctx: Ctx, conv: Conversation, result: OfferDeclined) -> Outcome:
    n = result.number
    return _said(tr(conv, "已拒绝 #{n}。", n=n))


def on_departed(ctx: Ctx, conv: Conversation, result: WorkerDeparted) -> Outcome:
    return _said(views.departed_text(conv, result.number))


def on_stage(ctx: Ctx, conv: Conversation, result: StageMarked) -> Outcome:
    stage = result.stage.get(conv.lang)
    return _said(tr(conv, "已告诉客户:正在进行「{stage}」。", stage=stage))


def on_transfer(ctx: Ctx, conv: Conversation, result: TransferRequested) -> Outcome:
    return _said(views.transfer_text(conv, result.number))


def on_finished(ctx: Ctx, conv: Conversation, result: JobFinished) -> Outcome:
    n = result.number
    rate = Option(f"act:rate_customer:{n}", tr(conv, "评价客户 #{n}", n=n))
    return Outcome([Ask(views.finished_text(conv, n), (rate,), numbered=False)], step=Step.MENU)


def on_checkin_job(ctx: Ctx, conv: Conversation, result: JobsShown) -> Outcome:
    number = _number(conv)
    if number is None:
        return _restart()
    if early := views.too_early_to_check_in(ctx, conv, result, number):  # told once
        return Outcome([Say(early), *views.jobs_screen(ctx, conv, result)], step=Step.MENU)
    return Outcome(reask=True)


def on_photos_job(ctx: Ctx, conv: Conversation, result: JobsShown) -> Outcome:
    photos = _photos(conv)
    if photos is None:
        return _restart()
    if refused := views.photos_refused(conv, result, *photos):
        return Outcome([Say(refused), *views.jobs_screen(ctx, conv, result)], step=Step.MENU)
    return Outcome(reask=True)


def on_checked_in(ctx: Ctx, conv: Conversation, result: WorkerCheckedIn) -> Outcome:
    return Outcome(
        step=Step.CHECKIN_CODE if result.code_needed else Step.CHECKIN_PHOTO, reask=True
    )


def on_code(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    number = _number(conv)
    if number is None:
        return _restart()
    return Outcome(commands=[c.EnterVisitCode(_me(conv), number, event.text.strip()[:16])])


def on_photo_before_code(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    return Outcome([Say(tr(conv, "请先输入客户告诉您的上门验证码"))], reask=True)


def on_code_checked(ctx: Ctx, conv: Conversation, result: VisitCodeChecked) -> Outcome:
    if result.ok:
        return Outcome([Say(tr(conv, "验证码正确。"))], step=Step.CHECKIN_PHOTO, reask=True)
    return Outcome([Say(views.wrong_code_text(conv, result))], reask=True)


def on_photo_saved(ctx: Ctx, conv: Conversation, result: JobPhotoSaved) -> Outcome:
    if result.kind == PhotoKind.DOOR:
        return _said(views.arrived_text(conv, result.number))
    return Outcome([Say(tr(conv, "照片已保存。"))], reask=True)


def on_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    number = _number(conv)
    if number is None:
        return _restart()
    return Outcome(commands=[c.CheckIn(_me(conv), number, event.lat, event.lon)])


def on_door_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    number = _number(conv)
    if number is None:
        return _restart()
    door = PhotoKind.DOOR.value
    return Outcome(commands=[c.AddJobPhoto(_me(conv), number, door, event.channel, event.ref)])


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    photos = _photos(conv)
    if photos is None:
        return _restart()
    number, kind = photos
    return Outcome(
        commands=[c.AddJobPhoto(_me(conv), number, kind.value, event.channel, event.ref)]
    )


def on_photos_done(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "done":
        return Outcome(step=Step.MENU, reask=True)
    return Outcome(reask=True)


def on_menu_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    return Outcome(
        [Say(tr(conv, "请点选下面的按钮,或发送指令(发送「帮助」查看)。"))],
        reask=True,
    )


def on_stray_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    return Outcome(
        [Say(tr(conv, "要上传哪一单的照片?请先发送「拍照 #订单号 服务前」或「服务后」。"))],
        reask=True,
    )


TRANSITIONS: Transitions = {
    (Step.MENU, JobsShown): on_jobs,
    (Step.MENU, TextReceived): on_menu_text,
    (Step.MENU, PhotoReceived): on_stray_photo,
    (Step.ACTION, JobsShown): on_jobs,
    (Step.ACTION, AvailabilityChanged): on_availability,
    (Step.ACTION, EarningsShown): on_earnings,
    (Step.ACTION, WithdrawalRequested): on_withdrawal,
    (Step.ACTION, JobAccepted): on_accepted,
    (Step.ACTION, OfferDeclined): on_declined,
    (Step.ACTION, WorkerDeparted): on_departed,
    (Step.ACTION, TransferRequested): on_transfer,
    (Step.ACTION, JobFinished): on_finished,
    (Step.ACTION, StageMarked): on_stage,
    (Step.CHECKIN_LOCATION, JobsShown): on_checkin_job,
    (Step.CHECKIN_LOCATION, LocationShared): on_location,
    (Step.CHECKIN_LOCATION, WorkerCheckedIn): on_checked_in,
    (Step.CHECKIN_CODE, TextReceived): on_code,
    (Step.CHECKIN_CODE, VisitCodeChecked): on_code_checked,
    (Step.CHECKIN_CODE, PhotoReceived): on_photo_before_code,
    (Step.CHECKIN_PHOTO, PhotoReceived): on_door_photo,
    (Step.CHECKIN_PHOTO, JobPhotoSaved): on_photo_saved,
    (Step.PHOTOS, JobsShown): on_photos_job,
    (Step.PHOTOS, PhotoReceived): on_photo,
    (Step.PHOTOS, ChoiceMade): on_photos_done,
    (Step.PHOTOS, JobPhotoSaved): on_photo_saved,
}
