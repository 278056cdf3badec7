"""The admin console's campaign screens: a preview with its counts and how to confirm, the
confirmation, and ``/campaigns`` with what each campaign gave and how much of it was used;
and a broadcast's preview, confirmed the same way."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.base import Ctx, Outcome, aside, moment, tr, trn
from conversations.replies import Say
from conversations.results.admin_people import BroadcastPreviewed
from conversations.results.campaigns import (
    CampaignLine,
    CampaignPreviewed,
    CampaignsListed,
    CampaignStarted,
)
from conversations.state import Conversation
from domain.campaigns import STATUS_TEXT, Offer
from domain.coupons import takes_off
from domain.people import CHANNEL_TEXT
from domain.pricing import CouponKind, CouponTerms
from domain.text import Bilingual, named


def _who(conv: Conversation, segment: tuple[Bilingual, ...]) -> str:
    if not segment:
        return tr(conv, "全部客户")
    return ("、" if conv.lang == "zh" else ", ").join(p.get(conv.lang) for p in segment)


def _terms(conv: Conversation, offer: Offer) -> str:
    terms = CouponTerms(
        "campaign",
        CouponKind.FIXED,
        amount_cents=offer.amount_cents,
        threshold_cents=offer.threshold_cents,
    )
    return tr(conv, "{off},{days} 天有效", off=takes_off(terms).get(conv.lang), days=offer.days)


def previewed(ctx: Ctx, conv: Conversation, r: CampaignPreviewed) -> Outcome:
    return Outcome(
        [
            Say(
                trn(
                    conv,
                    "活动 #{id} 预览\n对象:{who}\n券:{terms}\n"
                    "匹配 {matched} 位客户,消息可送达 {reachable} 位"
                    "(已退订 {opted_out} 位、无法送达 {unreachable} 位,他们只收到券)。\n"
                    "确认发送:/campaign send {id}",
                    "活动 #{id} 预览\n对象:{who}\n券:{terms}\n"
                    "匹配 {matched} 位客户,消息可送达 {reachable} 位"
                    "(已退订 {opted_out} 位、无法送达 {unreachable} 位,他们只收到券)。\n"
                    "确认发送:/campaign send {id}",
                    r.matched,
                    id=r.campaign_id,
                    who=_who(conv, r.segment),
                    terms=_terms(conv, r.offer),
                    matched=r.matched,
                    reachable=r.reachable,
                    opted_out=r.opted_out,
                    unreachable=r.unreachable,
                )
            )
        ]
    )


def started(ctx: Ctx, conv: Conversation, r: CampaignStarted) -> Outcome:
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    "活动 #{id} 已确认,正在发券和消息(预览时匹配 {matched} 位)。"
                    "发送 /campaigns 查看进度。",
                    id=r.campaign_id,
                    matched=r.matched,
                )
            )
        ]
    )


def _line(ctx: Ctx, conv: Conversation, x: CampaignLine) -> str:
    t = x.tally
    return tr(
        conv,
        "#{id} {at} {status} · {who} · {terms}\n"
        "  匹配 {matched},已发券 {coupons}(发消息 {sent}、退订 {opted_out}、"
        "无法送达 {unreachable}、待发 {pending}),已使用 {used}",
        id=x.id,
        at=moment(ctx, conv, x.created_at),
        status=STATUS_TEXT[x.status].get(conv.lang),
        who=_who(conv, x.segment),
        terms=_terms(conv, x.offer),
        matched=x.matched,
        coupons=t.coupons,
        sent=t.sent,
        opted_out=t.opted_out,
        unreachable=t.unreachable,
        pending=t.pending,
        used=t.used,
    )


def listed(ctx: Ctx, conv: Conversation, r: CampaignsListed) -> Outcome:
    if not r.items:
        return Outcome([Say(tr(conv, "还没有活动。用 /campaign 预览一个。"))])
    lines = [tr(conv, "最近的活动:")] + [_line(ctx, conv, x) for x in r.items]
    return Outcome([Say("\n".join(lines))])


def broadcast_previewed(ctx: Ctx, conv: Conversation, r: BroadcastPreviewed) -> Outcome:
    seen = dict(r.seen)
    reach = ("、" if conv.lang == "zh" else ", ").join(
        f"{named(CHANNEL_TEXT, channel, conv.lang)} {n}" for channel, n in r.reach
    )
    return Outcome(
        [
            Say(
                trn(
                    conv,
                    "群发 #{id} 预览(尚未发送)\n中文客户收到:{zh}\n英文客户收到:{en}\n"
                    "可送达 {to} 个账号{reach}。\n确认发送:/broadcast send {id}",
                    "群发 #{id} 预览(尚未发送)\n中文客户收到:{zh}\n英文客户收到:{en}\n"
                    "可送达 {to} 个账号{reach}。\n确认发送:/broadcast send {id}",
                    r.to,
                    id=r.draft,
                    zh=seen.get("zh", ""),
                    en=seen.get("en", ""),
                    to=r.to,
                    reach=aside(conv, reach),
                )
            )
        ]
    )


SCREENS: tuple[Screen, ...] = (
    shows(BroadcastPreviewed, broadcast_previewed),
    shows(CampaignPreviewed, previewed),
    shows(CampaignStarted, started),
    shows(CampaignsListed, listed),
)
"""The console's campaign screens, by the result they show."""
