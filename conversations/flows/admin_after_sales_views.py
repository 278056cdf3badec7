"""The admin console's after-sales answers: the complaint queue and one complaint, what a reply
or a decision did, level changes, spot checks, a released order, the dashboard link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conversations.flows.base import tr
from conversations.replies import Link, Photo, Reply, Say
from conversations.state import Conversation
from domain.aftersales import RESOLUTION_TEXT
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


def complaints(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    rows = d["complaints"]
    if not rows:
        return [Say(tr(conv, "没有待处理的投诉。", "No open complaints."))]
    lines = [tr(conv, f"待处理投诉 {len(rows)} 件:", f"{len(rows)} open complaint(s):")]
    for r in rows:
        flag = "⏰ " if r["overdue"] else ("💬 " if r["answered"] else "")
        lines.append(
            f"{flag}{r['id']}. #{r['number']} {_cat(conv, r['category'])} "
            + tr(conv, f"{r['minutes']} 分钟", f"{r['minutes']} min")
        )
    lines.append(tr(conv, "查看:/complaint ID", "Details: /complaint ID"))
    return [Say("\n".join(lines))]


def complaint(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    state = (
        tr(conv, "处理中", "open")
        if d["status"] == "open"
        else tr(conv, "已处理:", "resolved: ")
        + tr(conv, *RESOLUTION.get(d["resolution"], (d["resolution"], d["resolution"])))
    )
    lines = [
        tr(
            conv,
            f"投诉 {d['id']}:订单 #{d['number']}",
            f"Complaint {d['id']}: order #{d['number']}",
        ),
        tr(conv, f"类型:{_cat(conv, d['category'])}", f"Type: {_cat(conv, d['category'])}"),
        tr(conv, f"状态:{state}", f"Status: {state}"),
        tr(conv, f"已等待 {d['minutes']} 分钟", f"Waiting {d['minutes']} min"),
        d["text"],
    ]
    if d["refund_cents"]:
        lines.append(tr(conv, "退款 ", "Refund ") + format_yuan(d["refund_cents"]))
    if d["status"] == "open":
        lines.append(
            tr(
                conv,
                f"回复:/reply {d['id']} 内容\n处理:/resolve {d['id']} partial|full|rework|reject",
                f"Answer: /reply {d['id']} text\nDecide: /resolve {d['id']} "
                "partial|full|rework|reject",
            )
        )
    return [Say("\n".join(x for x in lines if x)), *(Photo(url) for url in d["photos"])]


def answered(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    return [
        Say(
            tr(
                conv,
                f"已回复投诉 {d['complaint_id']},客户已收到。",
                f"Complaint {d['complaint_id']} answered; the customer has it.",
            )
        )
    ]


def resolved(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    how = tr(conv, *RESOLUTION.get(d["resolution"], (d["resolution"], d["resolution"])))
    money = f" {format_yuan(d['refund_cents'])}" if d["refund_cents"] else ""
    return [
        Say(
            tr(
                conv,
                f"投诉 {d['complaint_id']}(订单 #{d['number']})已处理:{how}{money}。双方已通知。",
                f"Complaint {d['complaint_id']} (order #{d['number']}) resolved: {how}{money}. "
                "Both sides have been told.",
            )
        )
    ]


def levels(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    changes = d["changes"]
    if not changes:
        return [Say(tr(conv, "已重新评定,没有等级变化。", "Recalculated; no level changed."))]
    lines = [tr(conv, f"等级变化 {len(changes)} 人:", f"{len(changes)} level change(s):")]
    lines += [
        f"{c['name']}(ID {c['worker_id']}){c['old']}→{c['new']} {c['score']}"
        + (tr(conv, " 已暂停", " suspended") if c["suspended"] else "")
        for c in changes
    ]
    return [Say("\n".join(lines))]


def spot_checks(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    checks = d["checks"]
    if not checks:
        return [Say(tr(conv, "没有待办抽检。", "No spot checks to do."))]
    lines = [tr(conv, "待办抽检:", "Spot checks to do:")]
    lines += [f"{x['id']}. #{x['number']} ({x['since']})" for x in checks]
    lines.append(tr(conv, "完成后:/checked ID 结果", "When done: /checked ID result"))
    return [Say("\n".join(lines))]


def spot_check_closed(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    return [Say(tr(conv, f"抽检 {d['id']} 已记录。", f"Spot check {d['id']} recorded."))]


def released(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    return [
        Say(
            tr(
                conv,
                f"订单 #{d['number']} 已放行,开始派单。",
                f"Order #{d['number']} released; dispatching it.",
            )
        )
    ]


def dashboard(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    return [
        Link(
            tr(conv, "数据看板(链接 10 分钟内有效):", "The dashboard (link valid 10 minutes): "),
            d["url"],
            tr(conv, "打开看板", "Open the dashboard"),
        )
    ]


AFTER_SALES_VIEWS: dict[str, Callable[[Conversation, dict[str, Any]], list[Reply]]] = {
    "complaints": complaints,
    "complaint": complaint,
    "complaint_answered": answered,
    "complaint_resolved": resolved,
    "levels": levels,
    "spot_checks": spot_checks,
    "spot_check_closed": spot_check_closed,
    "released": released,
    "dashboard": dashboard,
}
