"""How checkout and payment look: the itemised quote, the confirmation code and coupon
questions, the order placed, how to pay it with the channel's provider, and the payment
credited — in both languages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from conversations.flows.base import tr
from conversations.replies import Ask, Invoice, Link, Option, Reply, Say
from conversations.results.booking import CouponChoice, OrderPaid, PaymentDue, QuoteReady
from conversations.state import Conversation
from domain.money import format_yuan
from domain.risk import CONFIRM_CODE_TRIES


def quote_message(conv: Conversation, q: QuoteReady) -> list[Reply]:
    lines = [tr(conv, "费用明细:")]
    lines += [
        f"· {line.label.get(conv.lang)}  {format_yuan(line.amount_cents)}" for line in q.lines
    ]
    lines.append(tr(conv, "合计:{total_cents}", total_cents=format_yuan(q.total_cents)))
    if q.deposit_cents:
        lines.append(
            tr(
                conv,
                "现付定金 {deposit_cents},完工后付尾款",
                deposit_cents=format_yuan(q.deposit_cents),
            )
        )
    lines.append(q.summary.get(conv.lang))
    options = [Option("confirm", tr(conv, "确认下单"))]
    if q.coupons:
        options.append(Option("coupon", tr(conv, "选择优惠券")))
    if q.points_available >= 100:
        options.append(
            Option(
                "points",
                tr(conv, "不用积分")
                if q.use_points
                else tr(conv, "用积分抵扣(有 {points} 分)", points=q.points_available),
            )
        )
    options.append(Option("time", tr(conv, "改时间")))
    return [Ask("\n".join(lines), tuple(options))]


def code_question(conv: Conversation, total_cents: int, code: str) -> list[Reply]:
    """Ask for the confirmation code of a big order (the code is shown here, typed back)."""
    total = format_yuan(total_cents)
    return [
        Ask(
            tr(
                conv,
                "本单合计 {total},金额较大。为确认是您本人下单,请回复验证码:{code}",
                total=total,
                code=code,
            ),
            (Option("quote", tr(conv, "返回报价")),),
        )
    ]


def coupon_question(conv: Conversation, coupons: tuple[CouponChoice, ...]) -> list[Reply]:
    options = [Option(f"coupon:{c.code}", c.label.get(conv.lang)) for c in coupons[:8]]
    options.append(Option("none", tr(conv, "不使用优惠券")))
    return [Ask(tr(conv, "选择优惠券:"), tuple(options))]


def pay_by(due: PaymentDue, tz: ZoneInfo) -> str:
    """When an unpaid order is cancelled, as shown ("" for a balance)."""
    return f"{due.pay_by.astimezone(tz):%m-%d %H:%M}" if due.pay_by is not None else ""


def order_placed(conv: Conversation, due: PaymentDue, tz: ZoneInfo) -> list[Reply]:
    amount, by = format_yuan(due.due_now_cents), pay_by(due, tz)
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
    amount, number = format_yuan(paid.amount_cents), paid.number
    if paid.held:
        return [
            Say(
                tr(
                    conv,
                    "支付成功 {amount}!订单 #{number} 需客服审核后安排师傅,我们会尽快处理。",
                    amount=amount,
                    number=number,
                )
            )
        ]
    if paid.no_worker:
        return [
            Say(
                tr(
                    conv,
                    "支付成功 {amount}!订单 #{number} 暂时没有合适的师傅,"
                    "客服正在为您人工安排,请稍候。",
                    amount=amount,
                    number=number,
                )
            )
        ]
    return [
        Say(
            tr(
                conv,
                "支付成功 {amount}!订单 #{number} 正在为您安排师傅,接单后会通知您。",
                amount=amount,
                number=number,
            )
        )
    ]


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


def wrong_code(conv: Conversation, left: int) -> Say:
    if left <= 0:
        return Say(
            tr(
                conv,
                "验证码连续 {CONFIRM_CODE_TRIES} 次不对,订单没有提交。请重新确认报价。",
                CONFIRM_CODE_TRIES=CONFIRM_CODE_TRIES,
            )
        )
    if left == 1:
        return Say(tr(conv, "验证码不对,订单没有提交。还可以再试 1 次。"))
    return Say(tr(conv, "验证码不对,订单没有提交。还可以再试 {left} 次。", left=left))
