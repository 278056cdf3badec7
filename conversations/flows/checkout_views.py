"""How checkout looks: the itemised quote, the preferred worker, the phone, area, notes,
confirmation code and coupon questions — in both languages (paying: ``payment_views``)."""

from __future__ import annotations

from conversations.flows.base import Ctx, tr, trn
from conversations.flows.booking_draft import Draft
from conversations.flows.booking_views import quantity_label
from conversations.replies import Ask, AskContact, Option, Reply, Say
from conversations.results.booking import CouponChoice, QuoteReady, WorkerChoice
from conversations.state import Conversation
from domain.aftersales import stars_text
from domain.catalog import Item
from domain.money import format_yuan
from domain.privacy import address_shown
from domain.risk import CONFIRM_CODE_TRIES
from domain.text import N_

CHOOSE_COUPON = N_("选择优惠券")
"""The quote's coupon button when the customer holds coupons that fit."""
ENTER_CODE = N_("输入优惠码")
"""The quote's coupon button otherwise (a promo code is typed after it, or on the list)."""


def _points_options(conv: Conversation, q: QuoteReady) -> list[Option]:
    """Points as cash and points for a free hour, where the customer can use them."""
    options = []
    if q.points_available >= 100:
        options.append(
            Option(
                "points",
                tr(conv, "不用积分")
                if q.use_points
                else tr(conv, "用积分抵扣(有 {points} 分)", points=q.points_available),
            )
        )
    if q.free_hours:
        options.append(Option("free_hour", tr(conv, "不用积分换工时")))
    elif q.free_hour_points:
        text = tr(conv, "用 {points} 积分换 1 小时", points=q.free_hour_points)
        options.append(Option("free_hour", text))
    return options


def quote_message(
    ctx: Ctx, conv: Conversation, q: QuoteReady, d: Draft, phone_needed: bool, repeat: str = ""
) -> list[Reply]:
    """The itemised quote; its buttons change what can be changed here (area, notes, time,
    coupon, points, the preferred worker, a repeat asked for). A first order asks the phone
    number with it: giving it confirms. ``repeat``: what it says of the repeat asked for
    (``booking_repeat.quote_line``). The area is shown once: on its own line where it is
    counted apart (an included area), else as the quantity of an item sold by the m²
    (its price line) — "改面积" changes that quantity then (``area_question``)."""
    lines = _priced_lines(conv, q)
    if repeat:
        lines.append(repeat)
    if q.preferred is not None:
        lines.append(preferred_line(conv, q.preferred))
    area = d.area_sqm if not d.bundle and d.counts_area(ctx.catalog) else None
    lines += _home_and_notes(conv, d, area)
    options = [Option("confirm", tr(conv, "确认下单"))]
    label = CHOOSE_COUPON if q.coupons else ENTER_CODE
    options.append(Option("coupon", label.get(conv.lang)))
    options += _points_options(conv, q)
    if q.card is not None:
        options.append(
            Option(
                "card",
                tr(conv, "本单不用次卡")
                if q.use_card
                else tr(conv, "用次卡抵扣({card})", card=q.card.get(conv.lang)),
            )
        )
    if q.workers:
        options.append(Option("worker", tr(conv, "指定师傅")))
    options.append(Option("time", tr(conv, "改时间")))
    if q.address:
        options.append(Option("address", tr(conv, "改地址")))
    if q.known_phone:
        options.append(Option("link", tr(conv, "用原账户下单(绑定)")))
    if area is not None or d.sized(ctx.catalog) is not None:
        options.append(Option("area", tr(conv, "改面积")))
    if d.weekly and not q.repeating:  # repeating already: booked once as it is
        options.append(Option("once", tr(conv, "只订这一次")))
    replies: list[Reply] = [Ask("\n".join(lines), tuple(options))]
    if phone_needed:
        replies.append(AskContact(phone_prompt(conv), share_phone(conv)))
    return replies


