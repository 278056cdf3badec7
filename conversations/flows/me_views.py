"""What 我的 (Me) shows: the whole screen (level, points, coupons, invitation) or one part of
it, and the choices under it. Every id is named: a level by its name, a coupon by where it
came from and what it takes off, never by its code."""

from __future__ import annotations

from enum import StrEnum

from conversations.flows import language
from conversations.flows.base import Ctx, moment, tr, trn
from conversations.flows.me_birthday import birthday_text
from conversations.replies import Ask, Link, Option, Reply, Say
from conversations.results.membership import CouponHeld, MembershipShown
from conversations.results.points import PointsHistory, PointsLine
from conversations.state import Conversation
from domain.member_levels import LEVEL_TEXT
from domain.money import format_percent, format_yuan


class Section(StrEnum):
    """A part of 我的; its value is also the choice that opens it."""

    ALL = "me"
    POINTS = "points"
    COUPONS = "coupons"
    INVITE = "invite"
    CARDS = "cards"


SECTION_KEYS = frozenset(s.value for s in Section)
BIRTHDAY = "birthday"
"""The choice that asks the customer's birthday."""
EMERGENCY = "emergency"
"""The choice that opens the emergency contact (``emergency_contact``)."""
OVERVIEW_COUPONS = 3
"""Coupons listed on the whole screen; the coupons part lists up to ``LISTED_COUPONS`` (a
WeChat text is at most 2,048 bytes)."""
LISTED_COUPONS = 15
LISTED_MOVEMENTS = 12
"""Points movements the points part lists, newest first (each line is under 80 bytes)."""


def points_screen(ctx: Ctx, conv: Conversation, h: PointsHistory) -> list[Reply]:
    """The points part of 我的: the balance, what expires soonest, the latest movements."""
    lines = [balance(conv, h.balance, ctx.rules.pricing.points_per_yuan)]
    if h.expiring and h.expiring_at is not None:
        lines.append(
            tr(
                conv,
                "其中 {points} 积分将于 {day} 过期。",
                points=h.expiring,
                day=moment(ctx, conv, h.expiring_at, clock=False),
            )
        )
    if h.lines:
        lines.append(tr(conv, "最近的积分记录:"))
        lines += [movement(ctx, conv, m) for m in h.lines[:LISTED_MOVEMENTS]]
    else:
        lines.append(tr(conv, "暂无积分记录:下单付款、评价服务都能获得积分。"))
    return [Say("\n".join(lines)), choices(conv, Section.POINTS)]


def movement(ctx: Ctx, conv: Conversation, m: PointsLine) -> str:
    """One movement: its day (business time), what it was by name, its order, the signed
    points and the balance after it."""
    what, signed = m.what.get(conv.lang), f"{m.points:+d}"
    day = moment(ctx, conv, m.at, clock=False)
    if m.number is not None:
        return tr(
            conv,
            "· {day} {what}(订单 #{number}) {points},余 {balance}",
            day=day,
            what=what,
            number=m.number,
            points=signed,
            balance=m.balance,
        )
    return tr(
        conv,
        "· {day} {what} {points},余 {balance}",
        day=day,
        what=what,
        points=signed,
        balance=m.balance,
    )


def screen(ctx: Ctx, conv: Conversation, r: MembershipShown, section: Section) -> list[Reply]:
    """The part ``section`` of 我的 but the points (``points_screen``), its choices last."""
    if section == Section.COUPONS:
        replies: list[Reply] = [Say(coupons(ctx, conv, r, LISTED_COUPONS))]
    elif section == Section.INVITE:
        replies = [Say(invite_terms(conv, r)), invitation(conv, r)]
    else:
        overview = [
            tr(conv, "【我的】"),
            level(ctx, conv, r),
            points(conv, r),
            coupons(ctx, conv, r, OVERVIEW_COUPONS),
            birthday(conv, r),
            emergency(conv, r),
            *cards(conv, r),
            invite_terms(conv, r),
        ]
        replies = [Say("\n".join(overview)), invitation(conv, r)]
    return [*replies, choices(conv, section)]


def level(ctx: Ctx, conv: Conversation, r: MembershipShown) -> str:
    p = r.progress
    name = LEVEL_TEXT[p.level].get(conv.lang)
    head = (
        tr(
            conv,
            "会员等级:{level}(每单享 {pct} 优惠)",
            level=name,
            pct=format_percent(r.discount_bp),
        )
        if r.discount_bp
        else tr(conv, "会员等级:{level}", level=name)
    )
    spend, days = format_yuan(p.spend_cents), r.window_days
    if p.next_level is None:
        road = tr(conv, "近 {days} 天消费 {spend},已是最高等级。", days=days, spend=spend)
    else:
        road = tr(
            conv,
            "近 {days} 天消费 {spend},再消费 {missing} 即可升级为{next}(满 {minimum})。",
            days=days,
            spend=spend,
            missing=format_yuan(p.missing_cents),
            next=LEVEL_TEXT[p.next_level].get(conv.lang),
            minimum=format_yuan(p.next_min_cents),
        )
    if p.kept_until is not None:  # reached before: kept whatever the spend does until then
        road += "\n" + tr(
            conv,
            "等级保留至 {until},届时按近 {days} 天消费重新评定。",
            until=moment(ctx, conv, p.kept_until, clock=False),
            days=days,
        )
    return f"{head}\n{road}"


