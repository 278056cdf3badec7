"""What the recurring bookings' screens say: the list (with each booking's skip and stop
buttons), the plan to confirm, and the questions before a visit is skipped or a booking
stopped."""

from __future__ import annotations

from datetime import datetime

from conversations.flows.base import Ctx, moment, tr
from conversations.replies import Ask, Option, Reply
from conversations.results.recurring import SubscriptionPlan, SubscriptionRow
from conversations.state import Conversation
from domain.money import format_yuan
from domain.recurring import WEEKDAY_TEXT, format_at_time
from domain.text import Phrase


def day(conv: Conversation, weekday: int) -> str:
    return WEEKDAY_TEXT[weekday].get(conv.lang)


def every(conv: Conversation, item: Phrase, weekday: int, at_time: str) -> str:
    name = item.get(conv.lang)
    return tr(
        conv,
        "每{weekday} {at_time} {name}",
        weekday=day(conv, weekday),
        at_time=at_time,
        name=name,
    )


def plan_every(conv: Conversation, plan: SubscriptionPlan) -> str:
    return every(conv, plan.item, plan.weekday, format_at_time(plan.at_time))


def listing(ctx: Ctx, conv: Conversation, subs: tuple[SubscriptionRow, ...]) -> list[Reply]:
    menu = Option("menu", tr(conv, "主菜单"))
    if not subs:
        return [
            Ask(
                tr(
                    conv,
                    "您还没有定期预约。打开「我的订单」中的一个订单,选择「每周重复」即可设置。",
                ),
                (Option("orders", tr(conv, "我的订单")), menu),
            )
        ]
    lines = [tr(conv, "您的定期预约:")]
    options: list[Option] = []
    for s in subs:
        repeated = every(conv, s.item, s.weekday, format_at_time(s.at_time))
        upcoming = moment(ctx, conv, s.next_at)
        lines.append(tr(conv, "· {every}(下次 {upcoming})", every=repeated, upcoming=upcoming))
        options.append(
            Option(
                f"skip:{s.id}",
                tr(conv, "跳过 {day} 这次", day=moment(ctx, conv, s.next_at, clock=False)),
            )
        )
        options.append(
            Option(
                f"stop:{s.id}",
                tr(
                    conv,
                    "停止 每{weekday} {at_time}",
                    weekday=day(conv, s.weekday),
                    at_time=format_at_time(s.at_time),
                ),
            )
        )
    return [Ask("\n".join(lines), (*options, menu))]


def confirm(ctx: Ctx, conv: Conversation, plan: SubscriptionPlan) -> list[Reply]:
    first = moment(ctx, conv, plan.first_at)
    text = tr(
        conv,
        "将订单 #{number} 设为{every}。\n"
        "第一次上门:{first};每次服务前 {ahead_days} 天生成订单并"
        "提醒您支付,按当时的价格计算(目前约 {price_cents}/次)"
        "。",
        number=plan.number,
        every=plan_every(conv, plan),
        first=first,
        ahead_days=plan.ahead_days,
        price_cents=format_yuan(plan.price_cents),
    )
    return [
        Ask(
            text,
            (
                Option("confirm", tr(conv, "确认设置")),
                Option("day", tr(conv, "换一天")),
                Option("time", tr(conv, "换时间")),
                Option("menu", tr(conv, "算了")),
            ),
        )
    ]


def stop_question(conv: Conversation, repeated: str) -> Ask:
    return Ask(
        tr(
            conv,
            "停止「{every}」?已生成的订单不受影响,不需要的可在「我的订单」中取消。",
            every=repeated,
        ),
        (Option("yes", tr(conv, "确认停止")), Option("no", tr(conv, "不停止"))),
    )


def skip_question(
    ctx: Ctx, conv: Conversation, repeated: str, visit: datetime, following: datetime
) -> Ask:
    return Ask(
        tr(
            conv,
            "「{every}」跳过 {visit} 这次上门?之后照常,下一次是 {following}。",
            every=repeated,
            visit=moment(ctx, conv, visit),
            following=moment(ctx, conv, following),
        ),
        (Option("yes", tr(conv, "确认跳过")), Option("no", tr(conv, "不跳过"))),
    )