def _priced_lines(conv: Conversation, q: QuoteReady) -> list[str]:
    """The quote's lines, total, when and where, and what it applied."""
    lines = [tr(conv, "费用明细:")]
    lines += [
        f"· {line.label.get(conv.lang)}  {format_yuan(line.amount_cents)}" for line in q.lines
    ]
    lines.append(tr(conv, "合计:{total_cents}", total_cents=format_yuan(q.total_cents)))
    if q.deposit_cents:
        lines.append(_deposit(conv, q))
    lines.append(q.summary.get(conv.lang))
    if q.address:
        lines.append(tr(conv, "地址:{address}", address=address_shown(q.address, conv.lang)))
    if q.instead and q.instead in INSTEAD:
        lines.append(INSTEAD[q.instead].get(conv.lang))
    if q.use_card and q.card is not None:
        lines.append(tr(conv, "本单使用次卡「{card}」1 次。", card=q.card.get(conv.lang)))
    if q.known_phone:
        lines.append(tr(conv, "这个手机号已有账户,新客优惠(首单立减、新人券)不再适用。"))
        lines.append(
            tr(
                conv,
                "是您的另一个账户?点「用原账户下单(绑定)」,验证码会发到那个账户的聊天里,"
                "在这里回复即可合并;也可以直接确认下单。",
            )
        )
    return lines


def preferred_line(conv: Conversation, w: WorkerChoice) -> str:
    """The preferred worker as the quote shows them: favoured, not promised."""
    return tr(conv, "指定师傅:{name}(优先派单;没空时由其他师傅服务)", name=w.name)


def worker_question(conv: Conversation, workers: tuple[WorkerChoice, ...]) -> list[Reply]:
    """The workers who served the customer, by name and rating, or none in particular."""
    options = [
        Option(
            f"worker:{w.id}",
            tr(conv, "{name}(评分 {stars})", name=w.name, stars=stars_text(w.rating_x100))
            if w.reviews
            else tr(conv, "{name}(暂无评价)", name=w.name),
        )
        for w in workers
    ]
    options.append(Option("any", tr(conv, "不指定")))
    options.append(Option("quote", tr(conv, "返回报价")))
    text = tr(conv, "想请哪位服务过您的师傅?选中的师傅优先派单,没空时由其他师傅服务。")
    return [Ask(text, tuple(options))]


def not_a_worker(conv: Conversation) -> Say:
    """Words at the worker question that name none of them."""
    return Say(tr(conv, "请点选一位师傅(或回复序号、师傅的名字),不指定请选「不指定」。"))


def _home_and_notes(conv: Conversation, d: Draft, area: int | None) -> list[str]:
    """The home's size the quote counts apart (``area``: where it is priced so) and the
    notes for the worker."""
    lines = []
    if area is not None:
        lines.append(tr(conv, "房屋面积:按 {area} ㎡ 计", area=area))
    if d.notes:
        lines.append(tr(conv, "备注:{notes}", notes=d.notes))
    else:
        lines.append(tr(conv, "有要告诉师傅的(门禁、宠物、重点区域)直接回复即可。"))
    return lines


def _deposit(conv: Conversation, q: QuoteReady) -> str:
    """What is paid now and when the rest is (a placement: period by period)."""
    deposit = format_yuan(q.deposit_cents)
    if q.periods == 1:
        return tr(
            conv,
            "现付定金 {deposit_cents},余款在合同期内一次支付,到期前提醒",
            deposit_cents=deposit,
        )
    if q.periods:
        return tr(
            conv,
            "现付定金 {deposit_cents},余款按合同期分 {periods} 期支付,每期到期前提醒",
            deposit_cents=deposit,
            periods=q.periods,
        )
    return tr(conv, "现付定金 {deposit_cents},完工后付尾款", deposit_cents=deposit)


INSTEAD = {
    ("coupon", "first_order"): N_("优惠券与新客首单立减不能同时使用,已为您选择更划算的优惠券。"),
    ("first_order", "coupon"): N_(
        "新客首单立减与优惠券不能同时使用,已为您选择更划算的新客首单立减。"
    ),
    ("coupon", "points"): N_("优惠券与积分抵扣不能同时使用,已为您选择更划算的优惠券。"),
    ("points", "coupon"): N_("积分抵扣与优惠券不能同时使用,已为您选择更划算的积分抵扣。"),
}
"""(applied, left out): two offers that do not stack, the better one taken — one sentence
per pair, as the offers' own names (labels: "Coupons") would not read within a sentence."""


def share_phone(conv: Conversation) -> str:
    """The words on Telegram's share-my-number button (the web chat's, too)."""
    return tr(conv, "📱 分享手机号")


def phone_prompt(conv: Conversation) -> str:
    return tr(conv, "最后一步:留下手机号即确认下单(师傅上门前会用它联系您),分享或直接输入均可。")


