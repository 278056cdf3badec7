"""How the worker's screens look: the jobs menu with the buttons for what comes next, and the
answers to each step of a job, in both languages."""

from __future__ import annotations

from datetime import datetime

from conversations.flows.base import Ctx, moment, tr, trn
from conversations.flows.worker_state import HERE, NO, REPLY_TO, YES
from conversations.replies import Ask, AskLocation, Option, Reply, Say
from conversations.results.relay import CustomerReplied, ReplyTarget
from conversations.results.workers import (
    EarningsShown,
    JobAccepted,
    JobsShown,
    LiveJobView,
    OfferView,
    TransferOpen,
    TransferRequested,
    VisitCodeChecked,
    WithdrawalRequested,
)
from conversations.state import Conversation
from domain.execution import (
    CHECK_IN_STATUSES,
    checkin_lead_minutes,
    due_for_check_in,
    opens_at,
)
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.media import PhotoKind
from domain.money import format_percent, format_yuan
from domain.people import WORKER_STATUS_TEXT, WorkerStatus
from domain.privacy import address_shown
from domain.text import C_, Phrase, named
from domain.withdrawals import WithdrawalStatus

OFFERS_SHOWN = 8
"""Offers the jobs menu lists with their buttons, soonest to expire first: a busy morning
can offer one worker dozens at once, more than a WeChat text (2,048 bytes) or a Telegram
keyboard (100 buttons) holds — refused whole, the worker would see nothing."""


def _name(conv: Conversation, text: Phrase) -> str:
    return text.get(conv.lang)


def jobs_screen(ctx: Ctx, conv: Conversation, jobs: JobsShown) -> list[Reply]:
    """The worker's menu: online or not, the offers and live jobs with their next steps."""
    if jobs.status == WorkerStatus.PENDING:
        return [Say(tr(conv, "您的资料已提交,正在审核中,审核结果会第一时间通知您。"))]
    if jobs.status == WorkerStatus.REJECTED:  # as the rejection notice says: they may retry
        return [Say(tr(conv, "您的注册未通过审核。可补充资料后重新注册(发送「注册师傅」)。"))]
    if jobs.status == WorkerStatus.SUSPENDED:
        return [
            Say(
                tr(
                    conv,
                    "您的账号状态:{status},请联系客服。",
                    status=named(WORKER_STATUS_TEXT, jobs.status, conv.lang),
                )
            )
        ]
    online = jobs.online
    lines = [tr(conv, "在线接单中 ✅") if online else tr(conv, "已下线 ⏸")]
    options: list[Option] = []
    for offer in jobs.offers[:OFFERS_SHOWN]:
        lines.append(_offer_line(ctx, conv, offer))
        n = offer.number
        options += [
            Option(f"act:accept:{n}", tr(conv, "接单 #{n}", n=n)),
            Option(f"act:decline:{n}", tr(conv, "拒单 #{n}", n=n)),
        ]
    if (more := len(jobs.offers) - OFFERS_SHOWN) > 0:
        lines.append(
            trn(
                conv,
                "还有 {count} 个待接邀请(每个都在推送里),接单请发送「接单 #订单号」。",
                "还有 {count} 个待接邀请(每个都在推送里),接单请发送「接单 #订单号」。",
                more,
                count=more,
            )
        )
    for job in jobs.live:
        lines.append(_live_line(ctx, conv, job))
        options += next_steps(conv, job.status, job.number, transferring=job.transferring)
        options += stage_steps(conv, job)
        n = job.number
        options.append(Option(f"act:contact_customer:{n}", tr(conv, "联系顾客 #{n}", n=n)))
    if not jobs.offers and not jobs.live:
        lines.append(tr(conv, "暂时没有任务。"))
    options.append(
        Option(
            "act:offline" if online else "act:online",
            tr(conv, "下线") if online else tr(conv, "上线"),
        )
    )
    options.append(Option("act:earnings", tr(conv, "收入")))
    options.append(Option("act:payout_account", tr(conv, "收款账户")))
    options.append(Option("act:emergency_contact", tr(conv, "紧急联系人")))
    return [Ask("\n".join(lines), tuple(options))]


