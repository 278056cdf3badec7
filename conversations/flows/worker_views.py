"""How the worker's screens look: the jobs menu with the buttons for what comes next, and the
answers to each step of a job, in both languages."""

from __future__ import annotations

from datetime import datetime

from conversations.flows.base import Ctx, tr
from conversations.replies import Ask, AskLocation, Option, Reply, Say
from conversations.results.workers import (
    EarningsShown,
    JobAccepted,
    JobsShown,
    LiveJobView,
    OfferView,
    WithdrawalRequested,
)
from conversations.state import Conversation
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.media import PhotoKind
from domain.money import format_yuan
from domain.people import WORKER_STATUS_TEXT, WorkerStatus, named
from domain.text import Text
from domain.withdrawals import WithdrawalStatus


def _when(ctx: Ctx, at: datetime) -> str:
    return f"{at.astimezone(ctx.tz):%m-%d %H:%M}"


def _name(conv: Conversation, text: Text) -> str:
    return tr(conv, text.zh, text.en)


def jobs_screen(ctx: Ctx, conv: Conversation, jobs: JobsShown) -> list[Reply]:
    """The worker's menu: online or not, the offers and live jobs with their next steps."""
    if jobs.status == WorkerStatus.PENDING:
        return [
            Say(
                tr(
                    conv,
                    "您的资料正在审核中,通过后会通知您。",
                    "Your registration is being reviewed; we'll tell you the result.",
                )
            )
        ]
    if jobs.status in (WorkerStatus.REJECTED, WorkerStatus.SUSPENDED):
        return [
            Say(
                tr(
                    conv,
                    f"您的账号状态:{named(WORKER_STATUS_TEXT, jobs.status, 'zh')},请联系客服。",
                    f"Your account is {named(WORKER_STATUS_TEXT, jobs.status, 'en')}; please "
                    "contact support.",
                )
            )
        ]
    online = jobs.online
    lines = [
        tr(conv, "在线接单中 ✅", "Online ✅") if online else tr(conv, "已下线 ⏸", "Offline ⏸")
    ]
    options: list[Option] = []
    for offer in jobs.offers:
        lines.append(_offer_line(ctx, conv, offer))
        n = offer.number
        options += [
            Option(f"act:accept:{n}", tr(conv, f"接单 #{n}", f"accept #{n}")),
            Option(f"act:decline:{n}", tr(conv, f"拒单 #{n}", f"decline #{n}")),
        ]
    for job in jobs.live:
        lines.append(_live_line(ctx, conv, job))
        options += next_steps(conv, job.status, job.number)
    if not jobs.offers and not jobs.live:
        lines.append(tr(conv, "暂时没有任务。", "No jobs right now."))
    options.append(
        Option(
            "act:offline" if online else "act:online",
            tr(conv, "下线", "Go offline") if online else tr(conv, "上线", "Go online"),
        )
    )
    options.append(Option("act:earnings", tr(conv, "收入", "Earnings")))
    return [Ask("\n".join(lines), tuple(options))]


def _offer_line(ctx: Ctx, conv: Conversation, o: OfferView) -> str:
    item, when, earn = _name(conv, o.item), _when(ctx, o.start_at), format_yuan(o.earn_cents)
    return tr(
        conv,
        f"待接:#{o.number} {item} {when} {o.where} 收入 {earn}",
        f"Offer: #{o.number} {item} {when} {o.where} earn {earn}",
    )


def _live_line(ctx: Ctx, conv: Conversation, j: LiveJobView) -> str:
    status = _name(conv, STATUS_TEXT[j.status])
    return (
        f"#{j.number} {_name(conv, j.item)} {_when(ctx, j.start_at)} {status}\n  "
        f"{j.address} {j.phone}" + (f"\n  {j.notes}" if j.notes else "")
    )


def next_steps(conv: Conversation, status: OrderStatus, n: int) -> list[Option]:
    """The buttons for what comes next on a job."""
    steps: dict[OrderStatus, list[tuple[str, str]]] = {
        OrderStatus.ACCEPTED: [
            (f"onway:{n}", tr(conv, f"出发 #{n}", f"on my way #{n}")),
            (f"transfer:{n}", tr(conv, f"转单 #{n}", f"transfer #{n}")),
        ],
        OrderStatus.ON_THE_WAY: [(f"checkin:{n}", tr(conv, f"打卡 #{n}", f"check in #{n}"))],
        OrderStatus.ARRIVED: [
            (f"photo:{n}:before", tr(conv, f"服务前照片 #{n}", f"before photos #{n}"))
        ],
        OrderStatus.IN_SERVICE: [
            (f"photo:{n}:after", tr(conv, f"服务后照片 #{n}", f"after photos #{n}")),
            (f"finish:{n}", tr(conv, f"完工 #{n}", f"finish #{n}")),
        ],
    }
    return [Option(f"act:{key}", label) for key, label in steps.get(status, [])]


