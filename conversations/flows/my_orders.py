"""My orders: list, detail with the status timeline, pay, cancel (fee shown first), reorder."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from conversations.events import ChoiceMade, Loaded, TextReceived
from conversations.flows import booking, checkout, checkout_views
from conversations.flows.base import Ctx, Outcome, Transitions, flow_data, tr
from conversations.flows.booking_draft import Draft
from conversations.replies import Ask, Option, Reply, Say
from conversations.results.booking import OrderPaid, PaymentRequested, PaymentUnavailable
from conversations.state import Conversation
from domain.commands import (
    CancelOrder,
    ConfirmOrder,
    ConfirmSandboxPayment,
    LoadOrder,
    LoadOrders,
    QuoteCancellation,
    RequestPayment,
)
from domain.money import format_yuan
from domain.pricing import Selection

NAME = "orders"


class Step(StrEnum):
    LIST = "list"
    DETAIL = "detail"
    CANCEL_CONFIRM = "cancel_confirm"
    PAY = "pay"


FIRST = Step.LIST
_NUMBER = re.compile(r"^\s*#?\s*(\d{6,8})\s*$")


def _o(conv: Conversation) -> dict[str, Any]:
    return flow_data(conv, "orders")


def _customer(conv: Conversation) -> int:
    assert conv.customer_id is not None
    return conv.customer_id


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    o = _o(conv)
    action, number = o.pop("action", None), o.get("number")
    if action is None:
        return ask(ctx, conv)
    if number is None:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "请带上订单号,例如「确认完成 #240117」。",
                        "Add the order number, e.g. 'confirm #240117'.",
                    )
                )
            ],
            reask=True,
        )
    if action == "pay":
        return Outcome(commands=[RequestPayment(_customer(conv), int(number))])
    return Outcome(commands=[ConfirmOrder(_customer(conv), int(number))])


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    o = _o(conv)
    if conv.step == Step.LIST:
        return Outcome(commands=[LoadOrders(_customer(conv))])
    if conv.step == Step.PAY:
        due = checkout.due_from_json(o.get("payment"))
        if due is None:  # reached by "back" without a payment request
            return Outcome(step=Step.LIST, reask=True)
        return Outcome(checkout_views.pay_question(conv, due))
    if conv.step == Step.CANCEL_CONFIRM:
        return Outcome(commands=[QuoteCancellation(_customer(conv), int(o["number"]))])
    return Outcome(commands=[LoadOrder(_customer(conv), int(o["number"]))])


def _list(conv: Conversation, orders: list[dict[str, Any]]) -> list[Reply]:
    reorder = _o(conv).get("mode") == "reorder"
    if not orders:
        return [
            Ask(
                tr(conv, "您还没有订单。", "You have no orders yet."),
                (
                    Option("book", tr(conv, "去预约", "Book now")),
                    Option("menu", tr(conv, "主菜单", "Main menu")),
                ),
            )
        ]
    lang = "en" if conv.lang == "en" else "zh"
    options = tuple(
        Option(
            f"o:{x['number']}",
            f"#{x['number']} {x['item_' + lang]} {x['start_local']} {x['status_' + lang]}",
        )
        for x in orders
    )
    text = (
        tr(conv, "选择要再来一单的订单:", "Which order would you like again?")
        if reorder
        else tr(
            conv,
            "您最近的订单(选择查看详情,或回复订单号):",
            "Your recent orders (pick one, or send its number):",
        )
    )
    return [Ask(text, (*options, Option("menu", tr(conv, "主菜单", "Main menu"))))]


def _detail(conv: Conversation, d: dict[str, Any]) -> list[Reply]:
    lang = "en" if conv.lang == "en" else "zh"
    lines = [
        f"#{d['number']} {d['item_' + lang]}",
        tr(conv, f"状态:{d['status_zh']}", f"Status: {d['status_en']}"),
        tr(conv, f"时间:{d['start_local']}", f"When: {d['start_local']}"),
        tr(conv, f"地址:{d['address']}", f"Address: {d['address']}"),
    ]
    lines += [f"· {x['label_' + lang]}  {format_yuan(x['amount_cents'])}" for x in d["lines"]]
    lines.append(
        tr(
            conv,
            f"合计 {format_yuan(d['total_cents'])},已付 {format_yuan(d['paid_cents'])}",
            f"Total {format_yuan(d['total_cents'])}, paid {format_yuan(d['paid_cents'])}",
        )
    )
    left = d["total_cents"] - d["paid_cents"]
    if left > 0 and d["status"] not in ("cancelled", "refunded", "quoted"):
        lines.append(tr(conv, f"待付 {format_yuan(left)}", f"Still to pay {format_yuan(left)}"))
    if d["refunded_cents"]:
        lines.append(
            tr(
                conv,
                f"已退款 {format_yuan(d['refunded_cents'])}",
                f"Refunded {format_yuan(d['refunded_cents'])}",
            )
        )
    if d.get("worker"):
        w = d["worker"]
        lines.append(
            tr(
                conv,
                f"师傅:{w['name']}(评分 {w['stars']},好评率 {w['good_rate']})",
                f"Worker: {w['name']} (rated {w['stars']}, {w['good_rate']} positive)",
            )
        )
    if d.get("my_rating"):
        lines.append(
            tr(conv, f"您的评价:{d['my_rating']} 星", f"Your rating: {d['my_rating']} stars")
        )
    lines += [
        tr(
            conv,
            f"投诉 {c['id']}:{'处理中' if c['open'] else '已处理 ' + c['resolution']}",
            f"Complaint {c['id']}: {'open' if c['open'] else 'resolved, ' + c['resolution']}",
        )
        for c in d.get("complaints", [])
    ]
    lines.append(tr(conv, "进度:", "Timeline:"))
    lines += [
        f"  {e['at_local']} {e['status_' + lang]}" + (f" {e['note']}" if e.get("note") else "")
        for e in d["timeline"]
    ]
    n = d["number"]
    labels = {
        f"act:complain:{n}": tr(conv, "投诉 / 售后", "Complain"),
        f"act:rate:{n}": tr(conv, "评价", "Rate"),
        f"act:rework:{n}": tr(conv, "预约返工", "Book the rework"),
        "pay": tr(conv, "去支付", "Pay"),
        "cancel": tr(conv, "取消订单", "Cancel order"),
        "reorder": tr(conv, "再来一单", "Book again"),
        "repeat": tr(conv, "每周重复", "Repeat weekly"),
        f"act:confirm:{d['number']}": tr(
            conv, f"确认完成 #{d['number']}", f"confirm #{d['number']}"
        ),
    }
    keyed = ("confirm", "complain", "rate", "rework")
    actions = [f"act:{a}:{n}" if a in keyed else a for a in d["actions"]]
    options = [Option(a, labels[a]) for a in actions if a in labels]
    options.append(Option("list", tr(conv, "返回列表", "Back to list")))
    return [Ask("\n".join(lines), tuple(options))]


def prefill(d: dict[str, Any]) -> Draft:
    """A booking like an earlier order: same service, options, size, address."""
    sel = d["selections"][0]
    selection = Selection(
        sel["item_id"],
        sel["quantity"],
        sel.get("area_sqm"),
        tuple(sel["option_ids"]),
        sel["high_altitude"],
    )
    return Draft.again(
        d["category_id"], selection, d.get("bundle_id"), d.get("address_id"), d.get("notes", "")
    )


def on_loaded(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    o = _o(conv)
    if result.kind == "orders":
        return Outcome(_list(conv, result.data["orders"]), step=Step.LIST)
    if result.kind == "order":
        o["number"] = result.data["number"]
        if o.get("mode") == "reorder":
            conv.data.pop("orders", None)
            return booking.start_with(conv, prefill(result.data))
        return Outcome(_detail(conv, result.data), step=Step.DETAIL)
    if result.kind == "cancel_quote":
        d = result.data
        text = tr(
            conv,
            f"取消订单 #{d['number']}:{d['reason_zh']}。将收取 "
            f"{format_yuan(d['fee_cents'])},退款 {format_yuan(d['refund_cents'])}。确认取消吗?",
            f"Cancel order #{d['number']}: {d['reason_en']}. Fee "
            f"{format_yuan(d['fee_cents'])}, refund {format_yuan(d['refund_cents'])}. "
            "Cancel it?",
        )
        o["fee"] = d["fee_cents"]
        return Outcome(
            [
                Ask(
                    text,
                    (
                        Option("yes", tr(conv, "确认取消", "Yes, cancel")),
                        Option("no", tr(conv, "不取消", "No, keep it")),
                    ),
                )
            ],
            step=Step.CANCEL_CONFIRM,
        )
    if result.kind == "cancelled":
        d = result.data
        conv.data.pop("orders", None)
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"订单 #{d['number']} 已取消,退款 {format_yuan(d['refund_cents'])}"
                        " 将原路退回。",
                        f"Order #{d['number']} is cancelled; "
                        f"{format_yuan(d['refund_cents'])} goes back the way you paid.",
                    )
                )
            ],
            goto="menu",
        )
    if result.kind == "confirmed":
        conv.data.pop("orders", None)
        number = result.data["number"]
        rate = Option(
            f"act:rate:{number}", tr(conv, f"评价本次服务 #{number}", f"rate it #{number}")
        )
        return Outcome(
            [
                Ask(
                    tr(
                        conv,
                        f"订单 #{number} 已确认完成,感谢您的信任!欢迎为师傅打分。",
                        f"Order #{number} is confirmed — thank you! Would you rate the worker?",
                    ),
                    (rate,),
                    numbered=False,
                )
            ],
            goto="menu",
        )
    return Outcome()


def on_payment_requested(ctx: Ctx, conv: Conversation, result: PaymentRequested) -> Outcome:
    _o(conv)["payment"] = checkout.due_to_json(result.due)
    return Outcome(step=Step.PAY, reask=True)


def on_payment_unavailable(ctx: Ctx, conv: Conversation, result: PaymentUnavailable) -> Outcome:
    conv.data.pop("orders", None)
    return Outcome(checkout_views.unavailable(conv, placed=True), goto="menu")


def on_paid(ctx: Ctx, conv: Conversation, result: OrderPaid) -> Outcome:
    conv.data.pop("orders", None)
    return Outcome(checkout_views.paid_message(conv, result), goto="menu")


def on_list_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key.startswith("o:"):
        return Outcome(commands=[LoadOrder(_customer(conv), int(event.key[2:]))])
    if event.key in ("book", "menu"):
        conv.data.pop("orders", None)
        return Outcome(goto="booking" if event.key == "book" else "menu")
    return Outcome(reask=True)


def on_list_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    m = _NUMBER.match(event.text)
    if m is None:
        return Outcome(
            [Say(tr(conv, "请选择订单,或回复 6 位订单号。", "Pick an order or send its number."))],
            reask=True,
        )
    return Outcome(commands=[LoadOrder(_customer(conv), int(m.group(1)))])


def on_detail_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    o = _o(conv)
    number = int(o["number"])
    if event.key == "pay":
        return Outcome(commands=[RequestPayment(_customer(conv), number)])
    if event.key == "cancel":
        return Outcome(commands=[QuoteCancellation(_customer(conv), number)])
    if event.key == "reorder":
        o["mode"] = "reorder"
        return Outcome(commands=[LoadOrder(_customer(conv), number)])
    if event.key == "repeat":
        conv.data.pop("orders", None)
        conv.data["recurring"] = {"number": number}
        return Outcome(goto="recurring")
    if event.key == "list":
        return Outcome(step=Step.LIST, reask=True)
    return Outcome(reask=True)


def on_cancel_confirm(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    o = _o(conv)
    if event.key == "yes":
        return Outcome(commands=[CancelOrder(_customer(conv), int(o["number"]), int(o["fee"]))])
    if event.key == "no":
        return Outcome(
            [Say(tr(conv, "好的,订单保留。", "OK, the order stays."))],
            step=Step.DETAIL,
            reask=True,
        )
    return Outcome(reask=True)


def on_pay(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    due = checkout.due_from_json(_o(conv).get("payment"))
    if event.key == "pay" and due is not None and due.reference and due.provider == "sandbox":
        return Outcome(commands=[ConfirmSandboxPayment(due.reference, conv.customer_id)])
    if event.key == "later":
        conv.data.pop("orders", None)
        return Outcome(goto="menu")
    return Outcome(reask=True)


TRANSITIONS: Transitions = {
    (Step.LIST, Loaded): on_loaded,
    (Step.LIST, PaymentRequested): on_payment_requested,
    (Step.LIST, PaymentUnavailable): on_payment_unavailable,
    (Step.LIST, ChoiceMade): on_list_choice,
    (Step.LIST, TextReceived): on_list_text,
    (Step.DETAIL, Loaded): on_loaded,
    (Step.DETAIL, PaymentRequested): on_payment_requested,
    (Step.DETAIL, PaymentUnavailable): on_payment_unavailable,
    (Step.DETAIL, ChoiceMade): on_detail_choice,
    (Step.CANCEL_CONFIRM, Loaded): on_loaded,
    (Step.CANCEL_CONFIRM, ChoiceMade): on_cancel_confirm,
    (Step.PAY, ChoiceMade): on_pay,
    (Step.PAY, Loaded): on_loaded,
    (Step.PAY, OrderPaid): on_paid,
    (Step.PAY, PaymentUnavailable): on_payment_unavailable,
}