def _offer_line(ctx: Ctx, conv: Conversation, o: OfferView) -> str:
    item, when, earn = (
        _name(conv, o.item),
        moment(ctx, conv, o.start_at),
        format_yuan(o.earn_cents),
    )
    return tr(
        conv,
        "待接:#{number} {item} {when} {where} 收入 {earn}",
        number=o.number,
        item=item,
        when=when,
        where=o.where.get(conv.lang),
        earn=earn,
    )


def _live_line(ctx: Ctx, conv: Conversation, j: LiveJobView) -> str:
    status = _name(conv, STATUS_TEXT[j.status])
    if j.transferring:
        status += tr(conv, "(转单中:等待附近师傅接单,接单前仍由您负责)")
    return (
        f"#{j.number} {_name(conv, j.item)} {moment(ctx, conv, j.start_at)} {status}\n  "
        f"{address_shown(j.address, conv.lang)} {j.phone}" + (f"\n  {j.notes}" if j.notes else "")
    )


def next_steps(
    conv: Conversation, status: OrderStatus, n: int, *, transferring: bool = False
) -> list[Option]:
    """The buttons for what comes next on a job (while it is being handed over, 取消转单
    instead of 转单; 出发 takes it back too)."""
    accepted = [(f"onway:{n}", tr(conv, "出发 #{n}", n=n))]
    if transferring:
        accepted.append((f"cancel_transfer:{n}", tr(conv, "取消转单 #{n}", n=n)))
    else:
        accepted.append((f"transfer:{n}", tr(conv, "转单 #{n}", n=n)))
    steps: dict[OrderStatus, list[tuple[str, str]]] = {
        OrderStatus.ACCEPTED: accepted,
        OrderStatus.ON_THE_WAY: [(f"checkin:{n}", tr(conv, "打卡 #{n}", n=n))],
        OrderStatus.ARRIVED: [(f"photo:{n}:before", tr(conv, "服务前照片 #{n}", n=n))],
        OrderStatus.IN_SERVICE: [
            (f"photo:{n}:after", tr(conv, "服务后照片 #{n}", n=n)),
            (f"finish:{n}", tr(conv, "完工 #{n}", n=n)),
            (f"surcharge:{n}", tr(conv, "申请加价 #{n}", n=n)),
        ],
    }
    return [Option(f"act:{key}", label) for key, label in steps.get(status, [])]


def stage_steps(conv: Conversation, job: LiveJobView) -> list[Option]:
    """During the job: the next part of it to mark as under way (the item's stages)."""
    if job.status != OrderStatus.IN_SERVICE or job.stage >= len(job.stages):
        return []
    nxt = job.stage + 1
    name = _name(conv, job.stages[nxt - 1])
    return [Option(f"act:stage:{job.number}:{nxt}", tr(conv, "进行中:{stage}", stage=name))]


def accepted_text(ctx: Ctx, conv: Conversation, job: JobAccepted) -> str:
    head = f"#{job.number} {_name(conv, job.item)} {moment(ctx, conv, job.start_at)}"
    text = tr(
        conv,
        "接单成功!{head}\n地址:{address}\n电话:{phone}(已隐藏)\n"
        "联系顾客请发送「联系顾客 #{number}」,消息由平台转发,双方都看不到对方号码。",
        head=head,
        address=address_shown(job.address, conv.lang),
        phone=job.phone,
        number=job.number,
    )
    return text + (tr(conv, "\n备注:{notes}", notes=job.notes) if job.notes else "")


def earnings_text(conv: Conversation, e: EarningsShown) -> str:
    owed, free = format_yuan(e.owed_cents), format_yuan(e.available_cents)
    return trn(
        conv,
        "已完成 {jobs} 单。余额 {owed},其中可提现 {free}(结算后"
        " T+{after_days} 可提)。发送「提现 金额」申请提现。",
        "已完成 {jobs} 单。余额 {owed},其中可提现 {free}(结算后"
        " T+{after_days} 可提)。发送「提现 金额」申请提现。",
        e.jobs,
        jobs=e.jobs,
        owed=owed,
        free=free,
        after_days=e.after_days,
    ) + deposit_text(conv, e)


