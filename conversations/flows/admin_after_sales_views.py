"""The admin console's after-sales answers: the complaint queue and one complaint, what a reply
or a decision did, level changes, spot checks, a released order, the dashboard link."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.base import Ctx, Outcome, moment, tr, trn
from conversations.replies import Link, Photo, Say
from conversations.results.admin_after_sales import (
    ComplaintAnswered,
    ComplaintResolved,
    ComplaintShown,
    ComplaintsListed,
    LevelsRecalculated,
    SpotCheckClosed,
    SpotChecksListed,
)
from conversations.results.admin_orders import OrderReleased
from conversations.results.admin_people import DashboardLinked
from conversations.state import Conversation
from domain.aftersales import RESOLUTION_TEXT, ComplaintStatus
from domain.money import format_yuan
from domain.text import N_, named

CATEGORY = {
    "late": N_("迟到"),
    "incomplete": N_("服务不完整"),
    "damage": N_("物品损坏"),
    "attitude": N_("态度"),
    "other": N_("其他"),
}


def _cat(conv: Conversation, key: str) -> str:
    return named(CATEGORY, key, conv.lang)


def _how(conv: Conversation, resolution: str) -> str:
    return named(RESOLUTION_TEXT, resolution, conv.lang)


def complaints(ctx: Ctx, conv: Conversation, r: ComplaintsListed) -> Outcome:
    rows = r.complaints
    if not rows:
        return Outcome([Say(tr(conv, "没有待处理的投诉。"))])
    lines = [
        trn(conv, "待处理投诉 {rows} 件:", "待处理投诉 {rows} 件:", len(rows), rows=len(rows))
    ]
    for x in rows:
        flag = "⏰ " if x.overdue else ("💬 " if x.answered else "")
        lines.append(
            f"{flag}{x.id}. #{x.number} {_cat(conv, x.category)} "
            + tr(conv, "{minutes} 分钟", minutes=x.minutes)
        )
    lines.append(tr(conv, "查看:/complaint ID"))
    return Outcome([Say("\n".join(lines))])


def complaint(ctx: Ctx, conv: Conversation, r: ComplaintShown) -> Outcome:
    is_open = r.status == ComplaintStatus.OPEN
    if is_open:  # how long the customer has waited, while they wait
        state = tr(conv, "处理中")
        waited = tr(conv, "已等待 {minutes} 分钟", minutes=r.minutes)
    elif r.resolved_at is not None:  # when and how it was resolved, not a wait
        how = f" · {_how(conv, r.resolution)}" if r.resolution else ""
        state = tr(conv, "已处理 · {when}", when=moment(ctx, conv, r.resolved_at)) + how
        waited = ""
    else:  # resolved before the time was kept
        state, waited = tr(conv, "已处理:") + _how(conv, r.resolution), ""
    lines = [
        tr(conv, "投诉 {id}:订单 #{number}", id=r.id, number=r.number),
        tr(conv, "类型:{category}", category=_cat(conv, r.category)),
        tr(conv, "状态:{state}", state=state),
        waited,
        r.text,
    ]
    if r.refund_cents:
        lines.append(tr(conv, "退款 ") + format_yuan(r.refund_cents))
    if is_open:
        lines.append(
            tr(
                conv,
                "回复:/reply {id} 内容\n处理:/resolve {id} partial|full|rework|reject",
                id=r.id,
            )
        )
    return Outcome([Say("\n".join(x for x in lines if x)), *(Photo(url) for url in r.photos)])


def answered(ctx: Ctx, conv: Conversation, r: ComplaintAnswered) -> Outcome:
    if r.decided:  # said, so nobody takes the reply for a decision
        done = RESOLUTION_TEXT.get(r.decided, N_("已处理")).get(conv.lang)
        text = tr(
            conv,
            "已回复投诉 {complaint_id},客户已收到(该投诉已处理:{done},处理结果不变)。",
            complaint_id=r.complaint_id,
            done=done,
        )
        return Outcome([Say(text)])
    return Outcome(
        [Say(tr(conv, "已回复投诉 {complaint_id},客户已收到。", complaint_id=r.complaint_id))]
    )


def resolved(ctx: Ctx, conv: Conversation, r: ComplaintResolved) -> Outcome:
    how = _how(conv, r.resolution)
    money = f" {format_yuan(r.refund_cents)}" if r.refund_cents else ""
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "投诉 {complaint_id}(订单 #{number})已处理:{how}{money}。双方已通知。",
                    complaint_id=r.complaint_id,
                    number=r.number,
                    how=how,
                    money=money,
                )
            )
        ]
    )


def levels(ctx: Ctx, conv: Conversation, r: LevelsRecalculated) -> Outcome:
    changes = r.changes
    if not changes:
        return Outcome([Say(tr(conv, "已重新评定,没有等级变化。"))])
    lines = [
        trn(
            conv,
            "等级变化 {changes} 人:",
            "等级变化 {changes} 人:",
            len(changes),
            changes=len(changes),
        )
    ]
    lines += [
        f"{c.name}(ID {c.worker_id}){c.old}→{c.new} {c.score}"
        + (tr(conv, " 已暂停") if c.suspended else "")
        for c in changes
    ]
    return Outcome([Say("\n".join(lines))])


def spot_checks(ctx: Ctx, conv: Conversation, r: SpotChecksListed) -> Outcome:
    if not r.checks:
        return Outcome([Say(tr(conv, "没有待办抽检。"))])
    lines = [tr(conv, "待办抽检:")]
    lines += [
        f"{x.id}. #{x.number} ({moment(ctx, conv, x.opened_at, clock=False)})" for x in r.checks
    ]
    lines.append(tr(conv, "完成后:/checked ID 结果"))
    return Outcome([Say("\n".join(lines))])


def spot_check_closed(ctx: Ctx, conv: Conversation, r: SpotCheckClosed) -> Outcome:
    return Outcome([Say(tr(conv, "抽检 {id} 已记录。", id=r.id))])


def released(ctx: Ctx, conv: Conversation, r: OrderReleased) -> Outcome:
    return Outcome([Say(tr(conv, "订单 #{number} 已放行,开始派单。", number=r.number))])


def dashboard(ctx: Ctx, conv: Conversation, r: DashboardLinked) -> Outcome:
    return Outcome(
        [
            Link(
                tr(conv, "数据看板(链接 10 分钟内有效):"),
                r.url + ("&lang=en" if conv.lang == "en" else ""),  # the page in their language
                tr(conv, "打开看板"),
            )
        ]
    )


SCREENS: tuple[Screen, ...] = (
    shows(ComplaintsListed, complaints),
    shows(ComplaintShown, complaint),
    shows(ComplaintAnswered, answered),
    shows(ComplaintResolved, resolved),
    shows(LevelsRecalculated, levels),
    shows(SpotChecksListed, spot_checks),
    shows(SpotCheckClosed, spot_check_closed),
    shows(OrderReleased, released),
    shows(DashboardLinked, dashboard),
)
"""The console's after-sales screens, by the result they show."""
