"""The worker flow's 出发 #N (on my way): the job is checked (``CheckJob``), then the worker
sets off with the customer told when to expect them — from a location shared in the last
``eta_location_fresh_minutes`` without asking; else the worker is asked: minutes (a button
or typed), their location now, or the booked time."""

from __future__ import annotations

from conversations.events import ChoiceMade, LocationShared, TextReceived
from conversations.flows.base import Ctx, Outcome, moment, tr
from conversations.flows.worker_state import (
    Step,
    WorkerData,
    keep_data,
    me,
    number_of,
    recent_location,
    remember_location,
    restart,
)
from conversations.replies import Ask, AskLocation, Option, Reply, Say
from conversations.results.workers import JobOpen, WorkerDeparted
from conversations.state import Conversation
from conversations.understanding.numbers import read_minutes
from domain import commands as c
from domain import queries as q
from domain.digits import whole

ETA = "eta:"
"""The key of a minutes button (``eta:30``); ``eta:booked`` for the booked time."""
BOOKED = f"{ETA}booked"


def start(conv: Conversation, number: int) -> Outcome:
    """出发 #N: the job is checked first (theirs, taken, not too early), so the worker is told
    at once why not, never asked when they arrive for a job that cannot set off. The job
    and the step are in the flow's data already (``worker.run`` keeps them)."""
    return Outcome(commands=[q.CheckJob(me(conv), number, "onway")], step=Step.CHECKING)


def on_job_open(ctx: Ctx, conv: Conversation, result: JobOpen) -> Outcome:
    """The job may set off: with a recent location, at once; else the arrival is asked."""
    here = recent_location(conv, ctx.now, ctx.rules.execution.eta_location_fresh_minutes)
    if here is not None:
        return _depart(conv, result.number, lat=here[0], lon=here[1])
    return Outcome(step=Step.DEPART_ETA, reask=True)


def eta_question(ctx: Ctx, conv: Conversation, number: int) -> list[Reply]:
    """When will you arrive: the minutes as buttons (``eta_choices``; "3" typed is 3 minutes,
    not the third button), the booked time, or the worker's location now."""
    options = [
        Option(f"{ETA}{m}", tr(conv, "{minutes} 分钟", minutes=m))
        for m in ctx.rules.execution.eta_choices
    ]
    options.append(Option(BOOKED, tr(conv, "按预约时间")))
    text = tr(
        conv,
        "#{number} 预计多久到达?请选择,或直接输入分钟数(如「20」),"
        "或发送您的当前位置(按距离估算)。",
        number=number,
    )
    return [Ask(text, tuple(options), numbered=False), AskLocation(tr(conv, "发送当前位置"))]


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    number = number_of(conv)
    if number is None:
        return restart()
    return Outcome(eta_question(ctx, conv, number))


def on_minutes_typed(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """Minutes typed ("20", "20分钟", "半小时"); anything else, or out of 1 to
    ``eta_max_minutes``, is asked again saying what is wanted."""
    number = number_of(conv)
    if number is None:
        return restart()
    most = ctx.rules.execution.eta_max_minutes
    minutes = read_minutes(event.text)
    if minutes is None or not 1 <= minutes <= most:
        again = tr(
            conv,
            "没看懂多久到达。请输入 1–{most} 之间的分钟数(如「20」),"
            "或点选下面的时间,或发送您的位置。",
            most=most,
        )
        return Outcome([Say(again)], reask=True)
    return _depart(conv, number, minutes=minutes)


def on_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    number = number_of(conv)
    if number is None:
        return restart()
    if event.key == BOOKED:
        return _depart(conv, number)
    minutes = whole(event.key.removeprefix(ETA)) if event.key.startswith(ETA) else None
    if minutes is None or not 1 <= minutes <= ctx.rules.execution.eta_max_minutes:
        return Outcome(reask=True)  # a button of another screen
    return _depart(conv, number, minutes=minutes)


def on_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    """The worker's location now: the arrival is estimated from its distance to the address."""
    number = number_of(conv)
    if number is None:
        return restart()
    remember_location(conv, event.lat, event.lon, event.at)
    return _depart(conv, number, lat=event.lat, lon=event.lon)


def _depart(
    conv: Conversation,
    number: int,
    *,
    minutes: int | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> Outcome:
    keep_data(conv, WorkerData())
    depart = c.Depart(me(conv), number, minutes, lat, lon)
    return Outcome(commands=[depart], step=Step.ACTION)


def departed_text(ctx: Ctx, conv: Conversation, result: WorkerDeparted) -> str:
    """What the worker is told once the customer knows they are on the way (and, when a
    转单 of the job was waiting, that it is cancelled)."""
    n = result.number
    if result.eta_minutes is None or result.arrive_at is None:
        text = tr(conv, "已通知客户您已出发(#{n})。到达后请发送「打卡 #{n}」。", n=n)
    else:
        text = tr(
            conv,
            "已通知客户您已出发(#{n}),预计 {minutes} 分钟后({arrive})到达。"
            "到达后请发送「打卡 #{n}」。",
            n=n,
            minutes=result.eta_minutes,
            arrive=moment(ctx, conv, result.arrive_at),
        )
    if result.transfer_withdrawn:
        text = transfer_withdrawn_text(conv, n) + "\n" + text
    return text


def transfer_withdrawn_text(conv: Conversation, n: int) -> str:
    """A 转单 waiting for another worker taken back by the worker setting off for the job."""
    return tr(conv, "您已出发,#{n} 的转单已取消:这一单由您完成。", n=n)
