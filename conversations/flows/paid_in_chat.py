"""A payment collected by the chat itself (a Telegram invoice): credit it and say so, from
whatever step the person was at."""

from __future__ import annotations

from enum import StrEnum

from conversations.events import Loaded
from conversations.flows import booking_views
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.replies import Reply, Say
from conversations.state import Conversation
from domain.commands import ConfirmPayment
from domain.money import format_yuan

NAME = "payment"


class Step(StrEnum):
    CREDIT = "credit"


FIRST = Step.CREDIT


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    p = conv.data.pop("payment", None)
    if p is None:
        return Outcome(goto=_home(conv))
    return Outcome(
        commands=[
            ConfirmPayment(
                p["reference"],
                p["provider"],
                p["provider_ref"],
                int(p["amount_cents"]),
                conv.customer_id,
            )
        ]
    )


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    return Outcome(goto=_home(conv))


def _home(conv: Conversation) -> str:
    return "menu" if conv.customer_id is not None else "start"


def on_paid(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    d = result.data
    replies: list[Reply]
    if result.kind == "paid_late":  # the order was cancelled before the money came
        amount = format_yuan(d["amount_cents"])
        replies = [
            Say(
                tr(
                    conv,
                    f"订单 #{d['number']} 已取消,这笔 {amount} 不会用于该订单,将原路全额退回。",
                    f"Order #{d['number']} was cancelled, so this {amount} will not be used: "
                    "the whole amount goes back the way you paid.",
                )
            )
        ]
        return Outcome(replies, goto=_home(conv))
    conv.data.pop("b", None)
    if d.get("balance"):
        replies = [
            Say(
                tr(
                    conv,
                    f"尾款已付清,谢谢!请确认完成订单 #{d['number']}。",
                    f"Balance paid, thank you! Please confirm order #{d['number']}.",
                )
            )
        ]
    else:
        replies = booking_views.paid_message(conv, d)
    return Outcome(replies, goto=_home(conv))


TRANSITIONS: Transitions = {
    (Step.CREDIT, Loaded): on_paid,
}
