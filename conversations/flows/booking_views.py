"""How the booking and checkout questions look (texts and options), in both languages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from conversations.flows.base import Ctx, tr
from conversations.replies import Ask, AskLocation, Invoice, Link, Option, Reply, Say
from conversations.state import Conversation
from domain.catalog import UNIT_TEXT, Consumables, Item, Unit
from domain.money import format_yuan

WEEKDAYS = (
    ("周一", "Mon"),
    ("周二", "Tue"),
    ("周三", "Wed"),
    ("周四", "Thu"),
    ("周五", "Fri"),
    ("周六", "Sat"),
    ("周日", "Sun"),
)


def _name(conv: Conversation, text: Any) -> str:
    return str(text.get(conv.lang))


def item_card(conv: Conversation, item: Item) -> str:
    unit = UNIT_TEXT[item.unit].get(conv.lang)
    consumables = (
        tr(conv, "含清洁用品", "supplies included")
        if item.consumables == Consumables.INCLUDED
        else tr(conv, "用品由客户提供(可加选师傅自带)", "you provide supplies")
    )
    lines = [
        f"{_name(conv, item.name)} · {format_yuan(item.unit_price_cents)}/{unit}",
        _name(conv, item.description),
        tr(conv, "验收标准:", "Acceptance: ") + _name(conv, item.acceptance),
        consumables,
    ]
    if item.certificate:
        lines.append(tr(conv, "服务人员持证上岗", "Served by a certified worker"))
    return "\n".join(lines)


def question(
    ctx: Ctx, conv: Conversation, step: str, b: dict[str, Any], items: list[Item]
) -> list[Reply]:
    item = items[0] if items else None
    if step == "category":
        options = [Option(f"cat:{c.id}", _name(conv, c.name)) for c in ctx.catalog.categories]
        options += [
            Option(f"bundle:{x.id}", tr(conv, "套餐:", "Bundle: ") + _name(conv, x.name))
            for x in ctx.catalog.bundles
        ]
        return [Ask(tr(conv, "请选择服务类别:", "Which kind of service?"), tuple(options))]
    if step == "item":
        category = ctx.catalog.category(b["cat"])
        return [
            Ask(
                tr(
                    conv,
                    f"{_name(conv, category.name)} — 请选择项目:",
                    f"{_name(conv, category.name)} — choose a service:",
                ),
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
        chosen = b.setdefault("pending_opts", list(b.get("opts", [])))
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
                    ("✓ " if b.get("alt") else "")
                    + tr(conv, "高空作业(外窗等)", "High-altitude work")
                    + f" +{format_yuan(ctx.rules.pricing.high_altitude_cents)}",
                )
            )
        options.append(Option("done", tr(conv, "选好了", "Done")))
        return [
            Ask(
                tr(
                    conv,
                    "需要加选哪些服务?可多选,选好后点「选好了」。",
                    "Any extras? Pick as many as you like, then 'Done'.",
                ),
                tuple(options),
            )
        ]
    if step == "quantity":
        unit = UNIT_TEXT[item.unit].get(conv.lang)
        picks = [q for q in range(item.min_quantity, item.max_quantity + 1)][:4]
        if item.unit in (Unit.SQM, Unit.DAY):
            picks = [item.min_quantity]
        text = {
            Unit.HOUR: tr(
                conv,
                f"需要几小时?({item.min_quantity}–{item.max_quantity})",
                f"How many hours? ({item.min_quantity}–{item.max_quantity})",
            ),
            Unit.SQM: tr(
                conv,
                f"房屋面积多少平方米?({item.min_quantity}–{item.max_quantity})",
                f"Floor area in m²? ({item.min_quantity}–{item.max_quantity})",
            ),
            Unit.DAY: tr(
                conv,
                f"需要多少天?({item.min_quantity}–{item.max_quantity})",
                f"How many days? ({item.min_quantity}–{item.max_quantity})",
            ),
            Unit.VISIT: tr(
                conv,
                f"需要几{unit}/台?({item.min_quantity}–{item.max_quantity})",
                f"How many? ({item.min_quantity}–{item.max_quantity})",
            ),
        }[item.unit]
        return [Ask(text, tuple(Option(f"qty:{q}", str(q)) for q in picks), numbered=False)]
    if step == "area":
        return [
            Ask(
                tr(
                    conv,
                    f"房屋面积大约多少平方米?(含 {item.included_area_sqm}㎡,超出部分每"
                    f"{ctx.rules.pricing.over_area_block_sqm}㎡加"
                    f"{format_yuan(ctx.rules.pricing.over_area_block_cents)})",
                    f"Roughly how big is the home in m²? ({item.included_area_sqm} m² included)",
                )
            )
        ]
    if step == "date":
        return [date_question(ctx, conv)]
    if step == "time":
        return [time_question(ctx, conv, date.fromisoformat(b["day"]))]
    if step == "address_detail":
        return [
            Ask(
                tr(
                    conv,
                    f"已收到位置:{b.get('loc_label') or '(地图位置)'}。请补充楼栋门牌号:",
                    f"Got the location: {b.get('loc_label') or '(map pin)'}. Building and "
                    "flat number?",
                )
            )
        ]
    return [
        Ask(
            tr(
                conv,
                "有什么要告诉师傅的吗?(如门禁、宠物、重点区域)没有请点「跳过」。",
                "Anything the worker should know (door code, pets, focus areas)? Or 'Skip'.",
            ),
            (Option("skip", tr(conv, "跳过", "Skip")),),
        )
    ]


def date_question(ctx: Ctx, conv: Conversation) -> Ask:
    today = ctx.now.astimezone(ctx.tz).date()
    options = [Option("asap", tr(conv, "尽快上门", "As soon as possible"))]
    for offset in range(ctx.rules.booking.days_offered):
        day = today + timedelta(days=offset)
        rel = {0: ("今天", "Today"), 1: ("明天", "Tomorrow"), 2: ("后天", "")}.get(offset)
        zh, en = WEEKDAYS[day.weekday()]
        label = tr(
            conv,
            f"{(rel or ('', ''))[0]}{day.month}月{day.day}日 {zh}",
            f"{rel[1] + ' ' if rel and rel[1] else ''}{en} {day:%d %b}",
        )
        options.append(Option(f"day:{day.isoformat()}", label.strip()))
    return Ask(
        tr(
            conv,
            "哪天上门?也可以直接回复,例如「12月5日 9:30」。",
            "Which day? You can also type e.g. '12-05 9:30'.",
        ),
        tuple(options),
    )


def time_question(ctx: Ctx, conv: Conversation, day: date) -> Ask:
    earliest = ctx.now + timedelta(minutes=ctx.rules.booking.min_lead_minutes)
    slots = [
        t for t in ctx.rules.booking.slots if datetime.combine(day, t, tzinfo=ctx.tz) >= earliest
    ]
    text = tr(
        conv,
        "几点开始?也可以直接回复时间,例如 9:30。",
        "What time should we start? You can also type a time, e.g. 9:30.",
    )
    if not slots:
        text = tr(
            conv,
            "这天的常用时段已过,请回复具体时间,或发送「返回」换一天。",
            "The usual slots for that day have passed — type a time, or 'back' for another day.",
        )
    return Ask(text, tuple(Option(f"at:{t:%H:%M}", f"{t:%H:%M}") for t in slots))


def address_question(conv: Conversation, addresses: list[dict[str, Any]]) -> list[Reply]:
    options = tuple(Option(f"addr:{a['id']}", a["label"]) for a in addresses[:5])
    if options:
        text = tr(
            conv,
            "服务地址?请选择常用地址,或直接输入新地址(写到门牌号),也可以发送位置。",
            "Where? Pick a saved address, type a new one (down to the flat number), or "
            "share your location.",
        )
    else:
        text = tr(
            conv,
            "服务地址?请直接输入(写到门牌号),或发送位置。",
            "Where? Type the address (down to the flat number) or share your location.",
        )
    return [
        Ask(text, options),
        AskLocation(tr(conv, "也可以直接发送位置", "Or share your location")),
    ]


def quote_message(conv: Conversation, q: dict[str, Any]) -> list[Reply]:
    label = "label_en" if conv.lang == "en" else "label_zh"
    lines = [tr(conv, "费用明细:", "Your quote:")]
    lines += [f"· {line[label]}  {format_yuan(line['amount_cents'])}" for line in q["lines"]]
    lines.append(
        tr(
            conv,
            f"合计:{format_yuan(q['total_cents'])}",
            f"Total: {format_yuan(q['total_cents'])}",
        )
    )
    if q["deposit_cents"]:
        lines.append(
            tr(
                conv,
                f"现付定金 {format_yuan(q['deposit_cents'])},完工后付尾款",
                f"Deposit now {format_yuan(q['deposit_cents'])}, balance after the job",
            )
        )
    lines.append(q["summary_" + ("en" if conv.lang == "en" else "zh")])
    options = [Option("confirm", tr(conv, "确认下单", "Confirm order"))]
    if q.get("coupons"):
        options.append(Option("coupon", tr(conv, "选择优惠券", "Choose coupon")))
    if q.get("points_available", 0) >= 100:
        options.append(
            Option(
                "points",
                tr(
                    conv,
                    "不用积分"
                    if q.get("use_points")
                    else f"用积分抵扣(有 {q['points_available']} 分)",
                    "Don't use points"
                    if q.get("use_points")
                    else f"Use points ({q['points_available']})",
                ),
            )
        )
    options.append(Option("time", tr(conv, "改时间", "Change time")))
    return [Ask("\n".join(lines), tuple(options))]


def code_question(conv: Conversation, q: dict[str, Any], code: str) -> list[Reply]:
    """Ask for the confirmation code of a big order (the code is shown here, typed back)."""
    total = format_yuan(q["total_cents"])
    return [
        Ask(
            tr(
                conv,
                f"本单合计 {total},金额较大。为确认是您本人下单,请回复验证码:{code}",
                f"This order comes to {total}. To confirm it, reply with the code: {code}",
            ),
            (Option("quote", tr(conv, "返回报价", "Back to the quote")),),
        )
    ]


def coupon_question(conv: Conversation, coupons: list[dict[str, Any]]) -> list[Reply]:
    label = "label_en" if conv.lang == "en" else "label_zh"
    options = [Option(f"coupon:{c['code']}", c[label]) for c in coupons[:8]]
    options.append(Option("none", tr(conv, "不使用优惠券", "No coupon")))
    return [Ask(tr(conv, "选择优惠券:", "Choose a coupon:"), tuple(options))]


def order_placed(conv: Conversation, order: dict[str, Any]) -> list[Reply]:
    due, by = format_yuan(order["due_now_cents"]), order.get("pay_by", "")
    return [
        Say(
            tr(
                conv,
                f"订单 #{order['number']} 已提交,应付 {due}"
                + (f",请在 {by} 前支付(逾期自动取消)。" if by else "。"),
                f"Order #{order['number']} is placed — {due} to pay now"
                + (f", by {by} (unpaid, it is cancelled then)." if by else "."),
            )
        )
    ]


def pay_question(conv: Conversation, order: dict[str, Any]) -> list[Reply]:
    """How to pay, by provider: a Telegram invoice, the WeChat Pay page, or the sandbox."""
    amount = format_yuan(order.get("due_now_cents", 0))
    later = Option("later", tr(conv, "稍后支付", "Pay later"))
    provider = order.get("provider", "sandbox")
    if provider == "telegram":
        return [
            Invoice(
                order.get("title", ""),
                tr(conv, f"应付 {amount}", f"Due {amount}"),
                order.get("reference", ""),
                tuple((str(label), int(fen)) for label, fen in order.get("invoice", [])),
            ),
            Ask(
                tr(conv, "点上方账单的「支付」按钮完成付款。", "Tap Pay on the invoice above."),
                (later,),
            ),
        ]
    if provider == "wechat_pay":
        return [
            Link(
                tr(conv, f"请用微信支付 {amount}:", f"Pay {amount} with WeChat Pay:"),
                order.get("pay_url", ""),
                tr(conv, "微信支付", "WeChat Pay"),
            ),
            Ask(
                tr(conv, "付款成功后我会通知您。", "I'll tell you when the payment arrives."),
                (later,),
            ),
        ]
    return [
        Link(
            tr(conv, "也可以在网页上支付:", "Or pay on the web:"),
            order.get("pay_url", ""),
            tr(conv, "打开支付页", "Open payment page"),
        ),
        Ask(
            tr(
                conv,
                f"请支付 {amount}(演示环境,不会真实扣款)。",
                f"Please pay {amount} (sandbox: no real money moves).",
            ),
            (Option("pay", tr(conv, f"确认支付 {amount}", f"Pay {amount}")), later),
        ),
    ]


def paid_message(conv: Conversation, paid: dict[str, Any]) -> list[Reply]:
    amount, number = format_yuan(paid["amount_cents"]), paid["number"]
    if paid.get("held"):
        return [
            Say(
                tr(
                    conv,
                    f"支付成功 {amount}!订单 #{number} 需客服审核后安排师傅,我们会尽快处理。",
                    f"Paid {amount}! Our team reviews order #{number} before finding a worker "
                    "— we'll be quick.",
                )
            )
        ]
    if paid.get("no_worker"):
        return [
            Say(
                tr(
                    conv,
                    f"支付成功 {amount}!订单 #{number} 暂时没有合适的师傅,客服正在为您人工安排,"
                    "请稍候。",
                    f"Paid {amount}! No worker is free for order #{number} right now; our "
                    "team is arranging one for you.",
                )
            )
        ]
    return [
        Say(
            tr(
                conv,
                f"支付成功 {amount}!订单 #{number} 正在为您安排师傅,接单后会通知您。",
                f"Paid {amount}! We are finding a worker for order #{number} and will tell "
                "you when one accepts.",
            )
        )
    ]
