"""What "my orders" shows: the list, one order in detail with its timeline and buttons, the
cancellation fee asked first, and what a reorder copies into a new booking."""

from __future__ import annotations

from conversations.flows.base import Ctx, tr
from conversations.flows.booking_draft import Draft
from conversations.replies import Ask, Option, Reply
from conversations.results.orders import (
    CancellationQuoted,
    CustomerAction,
    OrderRow,
    OrderShown,
    Rebooking,
)
from conversations.state import Conversation
from domain.aftersales import stars_text
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.money import format_percent, format_yuan
from domain.text import Text

KEYED = (
    CustomerAction.CONFIRM,
    CustomerAction.COMPLAIN,
    CustomerAction.RATE,
    CustomerAction.REWORK,
)
"""Actions answered everywhere (``act:<action>:<number>``), not only on this screen."""
UNPAYABLE = (OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.QUOTED)


def _t(conv: Conversation, text: Text) -> str:
    return text.en if conv.lang == "en" else text.zh


def order_list(
    ctx: Ctx, conv: Conversation, orders: tuple[OrderRow, ...], reorder: bool
) -> list[Reply]:
    if not orders:
        return [
            Ask(
                tr(conv, "您还没有订单。", "You have no orders yet."),
                (
                    Option("book", tr(conv, "去预约", "Book now")),
                    Option("menu", tr(conv, "主菜单", "Main menu")),
                ),
            )
        ]
    options = tuple(
        Option(
            f"o:{x.number}",
            f"#{x.number} {_t(conv, x.item)} {x.start_at.astimezone(ctx.tz):%m-%d %H:%M} "
            f"{_t(conv, STATUS_TEXT[x.status])}",
        )
        for x in orders
    )
    text = (
        tr(conv, "选择要再来一单的订单:", "Which order would you like again?")
        if reorder
        else tr(
            conv,
            "您最近的订单(选择查看详情,或回复订单号):",
            "Your recent orders (pick one, or send its number):",
        )
    )
    return [Ask(text, (*options, Option("menu", tr(conv, "主菜单", "Main menu"))))]


def detail(ctx: Ctx, conv: Conversation, d: OrderShown) -> list[Reply]:
    o, when = d.order, f"{d.order.start_at.astimezone(ctx.tz):%m-%d %H:%M}"
    status = STATUS_TEXT[o.status]
    lines = [
        f"#{o.number} {_t(conv, o.item)}",
        tr(conv, f"状态:{status.zh}", f"Status: {status.en}"),
        tr(conv, f"时间:{when}", f"When: {when}"),
        tr(conv, f"地址:{d.address}", f"Address: {d.address}"),
    ]
    lines += [f"· {_t(conv, x.label)}  {format_yuan(x.amount_cents)}" for x in d.lines]
    total, paid = format_yuan(o.total_cents), format_yuan(d.paid_cents)
    lines.append(tr(conv, f"合计 {total},已付 {paid}", f"Total {total}, paid {paid}"))
    left = o.total_cents - d.paid_cents
    if left > 0 and o.status not in UNPAYABLE:
        lines.append(tr(conv, f"待付 {format_yuan(left)}", f"Still to pay {format_yuan(left)}"))
    if d.refunded_cents:
        back = format_yuan(d.refunded_cents)
        lines.append(tr(conv, f"已退款 {back}", f"Refunded {back}"))
    if d.worker is not None:
        w = d.worker
        stars, good = stars_text(w.rating_x100), format_percent(w.good_rate_bp)
        lines.append(
            tr(
                conv,
                f"师傅:{w.name}(评分 {stars},好评率 {good})",
                f"Worker: {w.name} (rated {stars}, {good} positive)",
            )
        )
    if d.my_rating_x100 is not None:
        mine = stars_text(d.my_rating_x100)
        lines.append(tr(conv, f"您的评价:{mine} 星", f"Your rating: {mine} stars"))
    lines += [
        tr(
            conv,
            f"投诉 {c.id}:{'处理中' if c.open else '已处理 ' + c.resolution}",
            f"Complaint {c.id}: {'open' if c.open else 'resolved, ' + c.resolution}",
        )
        for c in d.complaints
    ]
    lines.append(tr(conv, "进度:", "Timeline:"))
    lines += [
        f"  {e.at.astimezone(ctx.tz):%m-%d %H:%M} {_t(conv, e.what)}"
        + (f" {e.note}" if e.note else "")
        for e in d.timeline
    ]
    options = [Option(_key(a, o.number), _label(conv, a, o.number)) for a in d.actions]
    options.append(Option("list", tr(conv, "返回列表", "Back to list")))
    return [Ask("\n".join(lines), tuple(options))]


def _key(action: CustomerAction, number: int) -> str:
    return f"act:{action.value}:{number}" if action in KEYED else action.value


def _label(conv: Conversation, action: CustomerAction, number: int) -> str:
    zh, en = {
        CustomerAction.COMPLAIN: ("投诉 / 售后", "Complain"),
        CustomerAction.RATE: ("评价", "Rate"),
        CustomerAction.REWORK: ("预约返工", "Book the rework"),
        CustomerAction.PAY: ("去支付", "Pay"),
        CustomerAction.CANCEL: ("取消订单", "Cancel order"),
        CustomerAction.REORDER: ("再来一单", "Book again"),
        CustomerAction.REPEAT: ("每周重复", "Repeat weekly"),
        CustomerAction.CONFIRM: (f"确认完成 #{number}", f"confirm #{number}"),
    }[action]
    return tr(conv, zh, en)


def cancel_question(conv: Conversation, q: CancellationQuoted) -> list[Reply]:
    fee, refund = format_yuan(q.fee_cents), format_yuan(q.refund_cents)
    text = tr(
        conv,
        f"取消订单 #{q.number}:{q.reason.zh}。将收取 {fee},退款 {refund}。确认取消吗?",
        f"Cancel order #{q.number}: {q.reason.en}. Fee {fee}, refund {refund}. Cancel it?",
    )
    return [
        Ask(
            text,
            (
                Option("yes", tr(conv, "确认取消", "Yes, cancel")),
                Option("no", tr(conv, "不取消", "No, keep it")),
            ),
        )
    ]


def prefill(again: Rebooking) -> Draft:
    """A booking like an earlier order: same service, options, size, address."""
    return Draft.again(
        again.category_id, again.selections[0], again.bundle_id, again.address_id, again.notes
    )