def phone_question(conv: Conversation) -> list[Reply]:
    return [
        AskContact(phone_prompt(conv), share_phone(conv)),
        Ask(tr(conv, "不想现在留号码可以返回报价。"), (Option("quote", tr(conv, "返回报价")),)),
    ]


def bad_phone(conv: Conversation) -> Say:
    return Say(tr(conv, "手机号格式不对,请输入 11 位手机号,例如 13812345678。"))


AREAS = (60, 80, 100, 120, 150)


def area_question(ctx: Ctx, conv: Conversation, sized: Item | None = None) -> list[Reply]:
    """The home's area asked again from the quote: counted beyond an included area, or
    (``sized``: an item sold by the m²) the quantity itself, each button with its price."""
    if sized is not None:
        low, high = sized.min_quantity, sized.max_quantity
        options = [
            Option(f"area:{a}", quantity_label(conv, sized, a)) for a in AREAS if low <= a <= high
        ]
        options.append(Option("quote", tr(conv, "返回报价")))
        text = tr(conv, "房屋面积多少平方米?({low}–{high},例如回复 90)", low=low, high=high)
        return [Ask(text, tuple(options), numbered=False)]  # a typed number is the area
    options = [Option(f"area:{a}", f"{a} ㎡") for a in AREAS]
    options.append(Option("quote", tr(conv, "返回报价")))
    text = tr(
        conv,
        "房屋面积大约多少平方米?超出所含面积的部分每 {block} ㎡ 加 {fee}。"
        "可直接回复数字,例如 90。",
        block=ctx.rules.pricing.over_area_block_sqm,
        fee=format_yuan(ctx.rules.pricing.over_area_block_cents),
    )
    return [Ask(text, tuple(options), numbered=False)]  # a typed number is the area


def not_an_area(conv: Conversation) -> Say:
    return Say(tr(conv, "请回复房屋面积(5–2000 平方米),例如 90。"))


def area_out_of_range(conv: Conversation, sized: Item) -> Say:
    """An area outside the range an item sold by the m² is booked in."""
    low, high = sized.min_quantity, sized.max_quantity
    return Say(tr(conv, "面积需在 {low}–{high} 平方米之间,例如回复 {low}。", low=low, high=high))


def notes_question(conv: Conversation) -> list[Reply]:
    return [
        Ask(
            tr(conv, "请输入要告诉师傅的话(如门禁密码、宠物、重点区域):"),
            (Option("quote", tr(conv, "返回报价")),),
        )
    ]


def notes_kept(conv: Conversation) -> Say:
    return Say(tr(conv, "已记下备注。"))


def code_question(conv: Conversation, total_cents: int, code: str) -> list[Reply]:
    """Ask for the confirmation code of a big order (the code is shown here, typed back)."""
    total = format_yuan(total_cents)
    return [
        Ask(
            tr(
                conv,
                "本单合计 {total},金额较大。为确认是您本人下单,请回复验证码:{code}",
                total=total,
                code=code,
            ),
            (Option("quote", tr(conv, "返回报价")),),
        )
    ]


def coupon_question(conv: Conversation, coupons: tuple[CouponChoice, ...]) -> list[Reply]:
    """The coupons held that fit this order, or a promo code typed here."""
    options = [Option(f"coupon:{c.code}", c.label.get(conv.lang)) for c in coupons[:8]]
    options.append(Option("none", tr(conv, "不使用优惠券")))
    options.append(Option("quote", tr(conv, "返回报价")))
    text = (
        tr(conv, "选择优惠券,或直接回复优惠码(如 SPRING20):")
        if coupons
        else tr(conv, "请回复优惠码(如 SPRING20):")
    )
    return [Ask(text, tuple(options))]


def bad_promo(conv: Conversation) -> Say:
    return Say(tr(conv, "优惠码由字母和数字组成(3–20 位),例如 SPRING20,请重新输入。"))


def wrong_code(conv: Conversation, left: int) -> Say:
    if left <= 0:
        return Say(
            tr(
                conv,
                "验证码连续 {CONFIRM_CODE_TRIES} 次不对,订单没有提交。请重新确认报价。",
                CONFIRM_CODE_TRIES=CONFIRM_CODE_TRIES,
            )
        )
    return Say(
        trn(
            conv,
            "验证码不对,订单没有提交。还可以再试 {left} 次。",
            "验证码不对,订单没有提交。还可以再试 {left} 次。",
            left,
            left=left,
        )
    )
