"""The worker's side: menu with offers and jobs, online/offline, accept/decline, stages,
finish, earnings and withdrawals; on the way (出发, with the arrival estimate) is
``worker_departure``; the steps at the customer's door (check-in, also by a location shared
at the menu, and the job photos) are ``worker_job_steps``; 转单, confirmed first, is
``worker_transfer``; plain words at the menu answering a customer who wrote through the
relay are ``worker_reply``."""

from __future__ import annotations

from conversations.events import ChoiceMade, Failed, LocationShared, PhotoReceived, TextReceived
from conversations.flows import worker_departure as departure
from conversations.flows import worker_job_steps as door
from conversations.flows import worker_reply as reply
from conversations.flows import worker_transfer as transfer
from conversations.flows import worker_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.flows.flow_state import read
from conversations.flows.typed_commands import photo_kind
from conversations.flows.worker_job_steps import on_door_photo as on_door_photo
from conversations.flows.worker_job_steps import on_location as on_location
from conversations.flows.worker_job_steps import on_photo as on_photo
from conversations.flows.worker_state import ACTION as ACTION
from conversations.flows.worker_state import FIRST as FIRST
from conversations.flows.worker_state import NAME as NAME
from conversations.flows.worker_state import Step as Step
from conversations.flows.worker_state import WorkerAction as WorkerAction
from conversations.flows.worker_state import WorkerData as WorkerData
from conversations.flows.worker_state import keep_data, me
from conversations.flows.worker_state import seed as seed
from conversations.replies import Ask, Option, Say
from conversations.results.relay import CustomerReplied, ReplyTargets
from conversations.results.workers import (
    AvailabilityChanged,
    EarningsShown,
    JobAccepted,
    JobFinished,
    JobOpen,
    JobPhotoSaved,
    JobsShown,
    OfferDeclined,
    StageMarked,
    TransferCancelled,
    TransferOpen,
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

SIMPLE = {
    "accept": c.AcceptOffer,
    "decline": c.DeclineOffer,
    "finish": c.FinishJob,
    "cancel_transfer": c.CancelTransfer,  # 取消转单: a 转单 taken back (nothing to confirm)
}


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    keep_data(conv, WorkerData())
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
        return Outcome(commands=[c.SetOnline(me(conv), name == "online")], step=Step.ACTION)
    if name == "jobs":
        return Outcome(step=Step.MENU, reask=True)
    if name == "earnings":
        return Outcome(commands=[q.LoadEarnings(me(conv))], step=Step.ACTION)
    if name in FLOWS_OF:
        return Outcome(goto=FLOWS_OF[name])
    if name == "withdraw":
        return _withdraw(conv, args)
    if number is None:
        return Outcome(
            [Say(tr(conv, "请带上订单号,例如「接单 #240117」。"))],
            step=Step.MENU,
            reask=True,
        )
    if name in SIMPLE:
        return Outcome(commands=[SIMPLE[name](me(conv), number)], step=Step.ACTION)
    if name == "transfer":  # asked to confirm first (nothing changes before)
        return transfer.start(conv, number)
    if name == "stage":
        stage = whole(args) or 0  # 0: no such step
        return Outcome(commands=[c.MarkStage(me(conv), number, stage)], step=Step.ACTION)
    if name in ("checkin", "onway"):  # the job is checked before the location (or arrival)
        keep_data(conv, WorkerData(number, onway=name == "onway"))  # is asked
        return door.check_job(conv)
    kind = photo_kind(args)
    if kind is None:  # the job is checked first; which kind is asked only of one ready
        keep_data(conv, WorkerData(number, which=True))
        return door.check_job(conv)
    keep_data(conv, WorkerData(number, PhotoKind(kind)))  # the job is checked before the ask
    return door.check_job(conv)


def _withdraw(conv: Conversation, args: str) -> Outcome:
    try:
        amount = parse_yuan(args)
    except MoneyError:
        return Outcome(
            [Say(tr(conv, "请写提现金额,例如「提现 200」。"))],
            step=Step.MENU,
            reask=True,
        )
    return Outcome(commands=[c.RequestWithdrawal(me(conv), amount)], step=Step.ACTION)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if conv.step in (Step.CHECKIN_LOCATION, Step.CHECKIN_CODE, Step.CHECKIN_PHOTO):
        return door.ask_job(conv)
    if conv.worker_id is None:
        return Outcome(goto="worker_register")
    if conv.step == Step.DEPART_ETA:
        return departure.ask(ctx, conv)
    if conv.step == Step.TRANSFER_CONFIRM:
        return transfer.ask(conv)
    if conv.step in (Step.REPLY_FIND, Step.REPLY_PICK):
        return reply.ask(conv)
    if conv.step in (Step.CHECKING, Step.PHOTOS, Step.CHECKIN_JOB):
        return door.ask_job(conv)
    return Outcome(commands=[q.LoadJobs(me(conv))])


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
    return _said(departure.departed_text(ctx, conv, result))


def on_stage(ctx: Ctx, conv: Conversation, result: StageMarked) -> Outcome:
    stage = result.stage.get(conv.lang)
    return _said(tr(conv, "已告诉客户:正在进行「{stage}」。", stage=stage))


def on_transfer(ctx: Ctx, conv: Conversation, result: TransferRequested) -> Outcome:
    return _said(views.transfer_text(conv, result))


def on_transfer_cancelled(ctx: Ctx, conv: Conversation, result: TransferCancelled) -> Outcome:
    n = result.number
    return _said(tr(conv, "已取消 #{n} 的转单,已通知被邀请的师傅。这一单仍由您负责。", n=n))


def on_finished(ctx: Ctx, conv: Conversation, result: JobFinished) -> Outcome:
    n = result.number
    rate = Option(f"act:rate_customer:{n}", tr(conv, "评价客户 #{n}", n=n))
    return Outcome([Ask(views.finished_text(conv, n), (rate,), numbered=False)], step=Step.MENU)


def on_menu_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    if conv.worker_id is None:  # someone's first words in the worker pane: the sign-up
        return Outcome(goto="worker_register")  # greets them; there are no buttons yet
    return reply.start(conv, event)  # an answer to a customer who wrote, or the menu's hint


def on_stray_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    return Outcome(
        [Say(tr(conv, "要上传哪一单的照片?请先发送「拍照 #订单号 服务前」或「服务后」。"))],
        reask=True,
    )


TRANSITIONS: Transitions = {
    (Step.MENU, JobsShown): on_jobs,
    (Step.MENU, TextReceived): on_menu_text,
    (Step.MENU, PhotoReceived): on_stray_photo,
    (Step.MENU, LocationShared): door.on_menu_location,
    (Step.ACTION, JobsShown): on_jobs,
    (Step.ACTION, AvailabilityChanged): on_availability,
    (Step.ACTION, EarningsShown): on_earnings,
    (Step.ACTION, WithdrawalRequested): on_withdrawal,
    (Step.ACTION, JobAccepted): on_accepted,
    (Step.ACTION, OfferDeclined): on_declined,
    (Step.ACTION, WorkerDeparted): on_departed,
    (Step.ACTION, TransferRequested): on_transfer,
    (Step.ACTION, TransferCancelled): on_transfer_cancelled,
    (Step.ACTION, JobFinished): on_finished,
    (Step.ACTION, StageMarked): on_stage,
    (Step.TRANSFER_CONFIRM, TransferOpen): transfer.on_open,
    (Step.TRANSFER_CONFIRM, ChoiceMade): transfer.on_answer,
    (Step.TRANSFER_CONFIRM, Failed): door.on_job_refused,
    (Step.REPLY_FIND, ReplyTargets): reply.on_found,
    (Step.REPLY_FIND, CustomerReplied): reply.on_replied,
    (Step.REPLY_FIND, Failed): reply.on_refused,
    (Step.REPLY_PICK, ReplyTargets): reply.on_found,
    (Step.REPLY_PICK, ChoiceMade): reply.on_picked,
    (Step.REPLY_PICK, CustomerReplied): reply.on_replied,
    (Step.REPLY_PICK, Failed): reply.on_refused,
    (Step.CHECKIN_JOB, JobsShown): door.on_due_jobs,
    (Step.CHECKIN_JOB, ChoiceMade): door.on_job_picked,
    (Step.CHECKIN_JOB, LocationShared): door.on_menu_location,
    (Step.CHECKING, JobOpen): door.on_job_open,
    (Step.DEPART_ETA, TextReceived): departure.on_minutes_typed,
    (Step.DEPART_ETA, ChoiceMade): departure.on_choice,
    (Step.DEPART_ETA, LocationShared): departure.on_location,
    (Step.CHECKING, Failed): door.on_job_refused,
    (Step.CHECKIN_LOCATION, LocationShared): on_location,
    (Step.CHECKIN_LOCATION, WorkerCheckedIn): door.on_checked_in,
    (Step.CHECKIN_CODE, TextReceived): door.on_code,
    (Step.CHECKIN_CODE, VisitCodeChecked): door.on_code_checked,
    (Step.CHECKIN_CODE, PhotoReceived): door.on_photo_before_code,
    (Step.CHECKIN_PHOTO, PhotoReceived): on_door_photo,
    (Step.CHECKIN_PHOTO, JobPhotoSaved): door.on_photo_saved,
    (Step.PHOTOS, PhotoReceived): on_photo,
    (Step.PHOTOS, ChoiceMade): door.on_photos_done,
    (Step.PHOTOS, JobPhotoSaved): door.on_photo_saved,
}
