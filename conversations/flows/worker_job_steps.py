"""The worker flow's steps at the customer's door: check-in (a location, the visit code, a
photo of the door) — after 打卡 #N, or a location shared at the menu, which checks in to the
job due now (the worker picks when several are) — and the before/after photos."""

from __future__ import annotations

from conversations.events import ChoiceMade, Failed, LocationShared, PhotoReceived, TextReceived
from conversations.flows import worker_departure as departure
from conversations.flows import worker_views as views
from conversations.flows.base import Ctx, Outcome, tr
from conversations.flows.worker_state import (
    HERE,
    Step,
    WorkerData,
    data_of,
    keep_data,
    me,
    number_of,
    photos_of,
    remember_location,
    restart,
)
from conversations.replies import Say
from conversations.results.workers import (
    JobOpen,
    JobPhotoSaved,
    JobsShown,
    VisitCodeChecked,
    WorkerCheckedIn,
)
from conversations.state import Conversation
from domain import commands as c
from domain import queries as q
from domain.digits import whole
from domain.media import PhotoKind


def check_job(conv: Conversation) -> Outcome:
    """打卡 #N, 拍照 #N or 出发 #N (the job and the kind of photos kept in the flow's data): the
    job is checked first (``CheckJob``: theirs, and able to take the step now), so a worker is
    told at once why not, never asked for a location, photos or an arrival the step will
    refuse."""
    data = data_of(conv)
    if data is None or data.number is None:
        return restart()
    if data.onway:  # 出发 #N
        return departure.start(conv, data.number)
    if data.which:  # 拍照 #N without its kind: a job ready for before or after photos
        check = q.CheckJob(me(conv), data.number, "photo")
    elif data.kind is None:
        check = q.CheckJob(me(conv), data.number, "checkin")
    else:
        check = q.CheckJob(me(conv), data.number, "photo", data.kind.value)
    return Outcome(commands=[check], step=Step.CHECKING)


def on_job_open(ctx: Ctx, conv: Conversation, result: JobOpen) -> Outcome:
    """The job may take the step: its first question (the location, or the photos)."""
    data = data_of(conv)
    if data is None or data.number != result.number:
        return restart()
    if data.onway:  # 出发 #N: set off now, or when they arrive is asked
        return departure.on_job_open(ctx, conv, result)
    if data.which:  # their job, ready for photos: before or after?
        keep_data(conv, WorkerData())
        which = tr(
            conv, "请说明是服务前还是服务后,例如「拍照 #{number} 服务前」。", number=result.number
        )
        return Outcome([Say(which)], step=Step.MENU, reask=True)
    step = Step.CHECKIN_LOCATION if data.kind is None else Step.PHOTOS
    return Outcome(step=step, reask=True)


