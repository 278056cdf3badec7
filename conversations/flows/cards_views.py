"""What the 次卡 part of 我的 shows: the customer's cards (items, visits left, valid until),
the cards on sale, the purchase to confirm and to pay, the card active."""

from __future__ import annotations

from datetime import datetime

from conversations.flows.base import Ctx, moment, tr, trn
from conversations.replies import Ask, Option, Reply, Say
from conversations.results.cards import CardHeld, CardOnSale, CardPaid, CardsShown
from conversations.state import Conversation
from domain.cards import STATUS_TEXT, CardStatus
from domain.money import format_yuan
from domain.text import listed

LISTED = 8
"""Cards on sale offered as choices (a WeChat text is at most 2,048 bytes)."""


def _day(ctx: Ctx, conv: Conversation, at: datetime | None) -> str:
    if at is None:
        return ""
    return moment(ctx, conv, at, clock=False)


def held_line(ctx: Ctx, conv: Conversation, c: CardHeld) -> str:
    items = listed((i.get(conv.lang) for i in c.items), conv.lang)
    if c.status == CardStatus.ACTIVE:
        return trn(
            conv,
            "· #{id} {card}({items}):剩 {visits} 次,有效期至 {until}",
            "· #{id} {card}({items}):剩 {visits} 次,有效期至 {until}",
            c.visits_left,
            id=c.card_id,
            card=c.name.get(conv.lang),
            items=items,
            visits=c.visits_left,
            until=_day(ctx, conv, c.valid_until),
        )
    return tr(
        conv,
        "· #{id} {card}({items}):{status}",
        id=c.card_id,
        card=c.name.get(conv.lang),
        items=items,
        status=STATUS_TEXT[c.status].get(conv.lang),
    )


def sale_line(conv: Conversation, p: CardOnSale) -> str:
    visits = (
        trn(
            conv,
            "{paid} 次送 {free} 次",
            "{paid} 次送 {free} 次",
            p.paid_visits,
            paid=p.paid_visits,
            free=p.free_visits,
        )
        if p.free_visits
        else trn(conv, "{paid} 次", "{paid} 次", p.paid_visits, paid=p.paid_visits)
    )
    line = tr(
        conv,
        "· {card}:{visits},{price},购买后 {days} 天内有效",
        card=p.name.get(conv.lang),
        visits=visits,
        price=format_yuan(p.price_cents),
        days=p.valid_days,
    )
    if p.per_visit is None:
        return line
    return line + tr(conv, "(每次抵 {units})", units=p.per_visit.get(conv.lang))


def screen(ctx: Ctx, conv: Conversation, r: CardsShown) -> list[Reply]:
    lines = [tr(conv, "【我的次卡】")]
    lines += [held_line(ctx, conv, c) for c in r.held] or [tr(conv, "您还没有次卡。")]
    if any(c.status == CardStatus.ACTIVE for c in r.held):  # no self-service refund: say how
        lines.append(tr(conv, "如需退卡,请发送「联系客服」并说明次卡编号。"))
    if r.on_sale:
        lines.append(tr(conv, "可购买的次卡(下单时自动抵扣 1 次):"))
        lines += [sale_line(conv, p) for p in r.on_sale[:LISTED]]
    options = [
        Option(f"buy:{p.product_id}", tr(conv, "购买 {card}", card=p.name.get(conv.lang)))
        for p in r.on_sale[:LISTED]
    ]
    options += [Option("me", tr(conv, "我的")), Option("menu", tr(conv, "主菜单"))]
    return [Say("\n".join(lines)), Ask(tr(conv, "还需要什么?"), tuple(options))]


def confirm_question(conv: Conversation, name: str, price_cents: int) -> list[Reply]:
    return [
        Ask(
            tr(
                conv,
                "购买「{card}」,需支付 {price}。确认购买吗?",
                card=name,
                price=format_yuan(price_cents),
            ),
            (Option("confirm", tr(conv, "确认购买")), Option("cards", tr(conv, "返回次卡"))),
        )
    ]


def active_message(ctx: Ctx, conv: Conversation, r: CardPaid) -> list[Reply]:
    if not r.new:  # credited before (the pay page, a second tap): one success said
        card = r.name.get(conv.lang)
        return [Say(tr(conv, "次卡「{card}」已支付过,无需重复支付。", card=card))]
    return [
        Say(
            trn(
                conv,
                "次卡「{card}」已生效:共 {visits} 次,有效期至 {until}。"
                "预约适用的服务时会自动抵扣。",
                "次卡「{card}」已生效:共 {visits} 次,有效期至 {until}。"
                "预约适用的服务时会自动抵扣。",
                r.visits,
                card=r.name.get(conv.lang),
                visits=r.visits,
                until=_day(ctx, conv, r.valid_until),
            )
        )
    ]
