"""What "my orders" shows: the list, one order in detail with its timeline and buttons, the
cancellation fee (or a new time's terms) asked first, and what a reorder copies into a new
booking."""

from __future__ import annotations

from datetime import timedelta

from conversations.flows.base import Ctx, moment, tr, trn
from conversations.flows.booking_draft import Draft
from conversations.replies import Ask, Option, Reply, Say
from conversations.results.orders import (
    CancellationQuoted,
    CustomerAction,
    OrderRescheduled,
    OrderRow,
    OrderShown,
    Rebooking,
    RescheduleQuoted,
    WorkerSeen,
)
from conversations.results.surcharges import RescheduleFeeDue, SurchargeApproved
from conversations.state import Conversation
from domain import relay
from domain.aftersales import RESOLUTION_TEXT, stars_text
from domain.lifecycle import CUSTOMER_STATUS_TEXT, OrderStatus
from domain.money import format_percent, format_yuan
from domain.privacy import address_shown
from domain.text import N_, Phrase
from domain.timeline_notes import note_phrase

KEYED = (
    CustomerAction.CONFIRM,
    CustomerAction.COMPLAIN,
    CustomerAction.RATE,
    CustomerAction.REWORK,
    CustomerAction.PAY,
    CustomerAction.RESCHEDULE,
    CustomerAction.CANCEL,
)
"""Actions answered everywhere (``act:<action>:<number>``), not only on this screen: a
button pressed on an older message, once the chat has moved on to another screen or another
order, still acts on its own order, whose status is checked then (a paid one says so)."""
UNPAYABLE = (OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.QUOTED)


def _how(conv: Conversation, resolution: str) -> str:
    text = RESOLUTION_TEXT.get(resolution)
    return text.get(conv.lang) if text else tr(conv, "已处理")


def _t(conv: Conversation, text: Phrase) -> str:
    return text.get(conv.lang)


def order_list(
    ctx: Ctx, conv: Conversation, orders: tuple[OrderRow, ...], reorder: bool
) -> list[Reply]:
    if not orders:
        return [
            Ask(
                tr(conv, "您还没有订单。"),
                (
                    Option("book", tr(conv, "去预约")),
                    Option("menu", tr(conv, "主菜单")),
                ),
            )
        ]
    options = tuple(
        Option(
            f"o:{x.number}",
            f"#{x.number} {_t(conv, x.item)} {moment(ctx, conv, x.start_at)} "
            f"{_t(conv, CUSTOMER_STATUS_TEXT[x.status])}",
        )
        for x in orders
    )
    text = (
        tr(conv, "选择要再来一单的订单:")
        if reorder
        else tr(conv, "您最近的订单(选择查看详情,或回复订单号):")
    )
    return [Ask(text, (*options, Option("menu", tr(conv, "主菜单"))))]


def detail(ctx: Ctx, conv: Conversation, d: OrderShown) -> list[Reply]:
    o, when = d.order, moment(ctx, conv, d.order.start_at)
    status = CUSTOMER_STATUS_TEXT[o.status]
    lines = [
        f"#{o.number} {_t(conv, o.item)}",
        tr(conv, "状态:{status}", status=status.get(conv.lang)),
        tr(conv, "时间:{when}", when=when),
        tr(conv, "地址:{address}", address=address_shown(d.address, conv.lang)),
    ]
    if d.arrive_at is not None:  # on the way: when to expect them, as the notice said
        lines.insert(2, tr(conv, "师傅预计 {at} 左右到达", at=moment(ctx, conv, d.arrive_at)))
    lines += [f"· {_t(conv, x.label)}  {format_yuan(x.amount_cents)}" for x in d.lines]
    lines += _money(conv, d)
    if d.stage is not None:
        part, at, parts = d.stage
        stage = part.get(conv.lang)
        lines.append(tr(conv, "进度:{stage}({at}/{parts})", stage=stage, at=at, parts=parts))
    if d.visit_code:
        lines.append(tr(conv, "上门验证码:{code}(师傅到门口时请告知)", code=d.visit_code))
    if d.contract is not None:
        lines.append(d.contract.get(conv.lang))
    if d.policy_no:
        lines.append(tr(conv, "保单号 {policy_no}(本次服务的意外/责任险)", policy_no=d.policy_no))
    if d.worker is not None:
        lines.append(_worker(conv, d.worker))
    if d.my_rating_x100 is not None:
        mine = stars_text(d.my_rating_x100)
        lines.append(tr(conv, "您的评价:{mine} 星", mine=mine))
    lines += [
        tr(conv, "投诉 {id}:处理中", id=c.id)
        if c.open
        else tr(conv, "投诉 {id}:已处理 {how}", id=c.id, how=_how(conv, c.resolution))
        for c in d.complaints
    ]
    lines.append(tr(conv, "进度:"))
    today = ctx.now.astimezone(ctx.tz).date()
    lines += [
        f"  {moment(ctx, conv, e.at)} {_t(conv, e.what)}"
        + (f" {note_phrase(e.note, today).get(conv.lang)}" if e.note else "")
        for e in d.timeline
    ]
    options = [Option(_key(a, o.number), _label(conv, a, o.number)) for a in d.actions]
    if _relay_open(ctx, d):
        options.append(Option(f"act:contact_worker:{o.number}", tr(conv, "联系师傅")))
    if d.paid_cents > d.refunded_cents:
        options.append(Option("invoice", tr(conv, "开发票")))
    options.append(Option("list", tr(conv, "返回列表")))
    return [Ask("\n".join(lines), tuple(options))]


