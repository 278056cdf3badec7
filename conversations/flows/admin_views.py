"""The admin console's answers: one readable message per command, short lines for a phone,
in the admin's language (here what admins read about orders; ``admin_replies``: what their
actions did; ``admin_staff_views``: workers and money; ``admin_after_sales_views``)."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, local, shows
from conversations.flows.base import Ctx, Outcome, tr
from conversations.replies import Say
from conversations.results.admin_orders import (
    OrderInspected,
    OrdersListed,
    StatsShown,
    TrailShown,
)
from conversations.state import Conversation
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.money import format_percent, format_yuan
from domain.oversight import TrailEntry
from domain.text import Text

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


def _name(conv: Conversation, name: Text) -> str:
    return tr(conv, name.zh, name.en)


def _flags(conv: Conversation, flags: tuple[str, ...]) -> str:
    return "".join(f" ⚠{tr(conv, *FLAG_TEXT.get(f, (f, f)))}" for f in flags)


def stats(ctx: Ctx, conv: Conversation, r: StatsShown) -> Outcome:
    period = {
        "today": tr(conv, "今天", "Today"),
        "week": tr(conv, "近 7 天", "Last 7 days"),
        "month": tr(conv, "近 30 天", "Last 30 days"),
    }[r.period]
    span = f"{r.last}" if r.first == r.last else f"{r.first} ~ {r.last}"
    by = " · ".join(f"{status(conv, s)} {n}" for s, n in sorted(r.by_status, key=lambda x: -x[1]))
    orders = sum(n for _, n in r.by_status)
    done = r.completed + r.cancelled
    rate = format_percent(r.completed * 10_000 // done) if done else "—"
    wait = r.accept_seconds
    wait_text = "—" if wait is None else f"{wait // 60}:{wait % 60:02d}"
    lines = [
        f"📊 {period} ({span})",
        tr(conv, f"订单:{orders}", f"Orders: {orders}"),
        by or tr(conv, "(无)", "(none)"),
        tr(
            conv,
            f"成交 {r.booked} 单,GMV {format_yuan(r.gmv_cents)}",
            f"Booked {r.booked}, GMV {format_yuan(r.gmv_cents)}",
        ),
        tr(
            conv,
            f"平均接单用时 {wait_text}(分:秒,{r.accepted} 单)",
            f"Average time to accept {wait_text} (min:s, {r.accepted} orders)",
        ),
        tr(
            conv,
            f"完成率 {rate}(完成 {r.completed} / 取消 {r.cancelled})",
            f"Completion {rate} ({r.completed} done / {r.cancelled} cancelled)",
        ),
        tr(
            conv,
            f"投诉 {r.complaints} · 新客户 {r.new_customers}",
            f"Complaints {r.complaints} · New customers {r.new_customers}",
        ),
    ]
    return Outcome([Say("\n".join(lines))])


def order_list(ctx: Ctx, conv: Conversation, r: OrdersListed) -> Outcome:
    flags = r.flags
    if r.stuck_only:
        if not flags:
            return Outcome([Say(tr(conv, "没有卡住的订单 ✅", "No stuck orders ✅"))])
        lines = [tr(conv, f"⚠ 需处理 {len(flags)} 单:", f"⚠ {len(flags)} need attention:")]
        lines += [
            f"#{f.number} {tr(conv, *FLAG_TEXT[f.why])} ({local(ctx, f.since)})"
            for f in flags[:LIST_LIMIT]
        ]
        return Outcome([Say("\n".join(lines))])
    what = " ".join(status(conv, s) for s in r.statuses)
    day = (
        tr(conv, "今天", "today")
        if r.today_by_default
        else r.day.isoformat()
        if r.day is not None
        else ""
    )
    head = " · ".join(x for x in (what, day) if x) or tr(conv, "全部", "all")
    lines = [tr(conv, f"订单 {head}:共 {r.total} 单", f"Orders {head}: {r.total}")]
    for o in r.orders:
        money = f" {format_yuan(o.total_cents)}" if r.money else ""
        who = f" {o.worker}" if o.worker else ""
        lines.append(
            f"#{o.number} {local(ctx, o.start_at)} {_name(conv, o.item)} "
            f"{status(conv, o.status)}{who}{money}{_flags(conv, o.flags)}"
        )
    if r.total > len(r.orders):
        more = r.total - len(r.orders)
        lines.append(tr(conv, f"……还有 {more} 单", f"… and {more} more"))
    if not r.orders:
        lines.append(tr(conv, "(无)", "(none)"))
    if flags:
        lines.append(
            tr(
                conv,
                f"⚠ 共 {len(flags)} 单需处理:/orders stuck",
                f"⚠ {len(flags)} orders need attention: /orders stuck",
            )
        )
    return Outcome([Say("\n".join(lines))])


def order_detail(ctx: Ctx, conv: Conversation, r: OrderInspected) -> Outcome:
    c, w = r.customer, r.worker
    when, created = local(ctx, r.start_at), local(ctx, r.created_at)
    lines = [
        f"#{r.number} {_name(conv, r.item)} · {status(conv, r.status)}",
        tr(
            conv,
            f"上门 {when} · 下单 {created} · {r.channel}",
            f"Visit {when} · booked {created} · {r.channel}",
        ),
        tr(
            conv,
            f"客户 {c.id} {c.name} {c.phone}",
            f"Customer {c.id} {c.name} {c.phone}",
        ),
    ]
    if r.address:
        lines.append(tr(conv, f"地址 {r.address}", f"Address {r.address}"))
    lines.append(
        tr(
            conv,
            f"师傅 {w.id} {w.name} {w.phone}",
            f"Worker {w.id} {w.name} {w.phone}",
        )
        if w
        else tr(conv, "师傅:未指派", "Worker: none yet")
    )
    if r.late_minutes:
        lines.append(tr(conv, f"迟到 {r.late_minutes} 分钟", f"Late {r.late_minutes} min"))
    m = r.money
    if m is not None:
        total, paid = format_yuan(m.total_cents), format_yuan(m.paid_cents)
        refunded, refunding = format_yuan(m.refunded_cents), format_yuan(m.pending_refunds_cents)
        lines.append(
            tr(
                conv,
                f"金额 {total} · 已付 {paid} · 已退 {refunded}",
                f"Total {total} · paid {paid} · refunded {refunded}",
            )
            + (
                tr(conv, f" · 退款中 {refunding}", f" · refunding {refunding}")
                if m.pending_refunds_cents
                else ""
            )
        )
        lines += [
            f"  {p.kind} {p.provider} {format_yuan(p.amount_cents)} [{p.status}]"
            for p in m.payments
        ]
    photos = " ".join(f"{k} {n}" for k, n in sorted(r.photos)) or "0"
    lines.append(tr(conv, f"照片 {photos}", f"Photos {photos}"))
    if r.complaints:
        lines.append(tr(conv, "投诉:", "Complaints:"))
        lines += [
            f"  {x.id}. {x.category} [{x.status}] {local(ctx, x.filed_at)}" for x in r.complaints
        ]
    lines.append(tr(conv, "进度:", "Timeline:"))
    lines += [f"  {local(ctx, e.at)} {status(conv, e.status)} ({e.actor})" for e in r.timeline]
    lines.append(tr(conv, f"完整记录:/audit #{r.number}", f"Full trail: /audit #{r.number}"))
    return Outcome([Say("\n".join(lines))])


def _value(key: str, value: object) -> str:
    if isinstance(value, list):  # e.g. the fields an admin was shown
        return "/".join(str(v) for v in value)
    return format_yuan(value) if key in MONEY_KEYS and isinstance(value, int) else str(value)


def _detail(entry: TrailEntry) -> str:
    """An admin action's values: ``key=after``, or ``key=before→after`` when it changed."""
    before = dict(entry.before)
    shown = []
    for key, value in entry.after:
        if key in HIDDEN or value in ("", None):
            continue
        was = before.get(key)
        changed = key in before and was != value
        shown.append(
            f"{key}={_value(key, was)}→{_value(key, value)}"
            if changed
            else f"{key}={_value(key, value)}"
        )
    if entry.note:
        shown.append(entry.note)
    return f" · {', '.join(shown)}" if shown else ""


def audit(ctx: Ctx, conv: Conversation, r: TrailShown) -> Outcome:
    lines = [tr(conv, f"#{r.number} 完整记录:", f"#{r.number} full trail:")]
    for e in r.entries:
        what = e.what
        if what in STATUSES:
            before = e.moved_from
            text = f"{status(conv, before)}→{status(conv, what)}" if before else status(conv, what)
            note = f" · {e.note}" if e.note else ""
        else:
            text, note = tr(conv, *WHAT_TEXT.get(what, (what, what))), _detail(e)
        who = e.actor + (f" ({e.role})" if e.role else "")
        lines.append(f"{local(ctx, e.at)} {text} — {who}{note}")
    return Outcome([Say("\n".join(lines))])


SCREENS: tuple[Screen, ...] = (
    shows(StatsShown, stats),
    shows(OrdersListed, order_list),
    shows(OrderInspected, order_detail),
    shows(TrailShown, audit),
)
"""The console's screens of what admins read about orders, by the result they show."""