def accepted_text(ctx: Ctx, conv: Conversation, job: JobAccepted) -> str:
    head = f"#{job.number} {_name(conv, job.item)} {_when(ctx, job.start_at)}"
    return tr(
        conv,
        f"接单成功!{head}\n地址:{job.address}\n电话:{job.phone}"
        + (f"\n备注:{job.notes}" if job.notes else ""),
        f"It's yours! {head}\nAddress: {job.address}\nPhone: {job.phone}"
        + (f"\nNotes: {job.notes}" if job.notes else ""),
    )


def earnings_text(conv: Conversation, e: EarningsShown) -> str:
    owed, free = format_yuan(e.owed_cents), format_yuan(e.available_cents)
    return tr(
        conv,
        f"已完成 {e.jobs} 单。余额 {owed},其中可提现 {free}"
        f"(结算后 T+{e.after_days} 可提)。发送「提现 金额」申请提现。",
        f"{e.jobs} jobs done. Balance {owed}, of which {free} can be withdrawn "
        f"(T+{e.after_days}). Send 'withdraw AMOUNT'.",
    )


def withdrawal_text(conv: Conversation, w: WithdrawalRequested) -> str:
    amount, approved = format_yuan(w.amount_cents), w.status == WithdrawalStatus.APPROVED
    return tr(
        conv,
        f"提现申请 {amount} 已提交"
        + ("(已自动批准,将在日结时打款)。" if approved else ",等待财务审批。"),
        f"Withdrawal of {amount} requested"
        + (
            " (approved; paid in the daily settlement)."
            if approved
            else "; finance will review it."
        ),
    )


def checkin_question(conv: Conversation, number: int) -> Reply:
    return AskLocation(
        tr(
            conv,
            f"到达 #{number} 门口后,请发送您的实时位置打卡。",
            f"At the door for #{number}, share your location to check in.",
        )
    )


def door_photo_question(conv: Conversation, number: int) -> Reply:
    return Ask(
        tr(
            conv,
            f"位置已确认。请拍一张 #{number} 的门口照片发送给我。",
            f"Location confirmed. Now send a photo of the door for #{number}.",
        )
    )


def photos_question(conv: Conversation, number: int, kind: PhotoKind) -> Reply:
    before = kind == PhotoKind.BEFORE
    label = tr(conv, "服务前", "before") if before else tr(conv, "服务后", "after")
    options = [Option("done", tr(conv, "拍好了", "Done"))]
    if kind == PhotoKind.AFTER:
        options.append(
            Option(f"act:finish:{number}", tr(conv, f"完工 #{number}", f"finish #{number}"))
        )
    return Ask(
        tr(
            conv,
            f"请发送 #{number} 的{label}照片(可多张)。",
            f"Send the {label} photos for #{number} (several are fine).",
        ),
        tuple(options),
    )


def departed_text(conv: Conversation, n: int) -> str:
    return tr(
        conv,
        f"已通知客户您已出发(#{n})。到达后请发送「打卡 #{n}」。",
        f"The customer knows you're on the way (#{n}). At the door, send 'checkin #{n}'.",
    )


def transfer_text(conv: Conversation, n: int) -> str:
    return tr(
        conv,
        f"已为 #{n} 寻找附近空闲师傅,有人接单后通知您。",
        f"Looking for an idle worker nearby for #{n}; we'll tell you when someone takes it.",
    )


def finished_text(conv: Conversation, n: int) -> str:
    return tr(
        conv,
        f"#{n} 已完工,等待客户确认。辛苦了!",
        f"#{n} is finished and waiting for the customer's confirmation. Well done!",
    )


def arrived_text(conv: Conversation, n: int) -> str:
    return tr(
        conv,
        f"已到达 #{n},已通知客户。开始前请发送「拍照 #{n} 服务前」。",
        f"Arrived at #{n}; the customer has been told. Before you start, "
        f"send 'photo #{n} before'.",
    )
