"""How the booking questions look (texts and options), and what a wrong answer is told, in
both languages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conversations.flows.base import Ctx, moment, tr
from conversations.flows.booking_draft import Draft
from conversations.flows.booking_time_views import (
    date_question,
    days_ahead,
    time_question,
    when_question,
)
from conversations.replies import Ask, AskLocation, Option, Reply, Say
from conversations.results.booking import SavedAddress
from conversations.state import Conversation
from domain.catalog import UNIT_TEXT, Consumables, Item, Unit, counted
from domain.money import format_yuan
from domain.privacy import MAP_PIN, address_shown


def _name(conv: Conversation, text: Any) -> str:
    return str(text.get(conv.lang))


def item_card(conv: Conversation, item: Item) -> str:
    unit = UNIT_TEXT[item.unit].get(conv.lang)
    lines = [
        f"{_name(conv, item.name)} · {format_yuan(item.unit_price_cents)}/{unit}",
        _name(conv, item.description),
        tr(conv, "验收标准:") + _name(conv, item.acceptance),
    ]
    if item.consumables == Consumables.INCLUDED:
        lines.append(tr(conv, "含清洁用品"))
    elif item.consumables == Consumables.BRING_OWN:
        lines.append(tr(conv, "用品由客户提供(可加选师傅自带)"))
    if item.certificates:
        lines.append(tr(conv, "服务人员持证上岗"))
    return "\n".join(lines)


def question(ctx: Ctx, conv: Conversation, step: str, d: Draft, items: list[Item]) -> list[Reply]:
    item = items[0] if items else None
    if step == "category":
        options = [Option(f"cat:{c.id}", _name(conv, c.name)) for c in ctx.catalog.categories]
        options += [
            Option(f"bundle:{x.id}", tr(conv, "套餐:") + _name(conv, x.name))
            for x in ctx.catalog.bundles
        ]
        return [Ask(tr(conv, "请选择服务类别:"), tuple(options))]
    if step == "item":
        category = ctx.catalog.category(d.category)
        return [
            Ask(
                tr(conv, "{name} — 请选择项目:", name=_name(conv, category.name)),
                tuple(
                    Option(
                        f"item:{it.id}",
                        f"{_name(conv, it.name)} "
                        f"{format_yuan(it.unit_price_cents)}/"
                        f"{UNIT_TEXT[it.unit].get(conv.lang)}",
                    )
                    for it in category.items
                ),
            )
        ]
    assert item is not None
    if step == "options":
        return [_options_question(ctx, conv, d, item)]
    if step == "quantity":
        text = _quantity_text(conv, item)
        picks = quantity_picks(item)
        quantities = tuple(Option(f"qty:{q}", quantity_label(conv, item, q)) for q in picks)
        return [Ask(text, quantities, numbered=False)]  # a typed number is the quantity
    if step == "area":
        return [
            Ask(
                tr(
                    conv,
                    "房屋面积大约多少平方米?(含 {included_area_sqm}㎡,"
                    "超出部分每{over_area_block_sqm}㎡加{over_area_block_ce"
                    "nts})",
                    included_area_sqm=item.included_area_sqm,
                    over_area_block_sqm=ctx.rules.pricing.over_area_block_sqm,
                    over_area_block_cents=format_yuan(ctx.rules.pricing.over_area_block_cents),
                )
            )
        ]
    if step in ("when", "date", "time"):  # none offers a time beyond the service's horizon
        ahead = days_ahead(ctx, d)
        if step == "when":
            return [when_question(ctx, conv, ahead)]
        if step == "date":
            return [date_question(ctx, conv, ahead)]
        assert d.day is not None
        return [time_question(ctx, conv, d.day, ahead)]
    if step == "address_detail":
        return [
            Ask(
                tr(
                    conv,
                    "已收到位置:{place}。请补充楼栋门牌号:",
                    place=d.place or tr(conv, "(地图位置)"),
                )
            )
        ]
    return [
        Ask(
            tr(conv, "有什么要告诉师傅的吗?(如门禁、宠物、重点区域)没有请点「跳过」。"),
            (Option("skip", tr(conv, "跳过")),),
        )
    ]


def quantity_picks(item: Item) -> list[int]:
    """The quantities offered as buttons (any other in range may be typed)."""
    if item.unit in (Unit.SQM, Unit.DAY):
        return [item.min_quantity]
    return list(range(item.min_quantity, item.max_quantity + 1))[:3]


def quantity_label(conv: Conversation, item: Item, quantity: int) -> str:
    """ "3小时 ¥120.00" / "3 hours ¥120.00": how many, and what the base price comes to."""
    unit = counted(item.unit, quantity).get(conv.lang)
    amount = format_yuan(item.unit_price_cents * quantity)
    if conv.lang == "en":
        return f"{quantity} {unit} {amount}"
    return f"{quantity}{unit} {amount}"


def _quantity_text(conv: Conversation, item: Item) -> str:
    low, high = item.min_quantity, item.max_quantity
    if item.unit == Unit.HOUR:
        return tr(conv, "需要几小时?({low}–{high},也可以直接回复数字)", low=low, high=high)
    if item.unit == Unit.SQM:
        return tr(conv, "房屋面积多少平方米?({low}–{high},例如回复 90)", low=low, high=high)
    if item.unit == Unit.DAY:
        return tr(conv, "需要多少天?({low}–{high},也可以直接回复数字)", low=low, high=high)
    if item.unit == Unit.UNIT:
        return tr(conv, "需要几台?({low}–{high},也可以直接回复数字)", low=low, high=high)
    return tr(conv, "需要几次?({low}–{high},也可以直接回复数字)", low=low, high=high)


def _options_question(ctx: Ctx, conv: Conversation, d: Draft, item: Item) -> Ask:
    """The extras to tick, and — where the quantity is picked from buttons — how many hours
    on the same screen: tapping the quantity closes it."""
    chosen = d.ticked or []
    options = [
        Option(
            f"opt:{o.id}",
            ("✓ " if o.id in chosen else "")
            + _name(conv, o.name)
            + f" +{format_yuan(o.price_cents)}",
        )
        for o in item.options
    ]
    if item.high_altitude:
        options.append(
            Option(
                "alt",
                ("✓ " if d.high_altitude else "")
                + tr(conv, "高空作业(外窗等)")
                + f" +{format_yuan(ctx.rules.pricing.high_altitude_cents)}",
            )
        )
    if item.unit not in (Unit.SQM, Unit.DAY):
        picks = quantity_picks(item)
        if d.quantity is not None and d.quantity not in picks:
            picks.append(d.quantity)  # a number typed earlier, reached again by "back"
        options += [
            Option(f"qty:{q}", ("✓ " if q == d.quantity else "") + quantity_label(conv, item, q))
            for q in picks
        ]
        text = _quantity_text(conv, item) + "\n" + tr(conv, "需要加选的服务先点一下(可多选)。")
        return Ask(text, tuple(options), numbered=False)  # a typed number is the quantity
    options.append(Option("done", tr(conv, "选好了")))
    return Ask(tr(conv, "需要加选哪些服务?可多选,选好后点「选好了」。"), tuple(options))


def address_question(conv: Conversation, addresses: tuple[SavedAddress, ...]) -> list[Reply]:
    options = tuple(
        Option(f"addr:{a.id}", address_shown(a.label, conv.lang)) for a in addresses[:5]
    )
    if options:
        text = tr(conv, "服务地址?请选择常用地址,或直接输入新地址(写到门牌号)。")
    else:
        text = tr(conv, "服务地址?请直接输入(写到门牌号)。")
    # the location is offered once, the channel's way (a button, or how to send one)
    return [Ask(text, options), AskLocation(tr(conv, "或者发送位置"))]


def map_pin(conv: Conversation) -> str:
    """The place of a shared location that came without a label."""
    return MAP_PIN.get(conv.lang)


def not_understood(conv: Conversation) -> Say:
    return Say(
        tr(conv, "没太明白。可以直接说要什么服务,例如「日常保洁 3小时」,或点选下面的选项。")
    )


def not_a_number(conv: Conversation, item: Item) -> Say:
    low, high = item.min_quantity, item.max_quantity
    return Say(tr(conv, "请回复 {low}–{high} 之间的数字,例如 {low}。", low=low, high=high))


def not_whole(conv: Conversation, item: Item) -> Say:
    """ "2.5", "两个半小时": a quantity is a whole number (of hours, of units…)."""
    low, high = item.min_quantity, item.max_quantity
    if item.unit == Unit.HOUR:
        text = tr(
            conv, "按整小时预约:请回复 {low}–{high} 之间的整数,例如 {low}。", low=low, high=high
        )
    else:
        text = tr(
            conv, "数量需为整数:请回复 {low}–{high} 之间的整数,例如 {low}。", low=low, high=high
        )
    return Say(text)


def out_of_range(conv: Conversation, item: Item) -> Say:
    low, high = item.min_quantity, item.max_quantity
    return Say(tr(conv, "数量需在 {low}–{high} 之间。", low=low, high=high))


def not_an_area(conv: Conversation) -> Say:
    return Say(tr(conv, "请输入房屋面积(平方米),例如 90。"))


def too_soon(ctx: Ctx, conv: Conversation) -> Say:
    minutes = ctx.rules.booking.min_lead_minutes
    return Say(tr(conv, "这个时间太早了,请选择至少 {minutes} 分钟之后的时间。", minutes=minutes))


def in_the_past(conv: Conversation) -> Say:
    return Say(tr(conv, "这个时间已经过去了,请选一个以后的时间。"))


def no_such_date(conv: Conversation) -> Say:
    return Say(tr(conv, "没有这一天(日期不存在),请换一天。"))


def too_far(conv: Conversation, days: int) -> Say:
    """Beyond the ``days`` the service may be booked ahead (``Draft.days_ahead``)."""
    return Say(tr(conv, "最多可预约 {days} 天内。", days=days))


def unreadable_date(ctx: Ctx, conv: Conversation, days: int) -> Say:
    """A day not read; ``days``: how far ahead the service may be booked
    (``Draft.days_ahead``)."""
    day = ctx.now.astimezone(ctx.tz).date() + timedelta(days=2)
    return Say(
        tr(
            conv,
            "没看懂日期,可以回复「明天」「{day}」或「周六 10点」(可约 {days} 天内)。",
            day=moment(ctx, conv, day, clock=False),
            days=days,
        )
    )


def not_a_time(conv: Conversation) -> Say:
    return Say(tr(conv, "请回复时间,例如 9:30 或 下午3点。"))


def address_too_short(conv: Conversation) -> Say:
    return Say(tr(conv, "地址太短了,请写到门牌号,例如「徐汇区漕溪北路88号12楼1203」。"))


def not_an_address(conv: Conversation, *, detail: bool = False, timed: bool = True) -> Say:
    """What was typed at "where?" reads as a time (``timed``) or has nothing of an address:
    no road, estate, building or district, a number alone ("123", a phone number), a city
    alone ("我在上海出差")."""
    if detail:
        return Say(tr(conv, "这不像门牌号,请写楼号和门牌,例如「3栋1201室」或「8楼801」。"))
    if not timed:  # "123", a phone number, "hello", "我在上海出差": no street, estate or building
        return Say(
            tr(
                conv,
                "这不像地址:要写路名、小区或楼栋,只有城市或号码不够,"
                "例如「徐汇区漕溪北路88号12楼1203」。",
            )
        )
    return Say(
        tr(
            conv,
            "这不像地址,请写街道和门牌号,例如「徐汇区漕溪北路88号12楼1203」。"
            "时间已选好,这里只需地址。",
        )
    )
