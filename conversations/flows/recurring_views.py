"""What the recurring bookings' screens say: the list (with each booking's skip and stop
buttons), the plan to confirm, and the questions before a visit is skipped or a booking
stopped — and what a booking asked to repeat in words is told (``booking_repeat``): the
quote's line, the repeat set up once the order is placed, or why it is not."""

from __future__ import annotations

from datetime import datetime

from conversations.flows.base import Ctx, moment, tr
from conversations.replies import Ask, Option, Reply, Say
from conversations.results.recurring import SubscriptionPlan, SubscriptionRow
from conversations.state import Conversation
from conversations.understanding.repeat import Every
from domain.money import format_yuan
from domain.recurring import WEEKDAY_TEXT, format_at_time
from domain.text import N_, Phrase


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
        if s.waits_for is not None:  # no visit is made before its first order is paid
            lines.append(
                tr(
                    conv,
                    "· {every}(首单 #{number} 付款后开始)",
                    every=repeated,
                    number=s.waits_for,
                )
            )
        else:
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


# -- a booking asked to repeat in words ("每周六上午9点 日常保洁3小时") ----------------------

NOT_OFFERED = {
    Every.OTHER_WEEK: N_("隔周"),
    Every.DAY: N_("每天"),
    Every.MONTH: N_("每月"),
    Every.DAYS_A_WEEK: N_("一周几次"),
}
"""The repeats asked for that recurring bookings do not offer, as the customer is told."""


def not_offered(conv: Conversation, every: Every) -> Say:
    """A repeat asked for that recurring bookings do not offer: the booking is a one-off."""
    return Say(
        tr(
            conv,
            "定期预约只能每周一次(每周同一天、同一时间),不支持{what};这次按单次预约。",
            what=NOT_OFFERED[every].get(conv.lang),
        )
    )


def repeats_line(ctx: Ctx, conv: Conversation, start: datetime, ahead_days: int) -> str:
    """The quote's line of a booking asked to repeat weekly from ``start``, each visit's
    order made ``ahead_days`` before it (``lead_days``)."""
    local = start.astimezone(ctx.tz)
    return tr(
        conv,
        "每{weekday} {at_time} 重复:下单后设为定期预约,之后每次上门前 {ahead_days} 天生成订单"
        "并提醒您支付(按当时价格),可随时停止。",
        weekday=day(conv, local.weekday()),
        at_time=format_at_time(local.time()),
        ahead_days=ahead_days,
    )


def repeating_already_line(ctx: Ctx, conv: Conversation, start: datetime) -> str:
    """The quote's line of a booking asked to repeat that repeats already (the same
    service, options and address every week at this time): this order is booked once."""
    local = start.astimezone(ctx.tz)
    return tr(
        conv,
        "您已设置过每{weekday} {at_time} 的这项定期预约,不会重复设置;这一单按单次预约。",
        weekday=day(conv, local.weekday()),
        at_time=format_at_time(local.time()),
    )


def placement_once_line(conv: Conversation) -> str:
    """The quote's line of a long placement asked to repeat: it cannot (it is renewed)."""
    return tr(conv, "长期合同不能每周重复,这次按单次预约;合同到期前可以续约。")


def repeating(ctx: Ctx, conv: Conversation, plan: SubscriptionPlan) -> Say:
    """The order just placed is repeated: what and when next, and where to stop it."""
    every_text, following = plan_every(conv, plan), moment(ctx, conv, plan.first_at)
    if plan.made_at is None:
        return Say(
            tr(
                conv,
                "已设为每周重复:{every}。下一次上门 {next},订单稍后生成,届时提醒您支付;"
                "可在主菜单「定期预约」中查看或停止。",
                every=every_text,
                next=following,
            )
        )
    return Say(
        tr(
            conv,
            "已设为每周重复:{every}。下一次上门 {next},订单将于 {made} 生成,届时提醒您支付;"
            "可在主菜单「定期预约」中查看或停止。",
            every=every_text,
            next=following,
            made=moment(ctx, conv, plan.made_at, clock=False),
        )
    )


def not_repeating(conv: Conversation, why: str) -> Say:
    """The order was placed but cannot be repeated (``why``: the rule that refused it)."""
    return Say(tr(conv, "没能设为每周重复:{why}。这一单按单次预约。", why=why.rstrip("。.")))
