"""Checkout: the itemised quote (priced by the service layer), coupon and points, confirm,
then pay with the channel's provider (the sandbox, in the demo or a test mode, confirms in
chat). Where no provider serves the channel, the customer is told so and nothing is placed.

A quote above ``rules.risk.confirm_code_above_cents`` is confirmed by typing back a code the
bot shows (DESIGN §4 Risk): a big order is never placed by one stray tap.
"""

from __future__ import annotations

import secrets
import unicodedata
from enum import StrEnum
from typing import Any

from conversations.events import ChoiceMade, Loaded, TextReceived
from conversations.flows import booking_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, flow_data, tr
from conversations.flows.booking import booking
from conversations.replies import Reply, Say
from conversations.state import Conversation
from domain.commands import ConfirmSandboxPayment, PlaceOrder, PreviewQuote
from domain.risk import CONFIRM_CODE_DIGITS, CONFIRM_CODE_TRIES, needs_confirm_code

NAME = "checkout"


class Step(StrEnum):
    QUOTE = "quote"
    CODE = "code"
    COUPON = "coupon"
    PAY = "pay"


FIRST = Step.QUOTE


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    return ask(ctx, conv)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    b = flow_data(conv, "b")
    if conv.step == Step.QUOTE:
        return Outcome(commands=[PreviewQuote(booking(ctx, conv))])
    if conv.step == Step.CODE:
        if "confirm" not in b or "quote" not in b:  # reached by "back" after it was used
            return Outcome(step=Step.QUOTE, reask=True)
        return Outcome(views.code_question(conv, b["quote"], b["confirm"]["code"]))
    if conv.step == Step.COUPON:
        return Outcome(views.coupon_question(conv, b.get("quote", {}).get("coupons", [])))
    return Outcome(views.pay_question(conv, b.get("order", {})))


def on_loaded(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    b = flow_data(conv, "b")
    if result.kind == "quote":
        b["quote"] = result.data
        return Outcome(views.quote_message(conv, result.data))
    if result.kind == "order_placed":
        b["order"] = result.data
        return Outcome(views.order_placed(conv, result.data), step=Step.PAY, reask=True)
    if result.kind == "payment_unavailable":
        conv.data.pop("b", None)
        return Outcome(unavailable(conv), goto="menu")
    return Outcome()


def unavailable(conv: Conversation, *, placed: bool = False) -> list[Reply]:
    """No payment provider serves this channel: say so (and, at checkout, that no order was
    placed; ``placed``: an order that exists stays unpaid)."""
    if placed:
        text = tr(
            conv,
            "本渠道暂未开通在线支付,请联系客服。",
            "Online payment is not available here yet; please contact our customer service.",
        )
    else:
        text = tr(
            conv,
            "本渠道暂未开通在线支付,订单没有提交。请联系客服预约。",
            "Online payment is not available here yet, so the order was not placed. "
            "Please contact our customer service to book.",
        )
    return [Say(text)]


def on_quote_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    b = flow_data(conv, "b")
    if event.key == "confirm" and "quote" in b:
        if needs_confirm_code(int(b["quote"]["total_cents"]), ctx.rules.risk):
            code = f"{secrets.randbelow(10**CONFIRM_CODE_DIGITS):0{CONFIRM_CODE_DIGITS}d}"
            b["confirm"] = {"code": code, "wrong": 0}
            return Outcome(step=Step.CODE, reask=True)
        return _place(ctx, conv, b)
    if event.key == "coupon":
        return Outcome(step=Step.COUPON, reask=True)
    if event.key == "points":
        b["points"] = not b.get("points")
        return Outcome(reask=True)
    if event.key == "time":
        for key in ("day", "start", "asap"):
            b.pop(key, None)
        return Outcome(goto="booking")
    return Outcome(reask=True)


def _place(ctx: Ctx, conv: Conversation, b: dict[str, Any]) -> Outcome:
    # from the quote step: the order (or the refusal, with a fresh quote) is answered there
    b.pop("confirm", None)
    return Outcome(
        step=Step.QUOTE,
        commands=[PlaceOrder(booking(ctx, conv), int(b["quote"]["total_cents"]))],
    )


def on_code(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    b = flow_data(conv, "b")
    confirm = b.get("confirm")
    if confirm is None or "quote" not in b:
        return Outcome(step=Step.QUOTE, reask=True)
    typed = "".join(unicodedata.normalize("NFKC", event.text).split())  # full-width digits too
    if secrets.compare_digest(typed.encode(), str(confirm["code"]).encode()):
        return _place(ctx, conv, b)
    confirm["wrong"] = int(confirm["wrong"]) + 1
    left = CONFIRM_CODE_TRIES - confirm["wrong"]
    if left <= 0:
        del b["confirm"]
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"验证码连续 {CONFIRM_CODE_TRIES} 次不对,订单没有提交。请重新确认报价。",
                        f"The code was wrong {CONFIRM_CODE_TRIES} times, so the order was not "
                        "placed. Please check the quote again.",
                    )
                )
            ],
            step=Step.QUOTE,
            reask=True,
        )
    return Outcome(
        [
            Say(
                tr(
                    conv,
                    f"验证码不对,订单没有提交。还可以再试 {left} 次。",
                    f"That code is not right; the order was not placed. {left} "
                    f"{'try' if left == 1 else 'tries'} left.",
                )
            )
        ],
        reask=True,
    )


def on_code_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    b = flow_data(conv, "b")
    if event.key == "quote":
        b.pop("confirm", None)
        return Outcome(step=Step.QUOTE, reask=True)
    return Outcome(reask=True)  # e.g. the quote's old "Confirm" button: the code is needed


def on_coupon(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    b = flow_data(conv, "b")
    if event.key == "none":
        b["coupon"] = ""
    elif event.key.startswith("coupon:"):
        b["coupon"] = event.key[7:]
    else:
        return Outcome(reask=True)
    return Outcome(step=Step.QUOTE, reask=True)


def on_pay(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    order = flow_data(conv, "b").get("order", {})
    if event.key == "pay" and order.get("reference") and order.get("provider") == "sandbox":
        return Outcome(commands=[ConfirmSandboxPayment(order["reference"], conv.customer_id)])
    if event.key == "later":
        conv.data.pop("b", None)
        number, by = order.get("number"), order.get("pay_by", "")
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"订单 #{number} 已保留,可在「我的订单」中支付"
                        + (f"(请在 {by} 前支付,逾期自动取消)。" if by else "。"),
                        f"Order #{number} is kept — pay from 'My orders'"
                        + (f" by {by} (unpaid, it is cancelled then)." if by else "."),
                    )
                )
            ],
            goto="menu",
        )
    return Outcome(reask=True)


def on_paid(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    if result.kind == "payment_unavailable":  # a sandbox button from before it was turned off
        conv.data.pop("b", None)
        return Outcome(unavailable(conv, placed=True), goto="menu")
    if result.kind != "paid":
        return Outcome()
    conv.data.pop("b", None)
    return Outcome(views.paid_message(conv, result.data), goto="menu")


TRANSITIONS: Transitions = {
    (Step.QUOTE, Loaded): on_loaded,
    (Step.QUOTE, ChoiceMade): on_quote_choice,
    (Step.CODE, TextReceived): on_code,
    (Step.CODE, ChoiceMade): on_code_choice,
    (Step.COUPON, ChoiceMade): on_coupon,
    (Step.PAY, ChoiceMade): on_pay,
    (Step.PAY, Loaded): on_paid,
}
