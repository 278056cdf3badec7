"""Checkout: the itemised quote (priced by the service layer), coupon and points, confirm,
then pay with the configured provider (the sandbox confirms in chat)."""

from __future__ import annotations

from enum import StrEnum

from conversations import booking_views as views
from conversations.booking import booking
from conversations.events import ChoiceMade, Loaded
from conversations.flow import Ctx, Outcome, Transitions, flow_data, tr
from conversations.replies import Say
from conversations.state import Conversation
from domain.commands import ConfirmSandboxPayment, PlaceOrder, PreviewQuote

NAME = "checkout"


class Step(StrEnum):
    QUOTE = "quote"
    COUPON = "coupon"
    PAY = "pay"


FIRST = Step.QUOTE


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    return ask(ctx, conv)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    b = flow_data(conv, "b")
    if conv.step == Step.QUOTE:
        return Outcome(commands=[PreviewQuote(booking(ctx, conv))])
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
    return Outcome()


def on_quote_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    b = flow_data(conv, "b")
    if event.key == "confirm" and "quote" in b:
        return Outcome(commands=[PlaceOrder(booking(ctx, conv), int(b["quote"]["total_cents"]))])
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
    if event.key == "pay" and order.get("reference"):
        return Outcome(commands=[ConfirmSandboxPayment(order["reference"], conv.customer_id)])
    if event.key == "later":
        conv.data.pop("b", None)
        number = order.get("number")
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"订单 #{number} 已保留,可在「我的订单」中支付。",
                        f"Order #{number} is kept — pay any time from 'My orders'.",
                    )
                )
            ],
            goto="menu",
        )
    return Outcome(reask=True)


def on_paid(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    if result.kind != "paid":
        return Outcome()
    conv.data.pop("b", None)
    return Outcome(views.paid_message(conv, result.data), goto="menu")


TRANSITIONS: Transitions = {
    (Step.QUOTE, Loaded): on_loaded,
    (Step.QUOTE, ChoiceMade): on_quote_choice,
    (Step.COUPON, ChoiceMade): on_coupon,
    (Step.PAY, ChoiceMade): on_pay,
    (Step.PAY, Loaded): on_paid,
}
