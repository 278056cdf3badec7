"""``/stats``'s loyalty lines: whether customers come back (repeat purchases), what was given
to keep them (coupons issued and used, by where they came from; points earned, spent and
expired) and what is still owed to them (points held and their worth, prepaid money not yet
used), and invitations that paid off. Coupon sources by name, never their reason ids."""

from __future__ import annotations

from conversations.flows.base import aside, tr
from conversations.state import Conversation
from domain.coupons import SOURCE_TEXT
from domain.money import format_percent, format_yuan
from domain.oversight import LoyaltyStats


def lines(conv: Conversation, s: LoyaltyStats) -> list[str]:
    """The loyalty block, a head line first."""
    rate = s.repeat_rate_bp
    return [
        tr(conv, "【会员与营销】"),
        tr(
            conv,
            "复购率 {rate}(回头客 {returning} / 下单客户 {buyers})",
            rate="—" if rate is None else format_percent(rate),
            returning=s.returning,
            buyers=s.buyers,
        ),
        tr(conv, "发券 {n}{by}", n=sum(s.coupons_issued.values()), by=_by(conv, s.coupons_issued)),
        tr(conv, "用券 {n}{by}", n=sum(s.coupons_used.values()), by=_by(conv, s.coupons_used)),
        tr(
            conv,
            "积分:获得 {earned} · 使用 {spent} · 过期 {expired}",
            earned=s.points_earned,
            spent=s.points_spent,
            expired=s.points_expired,
        ),
        tr(
            conv,
            "客户持有积分 {held}(负债 {owed})",
            held=s.points_held,
            owed=format_yuan(s.points_liability_cents),
        ),
        tr(conv, "次卡未消费余额 {owed}", owed=format_yuan(s.prepaid_outstanding_cents)),
        tr(
            conv,
            "邀请注册 {invited} · 邀请成单 {rewarded}",
            invited=s.invited,
            rewarded=s.referrals_rewarded,
        ),
    ]


def _by(conv: Conversation, counts: dict[str, int]) -> str:
    if not counts:
        return ""
    parts = " · ".join(
        f"{SOURCE_TEXT[key].get(conv.lang)} {n}"
        for key, n in sorted(counts.items(), key=lambda kv: -kv[1])
        if key in SOURCE_TEXT
    )
    return aside(conv, parts)