def _worker(conv: Conversation, w: WorkerSeen) -> str:
    """The worker's line: their customers' mean rating, how many gave one and the share of
    good ones; a worker nobody has rated yet reads as new (their 5.0 and 100% are only where
    dispatch starts them)."""
    if not w.reviews:
        return tr(conv, "师傅:{name}(新师傅,暂无评价)", name=w.name)
    return trn(
        conv,
        "师傅:{name}(评分 {stars},{reviews} 条评价,好评率 {good})",
        "师傅:{name}(评分 {stars},{reviews} 条评价,好评率 {good})",
        w.reviews,
        name=w.name,
        stars=stars_text(w.rating_x100),
        reviews=w.reviews,
        good=format_percent(w.good_rate_bp),
    )


def _money(conv: Conversation, d: OrderShown) -> list[str]:
    """What the order costs, what was paid (a reschedule fee paid beyond the total named),
    what is left to pay, and what came back."""
    o = d.order
    total, paid = format_yuan(o.total_cents), format_yuan(d.paid_cents)
    if d.reschedule_fees_cents:
        fees = format_yuan(d.reschedule_fees_cents)
        lines = [
            tr(
                conv,
                "合计 {total},已付 {paid}(含改约费 {fees})",
                total=total,
                paid=paid,
                fees=fees,
            )
        ]
    else:
        lines = [tr(conv, "合计 {total},已付 {paid}", total=total, paid=paid)]
    left = o.total_cents - (d.paid_cents - d.reschedule_fees_cents)  # a fee pays no price
    if left > 0 and o.status not in UNPAYABLE:
        lines.append(tr(conv, "待付 {left}", left=format_yuan(left)))
    if d.refunded_cents and d.fee_cents:  # not all came back: say what was kept
        back, fee = format_yuan(d.refunded_cents), format_yuan(d.fee_cents)
        lines.append(tr(conv, "已退 {back},扣除取消费 {fee}", back=back, fee=fee))
    elif d.refunded_cents:
        back = format_yuan(d.refunded_cents)
        lines.append(tr(conv, "已退款 {back}", back=back))
    return lines


def _relay_open(ctx: Ctx, d: OrderShown) -> bool:
    """Whether "联系师傅" is offered: a worker took the order and it has not ended, or ended
    (its last step) within the rules' hours; the relay itself checks again."""
    if d.worker is None:
        return False
    if d.order.status in relay.LIVE:
        return True
    hours = timedelta(hours=ctx.rules.execution.relay_open_hours_after_end)
    return bool(d.timeline) and ctx.now <= d.timeline[-1].at + hours


def _key(action: CustomerAction, number: int) -> str:
    return f"act:{action.value}:{number}" if action in KEYED else action.value


ACTION_LABELS = {
    CustomerAction.COMPLAIN: N_("投诉 / 售后"),
    CustomerAction.RATE: N_("评价"),
    CustomerAction.REWORK: N_("预约返工"),
    CustomerAction.PAY: N_("去支付"),
    CustomerAction.RESCHEDULE: N_("改约时间"),
    CustomerAction.CANCEL: N_("取消订单"),
    CustomerAction.REORDER: N_("再来一单"),
    CustomerAction.REPEAT: N_("每周重复"),
}
"""A button of the order screen by its action (confirming names the order: ``_label``)."""


def _label(conv: Conversation, action: CustomerAction, number: int) -> str:
    if action == CustomerAction.CONFIRM:
        return tr(conv, "确认完成 #{number}", number=number)
    return ACTION_LABELS[action].get(conv.lang)


