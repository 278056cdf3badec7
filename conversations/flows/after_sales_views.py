"""What the customer is told once a complaint is filed, a job rated, a rework booked; the
offer of a photo with a review."""

from __future__ import annotations

from conversations.flows.base import Ctx, moment, tr
from conversations.replies import Ask, Option, Reply, Say
from conversations.results.after_sales import ComplaintFiled, OrderRated, ReworkBooked
from conversations.state import Conversation
from domain.aftersales import stars_text
from domain.money import format_yuan


def complaint_filed(conv: Conversation, filed: ComplaintFiled) -> list[Reply]:
    number, refund = filed.complaint_id, format_yuan(filed.refund_cents)
    if filed.settled:
        return [
            Say(
                tr(
                    conv,
                    "投诉 {number} 已按规则处理:退款 {refund},将原路退回。如仍有问题,请联系客服。",
                    number=number,
                    refund=refund,
                )
            )
        ]
    minutes = filed.answer_within_minutes
    if not filed.pay_held:  # settled already: nothing is held for it
        return [
            Say(
                tr(
                    conv,
                    "投诉 {number}(订单 #{number2})已提交,客服将在 {minutes} 分钟内联系您。",
                    number=number,
                    number2=filed.number,
                    minutes=minutes,
                )
            )
        ]
    return [
        Say(
            tr(
                conv,
                "投诉 {number}(订单 #{number2})已提交,"
                "客服将在 {minutes} 分钟内联系您。"
                "处理期间本单暂不结算。",
                number=number,
                number2=filed.number,
                minutes=minutes,
            )
        )
    ]


def review_question(ctx: Ctx, conv: Conversation, *, photo: bool) -> Ask:
    """After the stars: a few words, then (``photo``) a photo, which earns more points."""
    if not photo:
        return Ask(tr(conv, "想说几句吗?(可跳过)"), (Option("skip", tr(conv, "跳过")),))
    m = ctx.rules.membership
    extra = m.review_photo_points - m.review_points
    text = (
        tr(
            conv,
            "加一张照片吗?带照片的评价多得 {extra} 积分。请直接发送照片,或点「不加照片」。",
            extra=extra,
        )
        if extra > 0
        else tr(conv, "加一张照片吗?请直接发送照片,或点「不加照片」。")
    )
    return Ask(text, (Option("skip", tr(conv, "不加照片")),))


def rated(conv: Conversation, rating: OrderRated) -> list[Reply]:
    stars = stars_text(rating.overall_x100)
    text = tr(conv, "感谢评价!订单 #{number} 综合 {stars} 星。", number=rating.number, stars=stars)
    if rating.follow_up:
        text += tr(conv, "很抱歉这次没让您满意,客服会跟进。")
    return [Say(text)]


def rework_booked(ctx: Ctx, conv: Conversation, booked: ReworkBooked) -> list[Reply]:
    when = moment(ctx, conv, booked.start_at)
    return [
        Say(
            tr(
                conv,
                "已为您预约 #{original} 的免费返工:"
                "新订单 #{number},{when},无需付款,"
                "师傅接单后会通知您。",
                original=booked.original,
                number=booked.number,
                when=when,
            )
        )
    ]


def no_order(conv: Conversation) -> str:
    return tr(conv, "请带上订单号,例如「投诉 #240117」或「评价 #240117」。")
