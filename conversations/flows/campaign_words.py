"""Reading ``/campaign`` as an admin typed it: conditions and coupon terms as ``key=value``
(Chinese or English keys, ``=`` or ``:``), e.g. ``/campaign 等级=黄金 沉睡=30 区域=徐汇区
买过=日常保洁 金额=20 门槛=100 天数=14``; ``/campaign 金额=20`` is for everyone;
``/campaign send 12`` (确认 12) confirms a preview. Pure: no I/O."""

from __future__ import annotations

import re

from conversations.flows.base import Ctx
from domain import commands as c
from domain.campaigns import Offer, Segment
from domain.catalog import Catalog
from domain.digits import DAYS_MAX, INT_MAX, whole
from domain.errors import DomainError
from domain.member_levels import LEVEL_TEXT
from domain.money import MoneyError, parse_yuan
from domain.rules import MemberLevel
from domain.text import N_, Bilingual, listed

KEYS: dict[str, str] = {
    "level": "level",
    "等级": "level",
    "会员": "level",
    "dormant": "dormant",
    "沉睡": "dormant",
    "未下单": "dormant",
    "district": "district",
    "区域": "district",
    "地区": "district",
    "item": "item",
    "bought": "item",
    "买过": "item",
    "amount": "amount",
    "金额": "amount",
    "threshold": "threshold",
    "门槛": "threshold",
    "days": "days",
    "天数": "days",
    "有效期": "days",
}
CONFIRM = {"send", "confirm", "go", "发送", "确认"}
_KEY = "|".join(sorted(map(re.escape, KEYS), key=len, reverse=True))
_PAIR = re.compile(rf"^({_KEY})\s*[=:：]\s*(.+)$", re.IGNORECASE)
_SPLIT = re.compile(rf"\s+(?=(?:{_KEY})\s*[=:：])", re.IGNORECASE)


def _level_words() -> dict[str, MemberLevel]:
    words: dict[str, MemberLevel] = {}
    for level, name in LEVEL_TEXT.items():
        for word in (level.value, name.get("zh"), name.get("en")):
            low = word.casefold().replace(" ", "")
            words[low] = level
            words[low.removesuffix("会员").removesuffix("member")] = level
    return words


LEVELS = _level_words()
"""A level by its id or name in either language, with or without 会员 / member."""


def level_of(word: str) -> MemberLevel | None:
    return LEVELS.get(word.casefold().replace(" ", ""))


def _level(word: str) -> MemberLevel:
    """The level ``word`` names; raises DomainError naming the levels there are (a level
    mistyped, 白金 say, was answered with the whole usage)."""
    level = level_of(word)
    if level is None:
        names = LEVEL_TEXT.values()
        raise DomainError(
            N_(
                "没有会员等级 {text};可选:{levels}",
                text=word,
                levels=Bilingual(*(listed((n.get(g) for n in names), g) for g in ("zh", "en"))),
            )
        )
    return level


def item_of(catalog: Catalog, text: str) -> str:
    """A catalog item's id by its id or its Chinese or English name; raises DomainError."""
    want = text.strip().casefold().replace(" ", "")
    for item in catalog.items():
        if want in (n.casefold().replace(" ", "") for n in (item.id, item.name.zh, item.name.en)):
            return item.id
    raise DomainError(N_("没有服务项目 {text};发送 /price 查看全部", text=text))


def _days(word: str) -> int | None:
    word = word.strip().casefold().removesuffix("days").removesuffix("天").removesuffix("d")
    return whole(word.strip(), DAYS_MAX)  # a day count: ``now - days`` is still a date


def _yuan(word: str, zero: bool = False) -> int | None:
    try:
        fen = parse_yuan(word.strip())
    except MoneyError:
        return None
    return fen if (fen > 0 or zero) and fen <= INT_MAX else None  # as admin_commands.amount


def pairs(args: str) -> dict[str, str] | None:
    """``key=value`` parts by their key's meaning; None when something else is in there."""
    found: dict[str, str] = {}
    for part in _SPLIT.split(args.strip()):
        m = _PAIR.match(part.strip())
        if m is None:
            return None
        found[KEYS[m.group(1).casefold()]] = m.group(2).strip()
    return found


def build(ctx: Ctx, name: str, args: str, by: str, role: str) -> c.Command | None:
    """The command, or None when malformed (the usage is shown)."""
    if name == "campaigns":
        return c.ListCampaigns(by, role)
    words = args.split()
    if len(words) == 2 and words[0].casefold() in CONFIRM:
        campaign = whole(words[1].lstrip("#"))
        return c.StartCampaign(by, role, campaign) if campaign is not None else None
    given = pairs(args) if args.strip() else None
    if given is None:  # nothing (the usage, not a campaign for everyone) or not key=value
        return None
    m = ctx.rules.membership
    level = _level(given["level"]) if "level" in given else None
    dormant = _days(given["dormant"]) if "dormant" in given else None
    amount = _yuan(given["amount"]) if "amount" in given else m.campaign_coupon_cents
    threshold = (
        _yuan(given["threshold"], zero=True)
        if "threshold" in given
        else m.campaign_coupon_threshold_cents
    )
    days = _days(given["days"]) if "days" in given else m.campaign_coupon_days
    if (
        ("level" in given and level is None)
        or ("dormant" in given and not dormant)
        or None in (amount, threshold, days)
    ):
        return None
    assert amount is not None and threshold is not None and days is not None
    segment = Segment(
        level,
        dormant,
        given.get("district", ""),
        item_of(ctx.catalog, given["item"]) if "item" in given else "",
    )
    return c.PreviewCampaign(by, role, segment, Offer(amount, threshold, days))