CANCEL_WITH_FEE = N_("取消订单 #{number}:{reason}。将收取 {fee},退款 {refund}。确认取消吗?")
CANCEL_FREE = N_("取消订单 #{number}:{reason}。免费取消,退款 {refund}。确认取消吗?")
CANCEL_FREE_UNPAID = N_("取消订单 #{number}:{reason}。免费取消。确认取消吗?")
"""A cancellation's terms: a free one says only what is refunded (no "fee ¥0.00"), and
nothing of a refund when nothing is refunded."""


def cancel_question(conv: Conversation, q: CancellationQuoted) -> list[Reply]:
    phrase = (
        CANCEL_WITH_FEE if q.fee_cents else CANCEL_FREE if q.refund_cents else CANCEL_FREE_UNPAID
    )
    text = tr(
        conv,
        phrase.msgid,
        number=q.number,
        fee=format_yuan(q.fee_cents),
        refund=format_yuan(q.refund_cents),
        reason=q.reason.get(conv.lang),
    )
    return [
        Ask(
            text,
            (
                Option("yes", tr(conv, "确认取消")),
                Option("no", tr(conv, "不取消")),
            ),
        )
    ]


def same_as_last_time(conv: Conversation, number: int) -> list[Reply]:
    return [
        Say(
            tr(
                conv,
                "按订单 #{number} 再来一单,时间同上次(可在报价中改时间);"
                "要换别的订单,发送「我的订单」。",
                number=number,
            )
        )
    ]


def prefill(again: Rebooking) -> Draft:
    """A booking like an earlier order: same service, options, size, address, and its
    worker preferred (the quote shows it while they may be chosen)."""
    d = Draft.again(
        again.category_id, again.selections[0], again.bundle_id, again.address_id, again.notes
    )
    d.worker = again.worker_id
    return d


def reschedule_when(conv: Conversation, number: int) -> list[Reply]:
    text = tr(
        conv, "订单 #{number} 改到什么时间?请输入日期和时间,例如「明天下午三点」。", number=number
    )
    return [Ask(text, (Option("no", tr(conv, "不改了")),))]


def reschedule_question(ctx: Ctx, conv: Conversation, q: RescheduleQuoted) -> list[Reply]:
    when = moment(ctx, conv, q.start_at)
    text = tr(
        conv,
        "将订单 #{number} 改约到 {when}:{reason}。确认改约吗?",
        number=q.number,
        when=when,
        reason=q.reason.get(conv.lang),
    )
    if q.fee_cents:
        fee = format_yuan(q.fee_cents)
        text += "\n" + tr(conv, "需支付改约费 {fee},支付后才改约。", fee=fee)
        yes = Option("yes", tr(conv, "确认并支付 {fee}", fee=fee))
        return [Ask(text, (yes, Option("no", tr(conv, "不改了"))))]
    return [Ask(text, (Option("yes", tr(conv, "确认改约")), Option("no", tr(conv, "不改了"))))]


def reschedule_fee_due(ctx: Ctx, conv: Conversation, r: RescheduleFeeDue) -> list[Reply]:
    when = moment(ctx, conv, r.start_at)
    text = tr(
        conv,
        "请支付改约费 {fee},支付成功后订单 #{number} 改约到 {when};不支付则时间不变。",
        fee=format_yuan(r.fee_cents),
        number=r.number,
        when=when,
    )
    return [Say(text)]


def surcharge_approved(conv: Conversation, r: SurchargeApproved) -> list[Reply]:
    text = tr(
        conv,
        "已同意订单 #{number} 的现场加价 {amount},请支付这笔费用。",
        number=r.number,
        amount=format_yuan(r.amount_cents),
    )
    return [Say(text)]


def surcharge_declined(conv: Conversation, number: int) -> list[Reply]:
    text = tr(conv, "已拒绝订单 #{number} 的加价,师傅会按原价继续服务。", number=number)
    return [Say(text)]


def time_unchanged(conv: Conversation) -> Say:
    """A move declined ("不改了"): the order keeps its time."""
    return Say(tr(conv, "好的,时间不变。"))


def rescheduled(ctx: Ctx, conv: Conversation, r: OrderRescheduled) -> list[Reply]:
    when = moment(ctx, conv, r.start_at)
    if r.unpaid:  # nobody is arranged for an order not paid yet: paying is asked next
        return [
            Say(
                tr(
                    conv,
                    "订单 #{number} 已改到 {when},付款后为您安排师傅。",
                    number=r.number,
                    when=when,
                )
            )
        ]
    text = (
        tr(
            conv,
            "订单 #{number} 已改约到 {when},原师傅会按新时间上门。",
            number=r.number,
            when=when,
        )
        if r.worker_kept and not r.clash
        else tr(
            conv,
            "订单 #{number} 已改约到 {when},我们正在为新时间安排师傅。",
            number=r.number,
            when=when,
        )
    )
    return [Say(text)]
