"""The admin console's answers: one readable message per command, short lines for a phone,
in the admin's language (here what admins read about orders; ``admin_replies``: what their
actions did; ``admin_staff_views``: workers and money; ``admin_after_sales_views``)."""

from __future__ import annotations

from conversations.flows import loyalty_views
from conversations.flows.admin_after_sales_views import CATEGORY
from conversations.flows.admin_commands import STATUS_GROUPS
from conversations.flows.admin_screens import Screen, shows
from conversations.flows.admin_trail_text import (
    action_name,
    detail,
    note_text,
    status_move,
    who,
)
from conversations.flows.base import Ctx, Outcome, moment, span, tr, trn
from conversations.replies import Say
from conversations.results.admin_orders import (
    OrderInspected,
    OrderLine,
    OrdersListed,
    PaymentLine,
    StatsShown,
    StatusReached,
    TrailShown,
)
from conversations.state import Conversation
from domain.admin import may
from domain.aftersales import COMPLAINT_STATUS_TEXT
from domain.gazetteer import district_text
from domain.geo import LOCATED_BY_TEXT, metres_text
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.media import PHOTO_KIND_TEXT
from domain.money import format_percent, format_yuan
from domain.oversight import Flag
from domain.payments import KIND_TEXT, PAYMENT_STATUS_TEXT, PROVIDER_TEXT
from domain.people import CHANNEL_TEXT
from domain.surcharge import EXTRA_STATE_TEXT
from domain.text import C_, N_, Phrase, named

LIST_LIMIT = 30
UNDISPATCHED = frozenset({"unaccepted", "no_worker"})
"""Stuck for want of a worker: ``/explain`` says why."""
FLAG_TEXT = {
    "unaccepted": N_("超时未接单"),
    "no_worker": N_("无可派师傅"),
    "held": N_("风控待审"),
    "late": N_("师傅迟到"),
    "complaint": N_("投诉未回复"),
}


def status(conv: Conversation, value: str) -> str:
    try:
        text = STATUS_TEXT[OrderStatus(value)]
    except ValueError:
        return value
    return text.get(conv.lang)


def statuses_named(conv: Conversation, statuses: tuple[str, ...]) -> str:
    """``statuses`` as a list's header names them: a group by its word ("进行中" for the
    four statuses ``/orders live`` asks for), the others one by one, with a separator."""
    rest, names = list(statuses), []
    for group, word in STATUS_GROUPS.items():
        if set(group) <= set(rest):
            names.append(word.get(conv.lang))
            rest = [s for s in rest if s not in group]
    names += [status(conv, s) for s in rest]
    return (", " if conv.lang == "en" else "、").join(names)


def _name(conv: Conversation, name: Phrase) -> str:
    return name.get(conv.lang)


def _flag(conv: Conversation, flag: str) -> str:
    return named(FLAG_TEXT, flag, conv.lang)


def _flags(conv: Conversation, flags: tuple[str, ...]) -> str:
    return "".join(f" ⚠{_flag(conv, f)}" for f in flags)