def on_job_refused(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    """Not the worker's job, or not there yet: why, once, and the jobs menu."""
    keep_data(conv, WorkerData())
    return Outcome([Say(result.message.get(conv.lang))], step=Step.MENU, reask=True)


def ask_job(conv: Conversation) -> Outcome:
    """The question of a step about one job (or, for a location shared at the menu, the jobs
    read again to find its job; or, while the job is checked, the check again)."""
    if conv.step == Step.CHECKING:
        return check_job(conv)
    if conv.step == Step.CHECKIN_JOB:
        data = data_of(conv)
        if data is None or data.here is None:
            return restart()
        return Outcome(commands=[q.LoadJobs(me(conv))])
    if conv.step == Step.PHOTOS:
        photos = photos_of(conv)
        return Outcome([views.photos_question(conv, *photos)]) if photos else restart()
    number = number_of(conv)
    if number is None:
        return restart()
    if conv.step == Step.CHECKIN_LOCATION:
        return Outcome([views.checkin_question(conv, number)])
    if conv.step == Step.CHECKIN_CODE:
        return Outcome([views.visit_code_question(conv, number)])
    return Outcome([views.door_photo_question(conv, number)])


def on_menu_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    """A location shared without 打卡 first: a worker at the door. It is kept while their
    jobs are read to find the one due now (``on_due_jobs``)."""
    if conv.worker_id is None:  # the worker pane of someone not registered yet
        return Outcome(goto="worker_register")
    keep_data(conv, WorkerData(here=(event.lat, event.lon)))
    remember_location(conv, event.lat, event.lon, event.at)
    return Outcome(commands=[q.LoadJobs(me(conv))], step=Step.CHECKIN_JOB)


def on_due_jobs(ctx: Ctx, conv: Conversation, result: JobsShown) -> Outcome:
    """Check in with the shared location to the one job due now, by 打卡's own command; with
    several, ask which; with none, say so and when the next one opens."""
    data = data_of(conv)
    if data is None or data.here is None:
        return restart()
    due = views.due_jobs(ctx, result)
    if not due:
        told = views.no_job_due_text(ctx, conv, result)
        return Outcome([Say(told), *views.jobs_screen(ctx, conv, result)], step=Step.MENU)
    if len(due) > 1:
        return Outcome([views.which_job_question(ctx, conv, due)])
    number = due[0].number
    keep_data(conv, WorkerData(number))
    lat, lon = data.here
    return Outcome(commands=[c.CheckIn(me(conv), number, lat, lon)], step=Step.CHECKIN_LOCATION)


def on_job_picked(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    """The job picked for the shared location: checked in to by 打卡's own command (which
    checks the job, its time and the distance again)."""
    data = data_of(conv)
    if data is None or data.here is None:
        return restart()
    number = whole(event.key.removeprefix(HERE)) if event.key.startswith(HERE) else None
    if number is None:
        return Outcome(reask=True)
    keep_data(conv, WorkerData(number))
    lat, lon = data.here
    return Outcome(commands=[c.CheckIn(me(conv), number, lat, lon)], step=Step.CHECKIN_LOCATION)


def on_checked_in(ctx: Ctx, conv: Conversation, result: WorkerCheckedIn) -> Outcome:
    withdrawn = result.transfer_withdrawn  # checked in straight from accepted: set off
    said = [Say(departure.transfer_withdrawn_text(conv, result.number))] if withdrawn else []
    return Outcome(
        said, step=Step.CHECKIN_CODE if result.code_needed else Step.CHECKIN_PHOTO, reask=True
    )


def on_code(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    number = number_of(conv)
    if number is None:
        return restart()
    return Outcome(commands=[c.EnterVisitCode(me(conv), number, event.text.strip()[:16])])


def on_photo_before_code(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    return Outcome([Say(tr(conv, "请先输入客户告诉您的上门验证码"))], reask=True)


def on_code_checked(ctx: Ctx, conv: Conversation, result: VisitCodeChecked) -> Outcome:
    if result.ok:
        return Outcome([Say(tr(conv, "验证码正确。"))], step=Step.CHECKIN_PHOTO, reask=True)
    return Outcome([Say(views.wrong_code_text(conv, result))], reask=True)


def on_photo_saved(ctx: Ctx, conv: Conversation, result: JobPhotoSaved) -> Outcome:
    if result.kind == PhotoKind.DOOR:
        return Outcome([Say(views.arrived_text(conv, result.number))], step=Step.MENU, reask=True)
    return Outcome([Say(tr(conv, "照片已保存。"))], reask=True)


def on_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    number = number_of(conv)
    if number is None:
        return restart()
    remember_location(conv, event.lat, event.lon, event.at)
    return Outcome(commands=[c.CheckIn(me(conv), number, event.lat, event.lon)])


def on_door_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    number = number_of(conv)
    if number is None:
        return restart()
    door = PhotoKind.DOOR.value
    return Outcome(commands=[c.AddJobPhoto(me(conv), number, door, event.channel, event.ref)])


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    photos = photos_of(conv)
    if photos is None:
        return restart()
    number, kind = photos
    return Outcome(
        commands=[c.AddJobPhoto(me(conv), number, kind.value, event.channel, event.ref)]
    )


def on_photos_done(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "done":
        return Outcome(step=Step.MENU, reask=True)
    return Outcome(reask=True)
