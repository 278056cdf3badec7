"""How paying looks, wherever an order (or a card, an extra, a balance) is paid: the order
placed and by when, how to pay it with the channel's provider, the payment credited, and
what is said when it is kept for later or no provider serves the channel — in both
languages."""

from __future__ import annotations

from conversations.flows.base import Ctx, moment, tr
from conversations.replies import Ask, Invoice, Link, Option, Reply, Say
from conversations.results.booking import OrderPaid, PaymentDue
from conversations.state import Conversation
from domain.money import format_yuan
from domain.text import Field


def pay_by(ctx: Ctx, conv: Conversation, due: PaymentDue) -> str:
    """When an unpaid order is cancelled, as shown ("" for a balance)."""
    return moment(ctx, conv, due.pay_by) if due.pay_by is not None else ""


def order_placed(ctx: Ctx, conv: Conversation, due: PaymentDue) -> list[Reply]:
    amount, by = format_yuan(due.due_now_cents), pay_by(ctx, conv, due)
    return [
        Say(
            tr(
                conv,
                "订单 #{number} 已提交,应付 {amount},请在 {by} 前支付(逾期自动取消)。",
                number=due.number,
                amount=amount,
                by=by,
            )
            if by
            else tr(
                conv, "订单 #{number} 已提交,应付 {amount}。", number=due.number, amount=amount
            )
        )
    ]


def not_paid_yet(conv: Conversation, number: int) -> Say:
    return Say(tr(conv, "订单 #{number} 还未支付。", number=number))


def pay_question(conv: Conversation, due: PaymentDue) -> list[Reply]:
    """How to pay, by provider: a Telegram invoice, the WeChat Pay page, or the sandbox."""
    amount = format_yuan(due.due_now_cents)
    later = Option("later", tr(conv, "稍后支付"))
    if due.provider == "telegram":
        return [
            Invoice(
                due.title, tr(conv, "应付 {amount}", amount=amount), due.reference, due.invoice
            ),
            Ask(
                tr(conv, "点上方账单的「支付」按钮完成付款。"),
                (later,),
            ),
        ]
    if due.provider == "wechat_pay":
        return [
            Link(
                tr(conv, "请用微信支付 {amount}:", amount=amount),
                due.pay_url,
                tr(conv, "微信支付"),
            ),
            Ask(
                tr(conv, "付款成功后我会通知您。"),
                (later,),
            ),
        ]
    return [
        Link(
            tr(conv, "也可以在网页上支付:"),
            due.pay_url,
            tr(conv, "打开支付页"),
        ),
        Ask(
            tr(conv, "请支付 {amount}(演示环境,不会真实扣款)。", amount=amount),
            (Option("pay", tr(conv, "确认支付 {amount}", amount=amount)), later),
        ),
    ]


def paid_message(conv: Conversation, paid: OrderPaid) -> list[Reply]:
    """What a credited payment tells its payer, whichever way it was paid: an extra, a late
    move's fee, a finished job's balance (then: confirm it), a placement's period while it
    runs, or the order's own payment (then: the worker search)."""
    both: dict[str, Field] = {"number": paid.number, "amount": format_yuan(paid.amount_cents)}
    if not paid.new:  # credited before (the pay page, a second tap): one success said
        return [already_paid(conv, paid.number)]
    if paid.extra == "surcharge":
        said = tr(conv, "已支付订单 #{number} 的现场加价 {amount},师傅会按新内容服务。", **both)
    elif paid.extra == "reschedule":
        said = tr(
            conv, "已支付改约费 {amount},订单 #{number} 已改约(详情见「我的订单」)。", **both
        )
    elif paid.balance and paid.finished:
        said = tr(conv, "尾款已付清,谢谢!请确认完成订单 #{number}。", number=paid.number)
    elif paid.balance:
        said = tr(conv, "支付成功 {amount}!订单 #{number} 的这笔款项已收到,谢谢。", **both)
    else:
        said = _order_paid(conv, paid)
    return [Say(said)]


def _order_paid(conv: Conversation, paid: OrderPaid) -> str:
    """The order's own payment credited, and what happens next; an order a card, coupons or
    points paid in full is told it had nothing to pay, not that it paid ¥0.00."""
    amount, number = format_yuan(paid.amount_cents), paid.number
    if paid.amount_cents == 0 and paid.held:
        return tr(
            conv, "订单 #{number} 无需支付,需客服审核后安排师傅,我们会尽快处理。", number=number
        )
    if paid.amount_cents == 0 and paid.no_worker:
        return tr(
            conv,
            "订单 #{number} 无需支付,暂时没有合适的师傅,客服正在为您人工安排,请稍候。",
            number=number,
        )
    if paid.amount_cents == 0:
        return tr(conv, "订单 #{number} 无需支付,正在为您安排师傅,接单后会通知您。", number=number)
    if paid.held:
        return tr(
            conv,
            "支付成功 {amount}!订单 #{number} 需客服审核后安排师傅,我们会尽快处理。",
            amount=amount,
            number=number,
        )
    if paid.no_worker:
        return tr(
            conv,
            "支付成功 {amount}!订单 #{number} 暂时没有合适的师傅,客服正在为您人工安排,请稍候。",
            amount=amount,
            number=number,
        )
    return tr(
        conv,
        "支付成功 {amount}!订单 #{number} 正在为您安排师傅,接单后会通知您。",
        amount=amount,
        number=number,
    )


def already_paid(conv: Conversation, number: int) -> Say:
    """A payment confirmed again (the pay page and the chat's button at once, or a repeated
    notice): it was credited once and said so once; this says only that it was paid."""
    return Say(tr(conv, "订单 #{number} 的这笔款项已支付过,无需重复支付。", number=number))


def unavailable(conv: Conversation, *, placed: bool = False) -> list[Reply]:
    """No payment provider serves this channel: say so (and, at checkout, that no order was
    placed; ``placed``: an order that exists stays unpaid)."""
    if placed:
        text = tr(conv, "本渠道暂未开通在线支付,请联系客服。")
    else:
        text = tr(conv, "本渠道暂未开通在线支付,订单没有提交。请联系客服预约。")
    return [Say(text)]


def kept_for_later(conv: Conversation, number: int | None, by: str) -> Say:
    """The order waits for its payment ("pay later")."""
    return Say(
        tr(
            conv,
            "订单 #{number} 已保留,可在「我的订单」中支付(请在 {by} 前支付,逾期自动取消)。",
            number=number,
            by=by,
        )
        if by
        else tr(conv, "订单 #{number} 已保留,可在「我的订单」中支付。", number=number)
    )