def points(conv: Conversation, r: MembershipShown) -> str:
    return balance(conv, r.points, r.points_per_yuan)


def balance(conv: Conversation, held: int, per_yuan: int) -> str:
    return tr(
        conv,
        "积分:{points}({per} 积分抵 {worth},确认订单时可使用)",
        points=held,
        per=per_yuan,
        worth=format_yuan(100),
    )


def coupons(ctx: Ctx, conv: Conversation, r: MembershipShown, listed: int) -> str:
    """The coupons to use, the ``listed`` soonest to expire by name, terms and validity."""
    if not r.coupons:
        return tr(conv, "优惠券:暂无可用的优惠券。")
    lines = [
        tr(
            conv,
            "优惠券 {count} 张(下单时自动选用最划算的一张):",
            count=len(r.coupons),
        )
    ]
    lines += [coupon_line(ctx, conv, c) for c in r.coupons[:listed]]
    more = len(r.coupons) - listed
    if more > 0 and listed == OVERVIEW_COUPONS:
        lines.append(tr(conv, "……还有 {more} 张,发送「优惠券」查看。", more=more))
    elif more > 0:
        lines.append(tr(conv, "……另有 {more} 张有效期更长的优惠券。", more=more))
    return "\n".join(lines)


def coupon_line(ctx: Ctx, conv: Conversation, c: CouponHeld) -> str:
    until = moment(ctx, conv, c.valid_until, clock=False)
    if c.valid_from > ctx.now:
        valid = tr(
            conv,
            "{start} 起可用,有效期至 {until}",
            start=moment(ctx, conv, c.valid_from, clock=False),
            until=until,
        )
    else:
        valid = tr(conv, "有效期至 {until}", until=until)
    name, what = c.name.get(conv.lang), c.takes_off.get(conv.lang)
    return tr(conv, "· {name}:{what},{valid}", name=name, what=what, valid=valid)


def birthday(conv: Conversation, r: MembershipShown) -> str:
    if not r.birthday:
        return tr(conv, "生日:未设置(设置后每年生日送您一张生日券)")
    month, day = (int(x) for x in r.birthday.split("-"))
    return tr(conv, "生日:{day}", day=birthday_text(conv, month, day))


def emergency(conv: Conversation, r: MembershipShown) -> str:
    if r.emergency is None:
        return tr(conv, "紧急联系人:未设置(紧急求助时短信通知 TA)")
    name, relation, phone = r.emergency
    if relation:
        return tr(
            conv, "紧急联系人:{name}({relation}){phone}", name=name, relation=relation, phone=phone
        )
    return tr(conv, "紧急联系人:{name} {phone}", name=name, phone=phone)


def cards(conv: Conversation, r: MembershipShown) -> list[str]:
    """A line for the prepaid cards usable now (none without)."""
    if not r.card_visits:
        return []
    visits = sum(v for v, _ in r.card_visits)
    balance = format_yuan(sum(c for _, c in r.card_visits))
    return [
        trn(
            conv,
            "次卡:{count} 张可用,共剩 {visits} 次,余额 {balance}(发送「次卡」查看)",
            "次卡:{count} 张可用,共剩 {visits} 次,余额 {balance}(发送「次卡」查看)",
            visits,
            count=len(r.card_visits),
            visits=visits,
            balance=balance,
        )
    ]


def invite_terms(conv: Conversation, r: MembershipShown) -> str:
    return tr(
        conv,
        "邀请好友:好友通过您的邀请注册并完成首单后,您和好友各得一张 {amount} 优惠券。",
        amount=format_yuan(r.referral_reward_cents),
    )


def invitation(conv: Conversation, r: MembershipShown) -> Reply:
    """The invitation to share: the QR code to show (WeChat), else the link to send."""
    if r.invite is None:
        return Say(tr(conv, "邀请链接暂时无法生成,请稍后再试。"))
    if r.invite.qr:
        return Link(
            tr(conv, "请好友用微信扫描您的专属二维码,关注后即可注册:"),
            r.invite.url,
            tr(conv, "查看我的邀请二维码"),
        )
    return Say(tr(conv, "您的专属邀请链接(复制发给好友):\n{url}", url=r.invite.url))


def choices(conv: Conversation, section: Section) -> Ask:
    """What 我的 offers under ``section``: the other parts, the language, the main menu."""
    named = {
        Section.ALL: tr(conv, "我的"),
        Section.POINTS: tr(conv, "积分"),
        Section.COUPONS: tr(conv, "优惠券"),
        Section.INVITE: tr(conv, "邀请好友"),
        Section.CARDS: tr(conv, "次卡"),
    }
    options = [Option(s.value, named[s]) for s in Section if s != section]
    if section in (Section.ALL, Section.COUPONS):
        options.append(Option(BIRTHDAY, tr(conv, "设置生日")))
    if section == Section.ALL:
        options.append(Option(EMERGENCY, tr(conv, "紧急联系人")))
        options.append(language.option(conv))
    options.append(Option("menu", tr(conv, "主菜单")))
    return Ask(tr(conv, "还需要什么?"), tuple(options))


def choose_again(conv: Conversation, section: Section) -> list[Reply]:
    """An answer that is none of the choices: a hint and the choices (not the whole screen)."""
    return [
        Say(tr(conv, "没太明白。可以点选下面的选项,或直接说要什么服务。")),
        choices(conv, section),
    ]
