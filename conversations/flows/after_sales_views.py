"""What the customer is told once a complaint is filed, a job rated, a rework booked."""

from __future__ import annotations

from conversations.flows.base import Ctx, tr
from conversations.replies import Reply, Say
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
                    f"投诉 {number} 已按规则处理:退款 {refund},将原路退回。"
                    "如仍有问题,请联系客服。",
                    f"Complaint {number} was settled by our rules: a refund of {refund} goes "
                    "back the way you paid. Still unhappy? Contact support.",
                )
            )
        ]
    minutes = filed.answer_within_minutes
    return [
        Say(
            tr(
                conv,
                f"投诉 {number}(订单 #{filed.number})已提交,客服将在 {minutes} 分钟内联系您。"
                "处理期间本单暂不结算。",
                f"Complaint {number} about #{filed.number} is in; support will answer within "
                f"{minutes} minutes. The order is not settled meanwhile.",
            )
        )
    ]


def rated(conv: Conversation, rating: OrderRated) -> list[Reply]:
    stars = stars_text(rating.overall_x100)
    text = tr(
        conv,
        f"感谢评价!订单 #{rating.number} 综合 {stars} 星。",
        f"Thank you! Order #{rating.number}: {stars} stars overall.",
    )
    if rating.follow_up:
        text += tr(
            conv,
            "很抱歉这次没让您满意,客服会跟进。",
            " We're sorry it fell short — our team will follow up.",
        )
    return [Say(text)]


def rework_booked(ctx: Ctx, conv: Conversation, booked: ReworkBooked) -> list[Reply]:
    when = f"{booked.start_at.astimezone(ctx.tz):%m-%d %H:%M}"
    return [
        Say(
            tr(
                conv,
                f"已为您预约 #{booked.original} 的免费返工:新订单 #{booked.number},{when},"
                "无需付款,师傅接单后会通知您。",
                f"Your free rework of #{booked.original} is booked: order #{booked.number}, "
                f"{when}, nothing to pay; we'll tell you when a worker accepts.",
            )
        )
    ]
