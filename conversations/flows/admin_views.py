"""The admin console's answers: one readable message per command, short lines for a phone,
in the admin's language (here what admins read; ``admin_replies``: what their actions did)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conversations.flows.admin_after_sales_views import AFTER_SALES_VIEWS
from conversations.flows.admin_replies import REPLIES
from conversations.flows.base import tr
from conversations.replies import Reply, Say
from conversations.state import Conversation
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.money import format_percent, format_yuan

LIST_LIMIT = 30
FLAG_TEXT = {
    "unaccepted": ("超时未接单", "not accepted in time"),
    "no_worker": ("无可派师傅", "no worker found"),
    "held": ("风控待审", "held for review"),
    "late": ("师傅迟到", "worker late"),
    "complaint": ("投诉未回复", "complaint unanswered"),
}
WHAT_TEXT = {
    "reassign": ("改派", "reassigned"),
    "assign": ("指派", "assigned"),
    "cancel": ("管理员取消", "cancelled by admin"),
    "refund": ("发起退款", "refund requested"),
    "refund_paid": ("退款到账", "refund paid"),
    "refund_done": ("退款已记完成", "refund marked done"),
    "complain": ("投诉", "complaint"),
    "resolve": ("投诉处理", "complaint resolved"),
    "view_order": ("查看联系方式", "contact details viewed"),
    "view_complaint": ("查看投诉内容", "complaint viewed"),
}
View = Callable[[Conversation, dict[str, Any]], list[Reply]]
STATUSES = {s.value for s in OrderStatus}
MONEY_KEYS = ("amount", "fee", "refund", "unit_price", "paid", "refunded")
HIDDEN = ("request", "references", "reference")
"""Values kept in the log for machines (idempotency keys, provider references)."""


def status(conv: Conversation, value: str) -> str:
    try:
        text = STATUS_TEXT[OrderStatus(value)]
    except ValueError:
        return value
    return tr(conv, text.zh, text.en)


def _name(conv: Conversation, names: dict[str, str]) -> str:
    return tr(conv, names["zh"], names["en"])


def _flags(conv: Conversation, flags: list[str]) -> str:
    return "".join(f" ⚠{tr(conv, *FLAG_TEXT.get(f, (f, f)))}" for f in flags)


def stats(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    period = {
        "today": tr(conv, "今天", "Today"),
        "week": tr(conv, "近 7 天", "Last 7 days"),
        "month": tr(conv, "近 30 天", "Last 30 days"),
    }[d["period"]]
    span = d["last"] if d["first"] == d["last"] else f"{d['first']} ~ {d['last']}"
    by = " · ".join(
        f"{status(conv, s)} {n}" for s, n in sorted(d["by_status"].items(), key=lambda x: -x[1])
    )
    done = d["completed"] + d["cancelled"]
    rate = format_percent(d["completed"] * 10_000 // done) if done else "—"
    wait = d["accept_s"]
    wait_text = "—" if wait is None else f"{wait // 60}:{wait % 60:02d}"
    lines = [
        f"📊 {period} ({span})",
        tr(
            conv, f"订单:{sum(d['by_status'].values())}", f"Orders: {sum(d['by_status'].values())}"
        ),
        by or tr(conv, "(无)", "(none)"),
        tr(
            conv,
            f"成交 {d['booked']} 单,GMV {format_yuan(d['gmv_cents'])}",
            f"Booked {d['booked']}, GMV {format_yuan(d['gmv_cents'])}",
        ),
        tr(
            conv,
            f"平均接单用时 {wait_text}(分:秒,{d['accepted']} 单)",
            f"Average time to accept {wait_text} (min:s, {d['accepted']} orders)",
        ),
        tr(
            conv,
            f"完成率 {rate}(完成 {d['completed']} / 取消 {d['cancelled']})",
            f"Completion {rate} ({d['completed']} done / {d['cancelled']} cancelled)",
        ),
        tr(
            conv,
            f"投诉 {d['complaints']} · 新客户 {d['new_customers']}",
            f"Complaints {d['complaints']} · New customers {d['new_customers']}",
        ),
    ]
    return [Say("\n".join(lines))]


def order_list(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    flags = d["flags"]
    if d["stuck_only"]:
        if not flags:
            return [Say(tr(conv, "没有卡住的订单 ✅", "No stuck orders ✅"))]
        lines = [tr(conv, f"⚠ 需处理 {len(flags)} 单:", f"⚠ {len(flags)} need attention:")]
        lines += [
            f"#{f['number']} {tr(conv, *FLAG_TEXT[f['why']])} ({f['since']})"
            for f in flags[:LIST_LIMIT]
        ]
        return [Say("\n".join(lines))]
    what = " ".join(status(conv, s) for s in d["statuses"])
    day = tr(conv, "今天", "today") if d["day"] == "today" else d["day"]
    head = " · ".join(x for x in (what, day) if x) or tr(conv, "全部", "all")
    lines = [tr(conv, f"订单 {head}:共 {d['total']} 单", f"Orders {head}: {d['total']}")]
    for o in d["orders"]:
        money = f" {format_yuan(o['total_cents'])}" if d["money"] else ""
        who = f" {o['worker']}" if o["worker"] else ""
        lines.append(
            f"#{o['number']} {o['when']} {_name(conv, o['item'])} {status(conv, o['status'])}"
            f"{who}{money}{_flags(conv, o['flags'])}"
        )
    if d["total"] > len(d["orders"]):
        more = d["total"] - len(d["orders"])
        lines.append(tr(conv, f"……还有 {more} 单", f"… and {more} more"))
    if not d["orders"]:
        lines.append(tr(conv, "(无)", "(none)"))
    if flags:
        lines.append(
            tr(
                conv,
                f"⚠ 共 {len(flags)} 单需处理:/orders stuck",
                f"⚠ {len(flags)} orders need attention: /orders stuck",
            )
        )
    return [Say("\n".join(lines))]


def order_detail(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    c, w = d["customer"], d["worker"]
    lines = [
        f"#{d['number']} {_name(conv, d['item'])} · {status(conv, d['status'])}",
        tr(
            conv,
            f"上门 {d['when']} · 下单 {d['created']} · {d['channel']}",
            f"Visit {d['when']} · booked {d['created']} · {d['channel']}",
        ),
        tr(
            conv,
            f"客户 {c['id']} {c['name']} {c['phone']}",
            f"Customer {c['id']} {c['name']} {c['phone']}",
        ),
    ]
    if d["address"]:
        lines.append(tr(conv, f"地址 {d['address']}", f"Address {d['address']}"))
    lines.append(
        tr(
            conv,
            f"师傅 {w['id']} {w['name']} {w['phone']}",
            f"Worker {w['id']} {w['name']} {w['phone']}",
        )
        if w
        else tr(conv, "师傅:未指派", "Worker: none yet")
    )
    if d["late_minutes"]:
        lines.append(tr(conv, f"迟到 {d['late_minutes']} 分钟", f"Late {d['late_minutes']} min"))
    m = d["money"]
    if m is not None:
        lines.append(
            tr(
                conv,
                f"金额 {format_yuan(m['total'])} · 已付 {format_yuan(m['paid'])} · 已退 "
                f"{format_yuan(m['refunded'])}",
                f"Total {format_yuan(m['total'])} · paid {format_yuan(m['paid'])} · refunded "
                f"{format_yuan(m['refunded'])}",
            )
            + (
                tr(
                    conv,
                    f" · 退款中 {format_yuan(m['pending_refunds'])}",
                    f" · refunding {format_yuan(m['pending_refunds'])}",
                )
                if m["pending_refunds"]
                else ""
            )
        )
        lines += [
            f"  {p['kind']} {p['provider']} {format_yuan(p['amount'])} [{p['status']}]"
            for p in m["payments"]
        ]
    photos = " ".join(f"{k} {n}" for k, n in sorted(d["photos"].items())) or "0"
    lines.append(tr(conv, f"照片 {photos}", f"Photos {photos}"))
    if d["complaints"]:
        lines.append(tr(conv, "投诉:", "Complaints:"))
        lines += [
            f"  {x['id']}. {x['category']} [{x['status']}] {x['at']}" for x in d["complaints"]
        ]
    lines.append(tr(conv, "进度:", "Timeline:"))
    lines += [f"  {e['at']} {status(conv, e['status'])} ({e['actor']})" for e in d["timeline"]]
    lines.append(tr(conv, f"完整记录:/audit #{d['number']}", f"Full trail: /audit #{d['number']}"))
    return [Say("\n".join(lines))]


def _value(key: str, value: object) -> str:
    if isinstance(value, list):  # e.g. the fields an admin was shown
        return "/".join(str(v) for v in value)
    return format_yuan(value) if key in MONEY_KEYS and isinstance(value, int) else str(value)


def _detail(detail: dict[str, Any]) -> str:
    """An admin action's values: ``key=after``, or ``key=before→after`` when it changed."""
    before, after = detail.get("before", {}), detail.get("after", {})
    shown = []
    for key, value in after.items():
        if key in HIDDEN or value in ("", None):
            continue
        was = before.get(key)
        changed = key in before and was != value
        shown.append(
            f"{key}={_value(key, was)}→{_value(key, value)}"
            if changed
            else f"{key}={_value(key, value)}"
        )
    if detail.get("note"):
        shown.append(str(detail["note"]))
    return f" · {', '.join(shown)}" if shown else ""


def audit(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    lines = [tr(conv, f"#{d['number']} 完整记录:", f"#{d['number']} full trail:")]
    for e in d["entries"]:
        what, detail = e["what"], e["detail"]
        if what in STATUSES:
            before = detail.get("from")
            text = f"{status(conv, before)}→{status(conv, what)}" if before else status(conv, what)
            note = f" · {detail['note']}" if detail.get("note") else ""
        else:
            text, note = tr(conv, *WHAT_TEXT.get(what, (what, what))), _detail(detail)
        who = e["actor"] + (f" ({e['role']})" if e["role"] else "")
        lines.append(f"{e['at']} {text} — {who}{note}")
    return [Say("\n".join(lines))]


VIEWS: dict[str, View] = {
    "stats": stats,
    "order_list": order_list,
    "order_detail": order_detail,
    "audit": audit,
    **REPLIES,
    **AFTER_SALES_VIEWS,
}
"""How each result of an admin command is shown (by ``Loaded.kind``)."""