def deposit_text(conv: Conversation, e: EarningsShown) -> str:
    """The deposit line of the earnings screen (none when nothing is held or due)."""
    if not e.deposit_cents and not e.deposit_target_cents:
        return ""
    held, target = format_yuan(e.deposit_cents), format_yuan(e.deposit_target_cents)
    if e.deposit_cents >= e.deposit_target_cents:
        return tr(conv, "\n保证金:已存 {held}(应存 {target},已存足)。", held=held, target=target)
    return tr(
        conv,
        "\n保证金:已存 {held} / 应存 {target},每笔结算暂扣一部分直至存足;离职后无投诉即退还。",
        held=held,
        target=target,
    )


def withdrawal_text(conv: Conversation, w: WithdrawalRequested) -> str:
    amount = format_yuan(w.amount_cents)
    if w.status == WithdrawalStatus.HELD:  # approved, not paid to a card in another's name
        return tr(
            conv,
            "提现申请 {amount} 已提交,但暂不打款:您的收款银行卡开户人不是您本人"
            "(须与您注册的姓名一致),收入只打到您本人名下的银行卡。"
            "请发送「收款账户」添加您本人的银行卡,添加后这笔提现会继续打款。",
            amount=amount,
        )
    if w.to is not None:
        to = w.to.get(conv.lang)
        if w.status == WithdrawalStatus.APPROVED:
            return tr(conv, "提现 {amount} 已批准,正在打款到{to}。", amount=amount, to=to)
        return tr(conv, "提现申请 {amount} 已提交,财务批准后打款到{to}。", amount=amount, to=to)
    if w.status == WithdrawalStatus.APPROVED:
        return tr(conv, "提现申请 {amount} 已提交(已自动批准,将在日结时打款)。", amount=amount)
    return tr(conv, "提现申请 {amount} 已提交,等待财务审批。", amount=amount)


def due_jobs(ctx: Ctx, jobs: JobsShown) -> list[LiveJobView]:
    """The jobs a location shared at the menu checks in to: those ``due_for_check_in`` now
    (the rule the check-in itself keeps)."""
    ex = ctx.rules.execution
    return [
        j
        for j in jobs.live
        if due_for_check_in(j.status, j.start_at, ctx.now, checkin_lead_minutes(ex, j.asap))
    ]


def no_job_due_text(ctx: Ctx, conv: Conversation, jobs: JobsShown) -> str:
    """A location shared at the menu with no job due: the next job to check in to and when
    its check-in opens, or that there is none."""
    waiting = sorted((j for j in jobs.live if j.status in CHECK_IN_STATUSES), key=_start)
    if not waiting:
        return tr(conv, "您现在没有需要打卡的任务。")
    job = waiting[0]
    minutes = checkin_lead_minutes(ctx.rules.execution, job.asap)
    return tr(
        conv,
        "现在没有可以打卡的任务。下一单 #{number} {item} {when},最早 {opens} 可以打卡。",
        number=job.number,
        item=_name(conv, job.item),
        when=moment(ctx, conv, job.start_at),
        opens=moment(ctx, conv, opens_at(job.start_at, minutes)),
    )


def _start(job: LiveJobView) -> tuple[datetime, int]:
    return job.start_at, job.number


def which_job_question(ctx: Ctx, conv: Conversation, due: list[LiveJobView]) -> Reply:
    """Several jobs due: which one the shared location is for (a button each)."""
    lines = [tr(conv, "这几单现在都可以打卡,您在哪一单的门口?")]
    lines += [
        f"#{j.number} {_name(conv, j.item)} {moment(ctx, conv, j.start_at)}"
        f"\n  {address_shown(j.address, conv.lang)}"
        for j in sorted(due, key=_start)
    ]
    options = tuple(
        Option(f"{HERE}{j.number}", tr(conv, "打卡 #{n}", n=j.number))
        for j in sorted(due, key=_start)
    )
    return Ask("\n".join(lines), options)


def checkin_question(conv: Conversation, number: int) -> Reply:
    return AskLocation(
        tr(conv, "到达 #{number} 门口后,请发送您的实时位置打卡。", number=number),
        tr(conv, "📍 发送位置打卡"),
    )


