"""The admin console's after-sales answers: the complaint queue and one complaint, what a reply
or a decision did, level changes, spot checks, a released order, the dashboard link."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, local, shows
from conversations.flows.base import Ctx, Outcome, tr
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

CATEGORY = {
    "late": ("迟到", "late"),
    "incomplete": ("服务不完整", "incomplete"),
    "damage": ("物品损坏", "damage"),
    "attitude": ("态度", "attitude"),
    "other": ("其他", "other"),
}
RESOLUTION = {key: (t.zh, t.en) for key, t in RESOLUTION_TEXT.items()}


def _cat(conv: Conversation, key: str) -> str:
    zh, en = CATEGORY.get(key, (key, key))
    return tr(conv, zh, en)


def _how(conv: Conversation, resolution: str) -> str:
    return tr(conv, *RESOLUTION.get(resolution, (resolution, resolution)))


def complaints(ctx: Ctx, conv: Conversation, r: ComplaintsListed) -> Outcome:
    rows = r.complaints
    if not rows:
        return Outcome([Say(tr(conv, "没有待处理的投诉。", "No open complaints."))])
    lines = [tr(conv, f"待处理投诉 {len(rows)} 件:", f"{len(rows)} open complaint(s):")]
    for x in rows:
        flag = "⏰ " if x.overdue else ("💬 " if x.answered else "")
        lines.append(
            f"{flag}{x.id}. #{x.number} {_cat(conv, x.category)} "
            + tr(conv, f"{x.minutes} 分钟", f"{x.minutes} min")
        )
    lines.append(tr(conv, "查看:/complaint ID", "Details: /complaint ID"))
    return Outcome([Say("\n".join(lines))])


def complaint(ctx: Ctx, conv: Conversation, r: ComplaintShown) -> Outcome:
    is_open = r.status == ComplaintStatus.OPEN
    state = (
        tr(conv, "处理中", "open")
        if is_open
        else tr(conv, "已处理:", "resolved: ") + _how(conv, r.resolution)
    )
    lines = [
        tr(conv, f"投诉 {r.id}:订单 #{r.number}", f"Complaint {r.id}: order #{r.number}"),
        tr(conv, f"类型:{_cat(conv, r.category)}", f"Type: {_cat(conv, r.category)}"),
        tr(conv, f"状态:{state}", f"Status: {state}"),
        tr(conv, f"已等待 {r.minutes} 分钟", f"Waiting {r.minutes} min"),
        r.text,
    ]
    if r.refund_cents:
        lines.append(tr(conv, "退款 ", "Refund ") + format_yuan(r.refund_cents))
    if is_open:
        lines.append(
            tr(
                conv,
                f"回复:/reply {r.id} 内容\n处理:/resolve {r.id} partial|full|rework|reject",
                f"Answer: /reply {r.id} text\nDecide: /resolve {r.id} partial|full|rework|reject",
            )
        )
    return Outcome([Say("\n".join(x for x in lines if x)), *(Photo(url) for url in r.photos)])


def answered(ctx: Ctx, conv: Conversation, r: ComplaintAnswered) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"已回复投诉 {r.complaint_id},客户已收到。",
                    f"Complaint {r.complaint_id} answered; the customer has it.",
                )
            )
        ]
    )


def resolved(ctx: Ctx, conv: Conversation, r: ComplaintResolved) -> Outcome:
    how = _how(conv, r.resolution)
    money = f" {format_yuan(r.refund_cents)}" if r.refund_cents else ""
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"投诉 {r.complaint_id}(订单 #{r.number})已处理:{how}{money}。双方已通知。",
                    f"Complaint {r.complaint_id} (order #{r.number}) resolved: {how}{money}. "
                    "Both sides have been told.",
                )
            )
        ]
    )


def levels(ctx: Ctx, conv: Conversation, r: LevelsRecalculated) -> Outcome:
    changes = r.changes
    if not changes:
        return Outcome(
            [Say(tr(conv, "已重新评定,没有等级变化。", "Recalculated; no level changed."))]
        )
    lines = [tr(conv, f"等级变化 {len(changes)} 人:", f"{len(changes)} level change(s):")]
    lines += [
        f"{c.name}(ID {c.worker_id}){c.old}→{c.new} {c.score}"
        + (tr(conv, " 已暂停", " suspended") if c.suspended else "")
        for c in changes
    ]
    return Outcome([Say("\n".join(lines))])


def spot_checks(ctx: Ctx, conv: Conversation, r: SpotChecksListed) -> Outcome:
    if not r.checks:
        return Outcome([Say(tr(conv, "没有待办抽检。", "No spot checks to do."))])
    lines = [tr(conv, "待办抽检:", "Spot checks to do:")]
    lines += [f"{x.id}. #{x.number} ({local(ctx, x.opened_at, '%m-%d')})" for x in r.checks]
    lines.append(tr(conv, "完成后:/checked ID 结果", "When done: /checked ID result"))
    return Outcome([Say("\n".join(lines))])


def spot_check_closed(ctx: Ctx, conv: Conversation, r: SpotCheckClosed) -> Outcome:
    return Outcome([Say(tr(conv, f"抽检 {r.id} 已记录。", f"Spot check {r.id} recorded."))])


def released(ctx: Ctx, conv: Conversation, r: OrderReleased) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"订单 #{r.number} 已放行,开始派单。",
                    f"Order #{r.number} released; dispatching it.",
                )
            )
        ]
    )


def dashboard(ctx: Ctx, conv: Conversation, r: DashboardLinked) -> Outcome:
    return Outcome(
        [
            Link(
                tr(
                    conv,
                    "数据看板(链接 10 分钟内有效):",
                    "The dashboard (link valid 10 minutes): ",
                ),
                r.url + ("&lang=en" if conv.lang == "en" else ""),  # the page in their language
                tr(conv, "打开看板", "Open the dashboard"),
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