def stats(ctx: Ctx, conv: Conversation, r: StatsShown) -> Outcome:
    period = {
        "today": tr(conv, "今天"),
        "week": tr(conv, "近 7 天"),
        "month": tr(conv, "近 30 天"),
    }[r.period]
    days = span(ctx, conv, r.first, r.last)
    by = " · ".join(f"{status(conv, s)} {n}" for s, n in sorted(r.by_status, key=lambda x: -x[1]))
    orders = sum(n for _, n in r.by_status)
    done = r.completed + r.cancelled
    rate = format_percent(r.completed * 10_000 // done) if done else "—"
    wait = r.accept_seconds
    wait_text = "—" if wait is None else f"{wait // 60}:{wait % 60:02d}"
    lines = [
        f"📊 {period} ({days})",
        tr(conv, "订单:{orders}", orders=orders),
        by or tr(conv, "(无)"),
        tr(
            conv,
            "成交 {booked} 单,GMV {gmv_cents}",
            booked=r.booked,
            gmv_cents=format_yuan(r.gmv_cents),
        ),
        trn(
            conv,
            "平均接单用时 {wait_text}(分:秒,{accepted} 单)",
            "平均接单用时 {wait_text}(分:秒,{accepted} 单)",
            r.accepted,
            wait_text=wait_text,
            accepted=r.accepted,
        ),
        tr(
            conv,
            "完成率 {rate}(完成 {completed} / 取消 {cancelled})",
            rate=rate,
            completed=r.completed,
            cancelled=r.cancelled,
        ),
        tr(
            conv,
            "投诉 {complaints} · 新客户 {new_customers}",
            complaints=r.complaints,
            new_customers=r.new_customers,
        ),
    ]
    if r.loyalty is not None:
        lines += loyalty_views.lines(conv, r.loyalty)
    return Outcome([Say("\n".join(lines))])


def order_line(ctx: Ctx, conv: Conversation, o: OrderLine, money: bool) -> str:
    """One order of a list (``/orders``, a customer's): number, start, service, status, its
    worker, its amount (for a ``money`` role) and why it needs attention."""
    amount = f" {format_yuan(o.total_cents)}" if money else ""
    who = f" {o.worker}" if o.worker else ""
    return (
        f"#{o.number} {moment(ctx, conv, o.start_at)} {_name(conv, o.item)} "
        f"{status(conv, o.status)}{who}{amount}{_flags(conv, o.flags)}"
    )


def order_list(ctx: Ctx, conv: Conversation, r: OrdersListed) -> Outcome:
    flags = r.flags
    this_day = ctx.now.astimezone(ctx.tz).date()
    today = r.today_by_default or r.day == this_day
    on = moment(ctx, conv, r.day) if r.day is not None else ""
    day = C_("list heading", "今天").get(conv.lang) if today else on  # the button's "Today"
    if r.stuck_only:
        return Outcome([Say(_stuck(ctx, conv, flags, day if r.day else "", r.flags_more))])
    what = statuses_named(conv, r.statuses)
    if r.new:  # booked on the day (today when none was asked)
        day = day or C_("list heading", "今天").get(conv.lang)
        what = " · ".join(x for x in (C_("list heading", "新成交").get(conv.lang), what) if x)
    head = " · ".join(x for x in (what, day) if x) or tr(conv, "全部")
    lines = [tr(conv, "订单({head}):共 {total} 单", head=head, total=r.total)]
    lines += [order_line(ctx, conv, o, r.money) for o in r.orders]
    if r.total > len(r.orders):
        more = r.total - len(r.orders)
        lines.append(tr(conv, "……还有 {more} 单", more=more))
    if not r.orders:
        lines.append(tr(conv, "(无)"))
    if r.later:  # new work for later days, which the day's list by service day leaves out
        lines.append(tr(conv, "今天新成交、之后上门:共 {total} 单", total=r.later_total))
        lines += [order_line(ctx, conv, o, r.money) for o in r.later]
        if r.later_total > len(r.later):
            more = r.later_total - len(r.later)
            lines.append(tr(conv, "……还有 {more} 单:/orders new", more=more))
    if r.flags_more:
        lines.append(tr(conv, "⚠ 超过 {flags} 单需处理:/orders stuck", flags=len(flags)))
    elif flags:
        lines.append(
            trn(
                conv,
                "⚠ 共 {flags} 单需处理:/orders stuck",
                "⚠ 共 {flags} 单需处理:/orders stuck",
                len(flags),
                flags=len(flags),
            )
        )
    return Outcome([Say("\n".join(lines))])


def _stuck(
    ctx: Ctx, conv: Conversation, flags: tuple[Flag, ...], day: str, more: bool = False
) -> str:
    """``/orders stuck [day]``: the orders needing someone (of ``day``, when one was asked:
    those starting on it), each with why, the oldest first (``more``: more than ``flags``)."""
    if not flags:
        return (
            tr(conv, "没有卡住的订单({day})✅", day=day) if day else tr(conv, "没有卡住的订单 ✅")
        )
    n = len(flags)
    if more:
        head = (
            tr(conv, "⚠ 超过 {flags} 单需处理({day}),最早的:", flags=n, day=day)
            if day
            else tr(conv, "⚠ 超过 {flags} 单需处理,最早的:", flags=n)
        )
    elif day:
        head = trn(
            conv, "⚠ 需处理 {flags} 单({day}):", "⚠ 需处理 {flags} 单({day}):", n, flags=n, day=day
        )
    else:
        head = trn(conv, "⚠ 需处理 {flags} 单:", "⚠ 需处理 {flags} 单:", n, flags=n)
    lines = [head]
    explains = may(ctx.admin_role, "explain")
    lines += [
        f"#{f.number} {_flag(conv, f.why)} ({moment(ctx, conv, f.since)})"
        + (f" → /explain #{f.number}" if explains and f.why in UNDISPATCHED else "")
        for f in flags[:LIST_LIMIT]
    ]
    if n > LIST_LIMIT:
        lines.append(
            tr(conv, "……还有 {more} 单", more=f"{n - LIST_LIMIT}+" if more else n - LIST_LIMIT)
        )
    return "\n".join(lines)


def order_detail(ctx: Ctx, conv: Conversation, r: OrderInspected) -> Outcome:
    c, w = r.customer, r.worker
    when, created = moment(ctx, conv, r.start_at), moment(ctx, conv, r.created_at)
    lines = [
        f"#{r.number} {_name(conv, r.item)} · {status(conv, r.status)}",
        tr(
            conv,
            "上门 {when} · 下单 {created} · {channel}",
            when=when,
            created=created,
            channel=named(CHANNEL_TEXT, r.channel, conv.lang),
        ),
        tr(conv, "客户 {id} {name} {phone}", id=c.id, name=c.name, phone=c.phone)
        if c.name
        else tr(conv, "客户 {id} {phone}", id=c.id, phone=c.phone),  # no name: no gap
    ]
    if address := r.address.get(conv.lang):
        lines.append(tr(conv, "地址 {address}", address=address))
    if (at := r.located) is not None:
        lines.append(
            tr(
                conv,
                "区域 {district} · {how} · 误差约 {error}",
                district=district_text(at.district).get(conv.lang) if at.district else "—",
                how=named(LOCATED_BY_TEXT, at.source, conv.lang),
                error=metres_text(at.uncertainty_m),
            )
        )
    lines.append(
        tr(conv, "师傅:未指派")
        if not w
        else tr(conv, "师傅 {id} {name} {phone}", id=w.id, name=w.name, phone=w.phone)
        if w.name
        else tr(conv, "师傅 {id} {phone}", id=w.id, phone=w.phone)
    )
    if r.late_minutes:
        lines.append(tr(conv, "迟到 {late_minutes} 分钟", late_minutes=r.late_minutes))
    m = r.money
    if m is not None:
        total, paid = format_yuan(m.total_cents), format_yuan(m.paid_cents)
        refunded, refunding = format_yuan(m.refunded_cents), format_yuan(m.pending_refunds_cents)
        lines.append(
            tr(
                conv,
                "金额 {total} · 已付 {paid} · 已退 {refunded}",
                total=total,
                paid=paid,
                refunded=refunded,
            )
            + (
                tr(conv, " · 退款中 {refunding}", refunding=refunding)
                if m.pending_refunds_cents
                else ""
            )
            + (
                tr(conv, " · 扣除取消费 {fee}", fee=format_yuan(m.fee_cents))
                if m.fee_cents
                else ""
            )
        )
        lines += [_payment(conv, p) for p in m.payments]
    photos = " ".join(f"{named(PHOTO_KIND_TEXT, k, conv.lang)} {n}" for k, n in sorted(r.photos))
    photos = photos or "0"
    lines.append(tr(conv, "照片 {photos}", photos=photos))
    if r.policy_no:
        lines.append(tr(conv, "保单号 {policy_no}", policy_no=r.policy_no))
    lines += [
        tr(
            conv,
            "现场加价 {amount} [{status}] {what}",
            amount=format_yuan(amount),
            status=EXTRA_STATE_TEXT[state].get(conv.lang),
            what=what.get(conv.lang),
        )
        for state, amount, what in r.surcharges
    ]
    if m is not None and m.waived_cents:  # forgiven by /waive: the extras above not paid
        lines.append(tr(conv, "已免除 {amount}", amount=format_yuan(-m.waived_cents)))
    if r.contract is not None:
        lines.append(r.contract.get(conv.lang))
        if r.replacements:
            lines.append(
                trn(
                    conv,
                    "已应客户要求更换师傅 {n} 次",
                    "已应客户要求更换师傅 {n} 次",
                    r.replacements,
                    n=r.replacements,
                )
            )
    if r.complaints:
        lines.append(tr(conv, "投诉:"))
        lines += [
            f"  {x.id}. {named(CATEGORY, x.category, conv.lang)}"
            f" [{named(COMPLAINT_STATUS_TEXT, x.status, conv.lang)}]"
            f" {moment(ctx, conv, x.filed_at)}"
            for x in r.complaints
        ]
    lines.append(tr(conv, "进度:"))
    lines += [
        f"  {moment(ctx, conv, e.at)} {_step(ctx, conv, e)} — {who(conv, e.actor, e.role)}"
        for e in r.timeline
    ]
    lines.append(tr(conv, "完整记录:/audit #{number}", number=r.number))
    return Outcome([Say("\n".join(lines))])


def _step(ctx: Ctx, conv: Conversation, e: StatusReached) -> str:
    """A step of ``/order``'s timeline: the status reached, or what changed without a move
    with its note (``改约时间 11月24日 周二 15:00 → 11月25日 周三 10:00``), as ``/audit`` and
    the customer's timeline read it."""
    if e.action is None:
        return status(conv, e.status)
    what = action_name(conv, e.action)
    return f"{what} {note_text(ctx, conv, e.note)}" if e.note else what


def _payment(conv: Conversation, p: PaymentLine) -> str:
    """One payment of an order: kind, provider, amount and status, named."""
    kind, provider = (
        named(KIND_TEXT, p.kind, conv.lang),
        named(PROVIDER_TEXT, p.provider, conv.lang),
    )
    state = named(PAYMENT_STATUS_TEXT, p.status, conv.lang)
    return f"  {kind} {provider} {format_yuan(p.amount_cents)} [{state}]"


def audit(ctx: Ctx, conv: Conversation, r: TrailShown) -> Outcome:
    lines = [tr(conv, "#{number} 完整记录:", number=r.number)]
    for e in r.entries:
        moved = status_move(conv, e)
        if moved is not None:
            text, note = moved, f" · {note_text(ctx, conv, e.note)}" if e.note else ""
        else:
            text, note = action_name(conv, e.what), detail(ctx, conv, e)
        lines.append(f"{moment(ctx, conv, e.at)} {text} — {who(conv, e.actor, e.role)}{note}")
    return Outcome([Say("\n".join(lines))])


SCREENS: tuple[Screen, ...] = (
    shows(StatsShown, stats),
    shows(OrdersListed, order_list),
    shows(OrderInspected, order_detail),
    shows(TrailShown, audit),
)
"""The console's screens of what admins read about orders, by the result they show."""