def visit_code_question(conv: Conversation, number: int) -> Reply:
    return Ask(
        tr(conv, "位置已确认。请向客户索取订单 #{number} 的上门验证码并发送给我。", number=number)
    )


def wrong_code_text(conv: Conversation, r: VisitCodeChecked) -> str:
    if r.alerted:
        return tr(conv, "验证码不对,已通知客服协助核实。请与客户核对后重新输入。")
    if r.tries_left:
        return tr(
            conv,
            "验证码不对,请与客户核对后重新输入(再错 {n} 次将通知客服)。",
            n=r.tries_left,
        )
    return tr(conv, "验证码不对,请与客户核对后重新输入。")


def door_photo_question(conv: Conversation, number: int) -> Reply:
    return Ask(tr(conv, "位置已确认。请拍一张 #{number} 的门口照片发送给我。", number=number))


def photos_question(conv: Conversation, number: int, kind: PhotoKind) -> Reply:
    before = kind == PhotoKind.BEFORE
    label = tr(conv, "服务前") if before else tr(conv, "服务后")
    options = [Option("done", tr(conv, "拍好了"))]
    if kind == PhotoKind.AFTER:
        options.append(Option(f"act:finish:{number}", tr(conv, "完工 #{number}", number=number)))
    return Ask(
        tr(conv, "请发送 #{number} 的{label}照片(可多张)。", number=number, label=label),
        tuple(options),
    )


def transfer_question(ctx: Ctx, conv: Conversation, t: TransferOpen) -> Reply:
    """转单 #N: what it means, and 确定 or 取消 (nothing changes until 确定)."""
    percent = format_percent(ctx.rules.dispatch.transfer_compensation_bp)
    text = tr(
        conv,
        "确定要转单吗?转单后 #{number} 会转给附近空闲的师傅:有人接单前仍由您负责,"
        "请照常准备;有人接单后这一单归对方,您获得 {amount} 补偿(订单金额的 {percent})。",
        number=t.number,
        amount=format_yuan(t.compensation_cents),
        percent=percent,
    )
    no = C_("button", "取消").get(conv.lang)  # "Cancel": not the word's "cancel"
    return Ask(text, (Option(YES, tr(conv, "确定")), Option(NO, no)))


def transfer_text(conv: Conversation, r: TransferRequested) -> str:
    if not r.offered:
        return tr(
            conv,
            "附近暂时没有空闲师傅可以接 #{n},已通知客服协助。这一单仍由您负责,请按时服务。",
            n=r.number,
        )
    return tr(
        conv,
        "已为 #{n} 寻找附近空闲师傅。有人接单前这一单仍由您负责,有人接单后通知您。",
        n=r.number,
    )


def menu_hint(conv: Conversation) -> str:
    """Words at the jobs menu that are no command (and answer no customer)."""
    return tr(conv, "请点选下面的按钮,或发送指令(发送「帮助」查看)。")


def reply_question(ctx: Ctx, conv: Conversation, targets: tuple[ReplyTarget, ...]) -> Reply:
    """A plain text several customers could be waiting for: which one it goes to."""
    lines = [tr(conv, "几位顾客刚给您发了消息,这条回复发给谁?")]
    options = []
    for r in targets:
        who = r.customer or _name(conv, r.item)
        lines.append(f"#{r.number} {_name(conv, r.item)} {moment(ctx, conv, r.start_at)} {who}")
        options.append(Option(f"{REPLY_TO}{r.number}", f"#{r.number} {who}"))
    options.append(Option(NO, tr(conv, "不发了")))
    return Ask("\n".join(lines), tuple(options))


def replied_text(conv: Conversation, r: CustomerReplied) -> str:
    if r.customer:
        return tr(conv, "已转发给 #{number} 的顾客 {name}。", number=r.number, name=r.customer)
    return tr(conv, "已转发给 #{number} 的顾客。", number=r.number)


def finished_text(conv: Conversation, n: int) -> str:
    return tr(conv, "#{n} 已完工,等待客户确认。辛苦了!", n=n)


def arrived_text(conv: Conversation, n: int) -> str:
    return tr(conv, "已到达 #{n},已通知客户。开始前请发送「拍照 #{n} 服务前」。", n=n)
